"""The ward's deadline to answer: working days (weekends skipped) counted
from the ward's own day of receipt; the list's query agrees with the mark on
each item."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from questions import deadlines

MONDAY = date(2026, 12, 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of the ward's day (Hà Nội)."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture(autouse=True)
def seven_days(settings):
    settings.QUESTIONS_ANSWER_WORKING_DAYS = 7


def test_a_monday_question_is_due_the_wednesday_after_next():
    assert deadlines.due_on(at(MONDAY, 9)) == date(2026, 12, 16)


def test_a_friday_evening_question_gets_seven_working_days_not_a_weekend_less():
    friday = MONDAY + timedelta(days=4)
    assert deadlines.due_on(at(friday, 21)) == date(2026, 12, 22)


def test_a_weekend_question_counts_from_monday():
    saturday = MONDAY + timedelta(days=5)
    sunday = MONDAY + timedelta(days=6)
    # Monday the 14th is the first working day: the 7th is Tuesday the 22nd.
    assert deadlines.due_on(at(saturday, 10)) == date(2026, 12, 22)
    assert deadlines.due_on(at(sunday, 10)) == date(2026, 12, 22)


def test_the_day_of_receipt_is_the_wards_not_utcs():
    # 00:30 on Tuesday in Hà Nội is still Monday in UTC.
    tuesday_early = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)
    assert timezone.localdate(tuesday_early) == MONDAY + timedelta(days=1)
    assert deadlines.due_on(tuesday_early) == date(2026, 12, 17)


def test_late_only_after_the_due_day(settings):
    received = at(MONDAY, 9)
    assert not deadlines.is_late(received, today=date(2026, 12, 16))
    assert deadlines.is_late(received, today=date(2026, 12, 17))


def test_the_setting_changes_the_deadline(settings):
    settings.QUESTIONS_ANSWER_WORKING_DAYS = 1
    assert deadlines.due_on(at(MONDAY + timedelta(days=4), 9)) == date(2026, 12, 14)


@pytest.mark.parametrize("days", [1, 5, 7, 10])
def test_the_lists_query_marks_the_same_items_late(settings, days):
    """For every day of two months and every day of receipt before it:
    received before late_if_received_before(today) exactly when is_late."""
    settings.QUESTIONS_ANSWER_WORKING_DAYS = days
    start = date(2026, 11, 2)
    for offset in range(60):
        today = start + timedelta(days=offset)
        cutoff = deadlines.late_if_received_before(today)
        for back in range(30):
            for hour in (0, 12, 23):
                received = at(today - timedelta(days=back), hour, 59)
                assert (received < cutoff) == deadlines.is_late(received, today), (
                    today,
                    received,
                )
