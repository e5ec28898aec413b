"""Statistics for a ward's editors ("Thống kê"): views per day, the most-read
articles and the categories of the last 30 or 90 days, as an admin page with
a chart drawn here as SVG, and as a CSV file for Excel.

Everything is read from DailyViews (articles/counting.py), summed in the
database: a page costs the same few queries whatever the number of articles
and days. Views count whatever the article's state is now: an article later
withdrawn or sent back to draft was read while it was published, those views
happened and are part of the days' totals; the lists show its state instead
of hiding it. (A deleted article takes its days with it.)
"""

import csv
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

import redis
from django.contrib import admin
from django.db import DatabaseError
from django.db.models import Count, FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_safe

from files.spreadsheets import csv_text
from vietnamese.text import vietnamese_slugify
from wards.models import Ward
from wards.staff import user_wards

from . import viewbuffer
from .models import Article, Category, DailyViews

logger = logging.getLogger(__name__)

PERMISSION = "articles.view_statistics"
PERIODS = (30, 90)
DEFAULT_DAYS = 30
TOP_ARTICLES = 10


def vn_number(value: int) -> str:
    """A count as Vietnamese write it: 12.345."""
    return number_format(value, force_grouping=True)


def vn_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@dataclass(frozen=True)
class Period:
    """The last `days` days up to `last` (today, the ward's day) included;
    the as many days before them are the previous period, to compare with."""

    days: int
    last: date

    @property
    def first(self) -> date:
        return self.last - timedelta(days=self.days - 1)

    @property
    def previous_first(self) -> date:
        return self.first - timedelta(days=self.days)

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]


# The queries: one each, summed in SQL.


def _views_of(ward, first, last):
    # The rows' own ward: the (ward, day) index, no join to the articles.
    return DailyViews.objects.filter(ward=ward, day__range=(first, last))


def views_per_day(ward, period: Period) -> tuple[list[tuple[date, int]], int]:
    """The period's views day by day, 0 on a day nobody read anything, and
    the previous period's total: one query over both periods' days."""
    totals = dict(
        _views_of(ward, period.previous_first, period.last)
        .values("day")
        .annotate(total=Sum("views"))
        .order_by()
        .values_list("day", "total")
    )
    days = [(day, totals.get(day, 0)) for day in period.dates()]
    previous = sum(views for day, views in totals.items() if day < period.first)
    return days, previous


def most_read(ward, period: Period, limit: int | None = TOP_ARTICLES) -> list:
    """The ward's articles read in the period, most read first, each with
    `period_views`; `view_count` is their total of all time (imported counts
    from before days were kept included). Articles nobody read in the period
    are not listed (the inner join)."""
    articles = (
        Article.objects.filter(
            ward=ward,
            daily_views__ward=ward,
            daily_views__day__range=(period.first, period.last),
        )
        .annotate(period_views=Sum("daily_views__views"))
        .select_related("category")
        # SQLite groups by every selected column: keep them few and short.
        .only("title", "status", "published_at", "view_count", "category__name")
        .order_by("-period_views", "-view_count", "-published_at", "-id")
    )
    return list(articles if limit is None else articles[:limit])


def views_per_category(ward, period: Period) -> list[Category]:
    """Every category of the ward with `period_views` and `articles_read` in
    the period, those without views too (a section nobody reads is worth
    seeing). Only the period's day rows are joined, not every day's."""
    return list(
        Category.objects.filter(ward=ward)
        .alias(
            period_days=FilteredRelation(
                "articles__daily_views",
                condition=Q(
                    articles__daily_views__day__range=(period.first, period.last)
                ),
            )
        )
        .annotate(
            period_views=Coalesce(Sum("period_days__views"), 0),
            articles_read=Count("period_days__article", distinct=True),
        )
        .only("name", "menu_order")
        .order_by("-period_views", "menu_order", "name")
    )


