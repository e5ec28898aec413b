from django.utils.functional import SimpleLazyObject

from . import handling
from .models import Status, Submission


def inbox(request):
    """For the admin's index: how many items wait in this staff member's
    inbox (new, given to them, and late). Lazy, as the newsroom's count:
    counted only where the index shows it, so readers' pages never touch
    the session."""

    def counts():
        user = getattr(request, "user", None)
        if user is None or not user.is_staff:
            return {"new": 0, "mine": 0, "late": 0}
        items = Submission.objects.for_user(user)
        return {
            "new": items.filter(status=Status.NEW).count(),
            # Given to them and not yet answered: a writer's work.
            "mine": handling.waiting_for(user, items).count(),
            "late": handling.late(items).count(),
        }

    return {"inbox_waiting": SimpleLazyObject(counts)}
