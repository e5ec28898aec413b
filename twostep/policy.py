"""Who owes a second step, and which."""

from django.conf import settings
from django_otp import user_has_device

from wards import roles

VERIFY = "verify"  # Has a device: type its code.
ENROL = "enrol"  # Must have one and has none: set it up first.


def required(user) -> bool:
    """Must this member of staff sign in with two steps? Superusers and
    editors by default (TWO_STEP_REQUIRED_FOR); "writers" means every
    member of staff."""
    wanted = settings.TWO_STEP_REQUIRED_FOR
    if "superusers" in wanted and user.is_superuser:
        return True
    if "writers" in wanted and (user.is_staff or user.is_superuser):
        return True
    return (
        "editors" in wanted
        and user.ward_memberships.filter(role__name=roles.EDITOR).exists()
    )


def owed(user, verified: bool) -> str | None:
    """What stands between a signed-in user and the admin: VERIFY, ENROL,
    or nothing. Anyone with a device types its code, even where it is
    optional: a writer who enrolled has chosen the second step."""
    if not user.is_authenticated or not (user.is_staff or user.is_superuser):
        return None
    if verified:
        return None
    if user_has_device(user):
        return VERIFY
    if required(user):
        return ENROL
    return None


def owed_by(request) -> str | None:
    """The same for the request's user, read once a request."""
    if not hasattr(request, "_two_step_owed"):
        user = request.user
        verified = user.is_authenticated and user.is_verified()
        request._two_step_owed = owed(user, verified)
    return request._two_step_owed


# The number of resets of the user's second step when the session's password
# was typed (signins.py).
RESETS_SEEN = "twostep_resets_seen"


def ended_by_reset(request) -> bool:
    """Was the second step of the request's member of staff reset since
    their password was typed in this session? Then the session is over
    (middleware.py): after a reset, enrolling takes the password again."""
    from . import devices

    user = request.user
    if not user.is_authenticated or not (user.is_staff or user.is_superuser):
        return False
    return request.session.get(RESETS_SEEN, 0) < devices.resets(user)
