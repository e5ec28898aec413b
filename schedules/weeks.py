"""Weeks as the schedule counts them: ISO weeks, Monday to Sunday, named
in addresses as ``2026-W49`` (``?tuan=``)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

# The weeks a schedule may be asked for: entries' days are within these
# years too (models.DAY_YEARS), so every entry has a week to be shown in.
FIRST_YEAR = 2000
LAST_YEAR = 2100

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
SHORT_WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]

# "2026-W49", also typed "2026-w49", "2026-W5" or "2026W49".
_WEEK = re.compile(r"\s*([0-9]{4})-?[wW]([0-9]{1,2})\s*")


class BadWeek(ValueError):
    """A ``?tuan=`` value that names no week we show; its message is the
    reader's, in Vietnamese."""


@dataclass(frozen=True)
class Week:
    monday: date

    @classmethod
    def of(cls, day: date) -> "Week":
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, value: str) -> "Week":
        """The week ``value`` names, or BadWeek saying why not."""
        match = _WEEK.fullmatch(value)
        if match is None:
            raise BadWeek(
                f"“{value[:40]}” không phải một tuần. Tuần được ghi theo dạng "
                "năm-W số tuần, ví dụ 2026-W49."
            )
        year, number = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise BadWeek(
                f"Lịch công tác chỉ có các tuần từ năm {FIRST_YEAR} đến năm "
                f"{LAST_YEAR}."
            )
        try:
            return cls(date.fromisocalendar(year, number, 1))
        except ValueError:
            raise BadWeek(
                f"Năm {year} không có tuần {number} "
                f"(năm {year} có {weeks_in(year)} tuần)."
            ) from None

    @property
    def year(self) -> int:
        return self.monday.isocalendar().year

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def previous(self) -> "Week | None":
        week = Week(self.monday - timedelta(days=7))
        return week if week.year >= FIRST_YEAR else None

    @property
    def next(self) -> "Week | None":
        week = Week(self.monday + timedelta(days=7))
        return week if week.year <= LAST_YEAR else None

    def __str__(self) -> str:
        """As in addresses: 2026-W49."""
        return f"{self.year}-W{self.number:02}"

    @property
    def label(self) -> str:
        """ "Tuần 49 (30/11/2026 – 06/12/2026)"."""
        return f"Tuần {self.number} ({self.monday:%d/%m/%Y} – {self.sunday:%d/%m/%Y})"


def weeks_in(year: int) -> int:
    """52 or 53: 28 December is always in the year's last week."""
    return date(year, 12, 28).isocalendar().week


def day_label(day: date) -> str:
    """ "Thứ Hai, 30/11/2026"."""
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def short_day_label(day: date) -> str:
    """ "T2 30/11" (the admin's narrow columns)."""
    return f"{SHORT_WEEKDAYS[day.weekday()]} {day:%d/%m}"


def canonical(value: str) -> str | None:
    """``?tuan=`` in one spelling (for the page cache, pages/params.py):
    "2026-W49" for "2026w49" or " 2026-W49 "; nothing for nothing; a value
    that names no week as it was sent (the page answers it with a 404)."""
    if not value.strip():
        return None
    try:
        return str(Week.parse(value))
    except BadWeek:
        return value
