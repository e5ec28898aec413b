"""The schedule's reader pages: the week's schedule and the reception days."""

from itertools import groupby

from django.utils import timezone
from django.views.generic import TemplateView

from .models import Entry
from .weeks import BadWeek, Week, day_label

# "Lịch tiếp công dân": the coming receptions shown, and the past ones.
UPCOMING_RECEPTIONS = 30
PAST_RECEPTIONS = 5


class Day:
    """A day of the week page: its heading and entries."""

    def __init__(self, day, entries, today):
        self.date = day
        self.label = day_label(day)
        self.entries = entries
        self.is_today = day == today
        self.anchor = f"ngay-{day:%d-%m}"


class WeekView(TemplateView):
    """A week of the ward's schedule, Monday to Sunday: this week, or the
    one ``?tuan=2026-W49`` names. A value that names no week gets this week
    with a message saying why, as a 404: never kept, never indexed."""

    template_name = "schedules/week.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        asked = request.GET.get("tuan", "")
        problem = ""
        week = Week.of(today)
        if asked:
            try:
                week = Week.parse(asked)
            except BadWeek as error:
                problem = str(error)
        context = self.get_context_data(week=week, today=today, problem=problem)
        return self.render_to_response(context, status=404 if problem else 200)

    def get_context_data(self, *, week, today, problem, **kwargs):
        entries = list(Entry.objects.published(self.request.ward).of_week(week))
        by_day = {day: list(group) for day, group in groupby(entries, lambda e: e.day)}
        # Saturday and Sunday only when something is on, or it is today.
        days = [
            Day(day, by_day.get(day, []), today)
            for day in week.days
            if day.weekday() < 5 or day in by_day or day == today
        ]
        # The week counts as published when its first entry was.
        published = min((e.published_at for e in entries), default=None)
        for entry in entries:
            entry.updated = entry.updated_after(published)
        current = Week.of(today)
        return super().get_context_data(
            week=week,
            days=days,
            entries=entries,
            problem=problem,
            is_current=week == current,
            current=current,
            canonical_url=self.request.build_absolute_uri(f"?tuan={week}"),
            **kwargs,
        )


class ReceptionsView(TemplateView):
    """ "Lịch tiếp công dân": the coming days the ward receives citizens,
    the soonest first, then the last few past ones."""

    template_name = "schedules/receptions.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        receptions = Entry.objects.published(self.request.ward).receptions()
        upcoming = list(
            receptions.filter(day__gte=today).order_by("day", "start", "id")[
                :UPCOMING_RECEPTIONS
            ]
        )
        past = list(
            receptions.filter(day__lt=today).order_by("-day", "-start", "-id")[
                :PAST_RECEPTIONS
            ]
        )
        days = [
            Day(day, list(group), today)
            for day, group in groupby(upcoming, lambda e: e.day)
        ]
        return super().get_context_data(days=days, past=past, **kwargs)
