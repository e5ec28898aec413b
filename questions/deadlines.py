"""When the ward must have answered: QUESTIONS_ANSWER_WORKING_DAYS working
days after an item came, Saturdays and Sundays skipped (a question sent on
Friday evening has the whole of the next week and more, not a weekend less).

Days are the ward's days (TIME_ZONE), not UTC ones: a question sent at
23:30 on a Monday in Hà Nội came on Monday. Public holidays are not known
here; in a week of Tết the inbox marks late what the ward could not answer.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

SATURDAY = 5


def add_working_days(day: date, count: int) -> date:
    """The day `count` working days after `day` (which may itself be a
    weekend day: Saturday plus one working day is Monday)."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < SATURDAY:
            count -= 1
    return day


def working_days() -> int:
    return settings.QUESTIONS_ANSWER_WORKING_DAYS


def due_on(received_at: datetime) -> date:
    """The last day to answer an item received at `received_at`."""
    return add_working_days(timezone.localdate(received_at), working_days())


def is_late(received_at: datetime, today: date | None = None) -> bool:
    """Whether an item received then, still unanswered, is late today."""
    return (today or timezone.localdate()) > due_on(received_at)


def late_if_received_before(today: date | None = None) -> datetime:
    """The moment before which an item still unanswered today is late: the
    start of the first day whose deadline is today or later. For a query
    (received_at__lt=…), so that a list filters and counts late items in the
    database rather than item by item."""
    today = today or timezone.localdate()
    days = working_days()
    first = today
    while add_working_days(first - timedelta(days=1), days) >= today:
        first -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(first, time.min))
