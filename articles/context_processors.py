from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from schedules.weeks import WEEKDAYS
from wards.hosts import default_ward

from . import workflow


def portal(request):
    """The current ward (its name and contacts), its category menu, and
    today's date for the header, in the ward's time (kept pages expire at
    midnight: wardnews/pagecache.py)."""
    # Error pages may be rendered for a request the middleware never saw.
    ward = getattr(request, "ward", None) or default_ward()
    today = timezone.localdate()
    return {
        "ward": ward,
        "today": today,
        "today_weekday": WEEKDAYS[today.weekday()],
        # Lazy: evaluated once, by the template's menu, where it is shown.
        "menu_categories": ward.categories.all(),
    }


def newsroom(request):
    """For the admin: how many articles wait for this editor's review.
    Lazy: counted only where a template shows it (the index, the list), so
    that readers' pages never touch the session (and never vary on Cookie)."""

    def waiting():
        user = getattr(request, "user", None)
        if user is None or not user.is_staff:
            return 0
        return workflow.waiting_for(user).count()

    return {"waiting_for_review": SimpleLazyObject(waiting)}
