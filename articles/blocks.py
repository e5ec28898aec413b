"""The link lists beside the reader pages' content: "Tin mới", "Tin đọc nhiều".

Each costs the same few queries whatever the number of articles and days,
and starts from Article.objects.published(ward), like every page.
"""

from datetime import timedelta

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from .models import Article, DailyViews

BLOCK_SIZE = 5
# "Đọc nhiều" means read these last days, today (the ward's day) included.
MOST_READ_DAYS = 30

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

    Two queries, whatever the number of articles and of wards:

    - the window's: the ward's DailyViews rows of those days, read from the
      (ward, day) index alone (it includes the article and the views), give
      the articles read (``pk IN``); only those are fetched by primary key,
      and each one's sum comes from its own few rows (the (article, day)
      constraint). Its cost grows with the rows of the ward's last 30 days,
      not with its articles nor with the other wards. Once, joined to the
      articles by the day rows, it planned as a walk over every published
      article of the ward (66–74 ms at 100,000; docs/performance.md, "Tin
      đọc nhiều at city scale"). A rolling table of 30-day sums (one row an
      article, kept by flush_views) would bound it further, but every writer
      of days (generate_articles, the demo, imports) would have to keep it
      too; measured, the window's rows cost too little to need it.
    - then the most read by their total ``view_count`` (the (ward, status,
      view_count) index), which also covers views from before days were kept
      (imported counts). It is asked even when the first filled the block,
      so that the pages' query counts never vary.
    """
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
    read = _listed(ward, exclude).filter(view_count__gt=0)
    window = DailyViews.objects.filter(ward=ward, day__gte=since)
    recent = list(
        read.filter(pk__in=window.values("article"))
        .annotate(
            recent_views=Subquery(
                window.filter(article=OuterRef("pk"))
                .values("article")
                .annotate(total=Sum("views"))
                .values("total")
            )
        )
        .filter(recent_views__gt=0)
        .order_by("-recent_views", "-view_count", "-published_at", "-id")[:limit]
    )
    all_time = read.exclude(pk__in=[article.pk for article in recent]).order_by(
        "-view_count", "-published_at", "-id"
    )[:limit]
    return (recent + list(all_time))[:limit]
