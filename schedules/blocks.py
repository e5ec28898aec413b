"""The schedule as other pages show it."""

from django.utils import timezone

from .models import Entry
from .weeks import Week


def this_week(ward) -> list[Entry]:
    """This week's published entries of the ward (Monday to Sunday, the
    ward's time zone), in order of day and time: the home page's "Lịch công
    tác tuần này" block. One query. Each entry has ``day_label`` ("Thứ Hai,
    30/11/2026"), ``time_label`` ("08:00 – 11:30"), ``content``, ``chair``,
    ``participants``, ``place`` and ``is_reception``; the week's page is
    ``reverse("schedules:week")``. The page showing it is kept by the page
    cache at most LIST_SECONDS, so it moves on with the week by itself."""
    week = Week.of(timezone.localdate())
    return list(Entry.objects.published(ward).of_week(week))


def upcoming(ward, count: int) -> list[Entry]:
    """The ward's next ``count`` published entries from today on, this week's
    and after (on a Saturday, the coming week's): the home page's block. One
    query, served by the (ward, day) index."""
    return list(
        Entry.objects.published(ward)
        .filter(day__gte=timezone.localdate())
        .order_by("day", "start", "id")[:count]
    )
