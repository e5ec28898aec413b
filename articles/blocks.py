"""The link lists beside the reader pages' content: "Tin mới", "Tin đọc nhiều".

Each costs the same few queries whatever the number of articles and days,
and starts from Article.objects.published(ward), like every page.
"""

import threading
import time
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Sum, Window
from django.db.models.functions import Rank
from django.utils import timezone

from .models import Article, DailyViews

BLOCK_SIZE = 5
# "Đọc nhiều" means read these last days, today (the ward's day) included.
MOST_READ_DAYS = 30
# The window's most read fetched to fill the block: room for the article
# being read and a few taken down or scheduled among them.
CANDIDATES = 25

# What a link in a block shows: the title, its URL and the date.
_LINK_FIELDS = ("title", "slug", "published_at")


def _listed(ward, exclude):
    articles = Article.objects.published(ward).only(*_LINK_FIELDS)
    if exclude is not None:
        articles = articles.exclude(pk=exclude.pk)
    return articles


def newest(ward, *, exclude=None, limit=BLOCK_SIZE) -> list[Article]:
    """The ward's latest published articles."""
    return list(_listed(ward, exclude)[:limit])


def most_read(ward, *, exclude=None, limit=BLOCK_SIZE) -> list[Article]:
    """The ward's most-read published articles of the last MOST_READ_DAYS
    days, filled up from the most-read of all time when fewer were read in
    that window; never-read articles are not listed.

    Three queries at most, whatever the number of articles and of wards:

    - the window's ranking (window_ranking()), the ward's, read at most
      every MOST_READ_RANKING_SECONDS in each process;
    - those articles, fetched by primary key, kept if published and due,
      ordered by their window's views, then their total;
    - then the most read by their total ``view_count`` (the (ward, status,
      view_count) index), which also covers views from before days were
      kept (imported counts). It is asked even when the window filled the
      block, so that the pages' query counts vary only with the ranking.

    Joined to the articles in one query, as it once was, the window planned
    as a walk over every published article of the ward (66–74 ms at
    100,000; a semi-join from the window's rows planned the same way): from
    a list of ids the only plan is the primary key (docs/performance.md,
    "Tin đọc nhiều at city scale"). A rolling table of 30-day sums kept by
    flush_views would bound the ranking's own cost too, but every writer of
    days (generate_articles, the demo, imports) would have to keep it. The
    block is exact while fewer than CANDIDATES - limit of the window's most
    read are hidden from readers (unpublished, scheduled, the article being
    read); past that, the all-time list fills it.
    """
    recent_views = window_ranking(ward)
    read = _listed(ward, exclude).filter(view_count__gt=0)
    # With nothing read lately, an empty list would skip the query (Django
    # asks nothing for "IN ()"), and the pages' query counts must not vary:
    # 0 is no article's id.
    candidates = read.filter(pk__in=list(recent_views) or [0])
    recent = sorted(
        candidates.only(*_LINK_FIELDS, "view_count"),
        key=lambda a: (recent_views[a.pk], a.view_count, a.published_at, a.pk),
        reverse=True,
    )[:limit]
    for article in recent:
        article.recent_views = recent_views[article.pk]
    all_time = read.exclude(pk__in=[article.pk for article in recent]).order_by(
        "-view_count", "-published_at", "-id"
    )[:limit]
    return (recent + list(all_time))[:limit]


# The window's ranking, by (ward, first day of the window): (when it was
# read, {article: views}). In this process's memory: a few hundred small
# dicts for a city.
_rankings: dict[tuple[int, date], tuple[float, dict[int, int]]] = {}
_rankings_lock = threading.Lock()


def window_ranking(ward) -> dict[int, int]:
    """The window's CANDIDATES most read of the ward, {article: views}, with
    every article tied with the last one (so that their total views, not
    their ids, decide between equals).

    The ward's, not a page's: every page of the ward shows it (less the
    article being read), so it is read from the database at most once every
    settings.MOST_READ_RANKING_SECONDS in each process, and at once when the
    day, and with it the window, moves on. Its cost grows with the ward's
    DailyViews rows of the window (about 10 ms for the 40,000 of a ward of a
    million articles), which the pages would otherwise each pay. 15 seconds
    by default: an article page is kept 5 s and views are stored every 2 s,
    so the block lags what readers did by a few seconds more than before,
    and processes that read it at different moments differ by as much."""
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
    seconds = settings.MOST_READ_RANKING_SECONDS
    key = (ward.pk, since)
    kept = _rankings.get(key)
    if kept is not None and time.monotonic() - kept[0] < seconds:
        return kept[1]
    read_at = time.monotonic()
    sums = (
        DailyViews.objects.filter(ward=ward, day__gte=since)
        .values("article")
        .annotate(total=Sum("views"))
        .filter(total__gt=0)
    )
    # RANK() gives equals one rank: every article tied with the last is in.
    ranked = sums.annotate(rank=Window(Rank(), order_by=F("total").desc()))
    ranking = dict(ranked.filter(rank__lte=CANDIDATES).values_list("article", "total"))
    if seconds > 0:
        with _rankings_lock:
            for old in [k for k in _rankings if k[1] != since]:
                del _rankings[old]  # Windows of days gone.
            _rankings[key] = (read_at, ranking)
    return ranking


def clear_local() -> None:
    """Forget the rankings this process read (tests)."""
    with _rankings_lock:
        _rankings.clear()