@dataclass
class Statistics:
    ward: Ward
    period: Period
    days: list[tuple[date, int]]
    previous_total: int
    categories: list = field(default_factory=list)
    top: list = field(default_factory=list)

    @classmethod
    def of(cls, ward, period: Period, top_limit: int | None = TOP_ARTICLES):
        days, previous = views_per_day(ward, period)
        return cls(
            ward=ward,
            period=period,
            days=days,
            previous_total=previous,
            categories=views_per_category(ward, period),
            top=most_read(ward, period, limit=top_limit),
        )

    @property
    def total(self) -> int:
        return sum(views for _day, views in self.days)

    @property
    def average(self) -> int:
        # Half up, not to even: 15 views in 30 days are 1 a day, not 0.
        return (self.total + self.period.days // 2) // self.period.days

    @property
    def busiest(self) -> tuple[date, int] | None:
        """The day with the most views (the latest of equals), if any."""
        day, views = max(reversed(self.days), key=lambda item: item[1])
        return (day, views) if views else None

    @property
    def articles_read(self) -> int:
        # Each article is in one category: the categories' counts add up.
        return sum(category.articles_read for category in self.categories)

    @property
    def change(self) -> str:
        """The period against the one before, in words."""
        if not self.previous_total:
            return "Kỳ trước chưa có số liệu để so sánh."
        percent = round((self.total - self.previous_total) * 100 / self.previous_total)
        before = (
            f"so với {self.period.days} ngày trước đó "
            f"({vn_number(self.previous_total)})"
        )
        if percent > 0:
            return f"Tăng {vn_number(percent)}% {before}."
        if percent < 0:
            return f"Giảm {vn_number(-percent)}% {before}."
        return f"Không đổi {before}."

    @property
    def summary(self) -> str:
        """The chart in a sentence, for those who cannot see it."""
        text = (
            f"Lượt xem mỗi ngày từ {vn_date(self.period.first)} đến "
            f"{vn_date(self.period.last)}: "
        )
        if not self.total:
            return text + "chưa có lượt xem nào."
        day, views = self.busiest
        return text + (
            f"tổng {vn_number(self.total)} lượt, trung bình "
            f"{vn_number(self.average)} lượt một ngày, nhiều nhất "
            f"{vn_number(views)} lượt vào ngày {vn_date(day)}."
        )


# The chart: bars of views per day, drawn here as SVG.
#
# No viewBox: x positions are percentages of the width and y positions
# pixels of a fixed height, so the chart fills any screen, from a phone to
# a wide monitor, while its text keeps its size. The y axis's labels sit in a
# narrow SVG of their own beside it, at the same heights.

CHART_HEIGHT = 260
PLOT_TOP = 12
PLOT_BOTTOM = 222
LABEL_Y = 244
# Labels under every `every`-th day, counted back from today; only every
# `wide`-th one on a phone (the others carry the class "minor").
DAY_LABELS = {30: (3, 6), 90: (7, 14)}


@dataclass(frozen=True)
class Bar:
    x: str
    width: str
    y: float
    height: float
    day: date
    views: int
    today: bool

    @property
    def label(self) -> str:
        return f"{self.day:%d/%m}: {vn_number(self.views)} lượt xem"


@dataclass(frozen=True)
class GridLine:
    y: float
    label: str


@dataclass(frozen=True)
class DayLabel:
    x: str
    anchor: str
    text: str
    minor: bool


@dataclass(frozen=True)
class Chart:
    height: int
    label_y: int
    bars: list[Bar]
    lines: list[GridLine]
    labels: list[DayLabel]


def nice_step(maximum: int, lines: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, 25, 50…) that divides 0..maximum into
    about `lines` intervals."""
    raw = max(maximum, 1) / lines
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    steps = (1, 2, 5, 10) if magnitude == 1 else (1, 2, 2.5, 5, 10)
    return next(int(s * magnitude) for s in steps if s * magnitude >= raw)


def _percent(value: float) -> str:
    return f"{value:.3f}%"


def draw_chart(days: list[tuple[date, int]], today: date) -> Chart:
    """A bar a day; gridlines at round numbers up to the first one above the
    busiest day; a date under every few days, today's always."""
    count = len(days)
    highest = max(views for _day, views in days)
    step = nice_step(highest)
    top = step * max(1, -(-highest // step))  # Ceiling division.
    plot = PLOT_BOTTOM - PLOT_TOP
    slot = 100 / count
    width = slot * (0.7 if count <= 31 else 0.8)
    bars = []
    for i, (day, views) in enumerate(days):
        height = views * plot / top
        bars.append(
            Bar(
                x=_percent(i * slot + (slot - width) / 2),
                width=_percent(width),
                y=round(PLOT_BOTTOM - height, 2),
                height=round(height, 2),
                day=day,
                views=views,
                today=day == today,
            )
        )
    lines = [
        GridLine(y=round(PLOT_BOTTOM - value * plot / top, 2), label=vn_number(value))
        for value in range(0, top + 1, step)
    ]
    every, wide = DAY_LABELS.get(count, (max(1, count // 10), max(1, count // 5)))
    labels = []
    for i, (day, _views) in enumerate(days):
        back = count - 1 - i
        if back % every:
            continue
        centre = (i + 0.5) * slot
        if back == 0:  # Today's, at the right edge: it ends there.
            x, anchor = 100.0, "end"
        elif centre < 4:
            x, anchor = 0.0, "start"
        else:
            x, anchor = centre, "middle"
        labels.append(
            DayLabel(
                x=_percent(x),
                anchor=anchor,
                text=f"{day:%d/%m}",
                minor=bool(back % wide),
            )
        )
    return Chart(
        height=CHART_HEIGHT,
        label_y=LABEL_Y,
        bars=bars,
        lines=lines,
        labels=labels,
    )


# The views.


def statistics_wards(request) -> list:
    """The wards whose statistics this user may see: their wards where
    their role gives the permission (every ward for superusers)."""
    return [
        ward for ward in user_wards(request) if request.user.has_perm(PERMISSION, ward)
    ]


def _chosen_ward(request, wards):
    """The ward asked for (?ward=) among those allowed, None when it is not
    one of them; without ?ward=, the ward of this host, else the first."""
    asked = request.GET.get("ward", "")
    if asked:
        return next((ward for ward in wards if str(ward.pk) == asked), None)
    here = getattr(request, "ward", None)
    return next((ward for ward in wards if ward == here), wards[0])


def _chosen_days(request) -> int:
    """30 or 90; any other value is the default, not an error."""
    asked = request.GET.get("days", "")
    return next((days for days in PERIODS if str(days) == asked), DEFAULT_DAYS)


def _url(wards, ward, days, **extra) -> str:
    params = {}
    if len(wards) > 1:
        params["ward"] = ward.pk
    params["days"] = days
    params.update(extra)
    return f"{reverse('statistics')}?{urlencode(params)}"


def _context(request, **values):
    return {
        **admin.site.each_context(request),
        "title": "Thống kê lượt xem",
        **values,
    }


def _denied(request, wards, message):
    return TemplateResponse(
        request,
        "admin/statistics.html",
        _context(
            request,
            denied=message,
            ward_links=[(ward, _url(wards, ward, DEFAULT_DAYS)) for ward in wards],
        ),
        status=403,
    )


def _store_buffered_views() -> None:
    """Views still in the Redis buffer are stored before counting, so the
    figures include the last seconds' readers (flush_views would in a few
    seconds anyway). Redis or the database unwell: the stored figures."""
    try:
        viewbuffer.fold_all()
    except (redis.RedisError, DatabaseError):
        logger.warning("Buffered views not stored before the statistics.")


@require_safe
def statistics_view(request):
    """The ward's statistics page; ?format=csv for the CSV file.

    Mounted behind admin.site.admin_view: the admin's staff only (the login
    page for others), never cached.
    """
    wards = statistics_wards(request)
    if not wards:
        return _denied(
            request,
            wards,
            "Tài khoản của bạn không có quyền xem thống kê lượt xem. Nếu cần, "
            "hãy nhờ quản trị viên cấp quyền.",
        )
    ward = _chosen_ward(request, wards)
    if ward is None:
        return _denied(
            request,
            wards,
            "Bạn không có quyền xem thống kê của phường này.",
        )
    period = Period(_chosen_days(request), timezone.localdate())
    _store_buffered_views()
    if request.GET.get("format") == "csv":
        return csv_response(Statistics.of(ward, period, top_limit=None))
    stats = Statistics.of(ward, period)
    return TemplateResponse(
        request,
        "admin/statistics.html",
        _context(
            request,
            subtitle=ward.name,
            ward=ward,
            wards=wards,
            stats=stats,
            chart=draw_chart(stats.days, period.last),
            periods=[
                (days, _url(wards, ward, days), days == period.days) for days in PERIODS
            ],
            csv_url=_url(wards, ward, period.days, format="csv"),
            top_share=max((c.period_views for c in stats.categories), default=0),
        ),
    )


# CSV for Excel: every text cell through files.spreadsheets.csv_text.


def csv_filename(stats: Statistics) -> str:
    ward = vietnamese_slugify(stats.ward.name) or "phuong"
    return f"thong-ke-{ward}-{stats.period.last:%Y-%m-%d}-{stats.period.days}-ngay.csv"


def csv_response(stats: Statistics) -> HttpResponse:
    """The days, the articles read and the categories, as three sections of
    one file. UTF-8 with a byte order mark, or Excel reads the Vietnamese
    as Windows-1252; dates as YYYY-MM-DD, which Excel reads as dates in any
    regional setting (24/11 would be a text, or the wrong month, in en-US)."""
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=csv_filename(stats)
            )
        },
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["Ngày", "Lượt xem"])
    for day, views in stats.days:
        writer.writerow([day.isoformat(), views])
    writer.writerow([])
    writer.writerow(
        ["Tiêu đề", "Chuyên mục", "Ngày đăng", "Lượt xem trong kỳ", "Tổng lượt xem"]
    )
    for article in stats.top:
        writer.writerow(
            [
                csv_text(article.title),
                csv_text(article.category.name),
                timezone.localdate(article.published_at).isoformat(),
                article.period_views,
                article.view_count,
            ]
        )
    writer.writerow([])
    writer.writerow(["Chuyên mục", "Lượt xem trong kỳ", "Số bài được đọc"])
    for category in stats.categories:
        writer.writerow(
            [csv_text(category.name), category.period_views, category.articles_read]
        )
    return response
