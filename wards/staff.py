"""The wards a logged-in staff member works for."""

from django.utils.functional import SimpleLazyObject

from .models import Ward


def user_wards(request) -> list[Ward]:
    """Their wards (every ward for superusers), read once a request."""
    if not hasattr(request, "_user_wards"):
        request._user_wards = list(Ward.objects.for_user(request.user))
    return request._user_wards


def admin_ward(request):
    """Context processor: the one ward whose admin this is, for staff of
    exactly one ward; None for superusers and staff of several. Lazy: only
    the admin's header reads it."""

    def only_ward():
        wards = user_wards(request) if request.user.is_staff else []
        return wards[0] if len(wards) == 1 and not request.user.is_superuser else None

    return {"admin_ward": SimpleLazyObject(only_ward)}
