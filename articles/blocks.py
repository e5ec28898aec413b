"""The link lists beside the reader pages' content: "Tin mới", "Tin đọc nhiều".

Each costs the same few queries whatever the number of articles and days,
and starts from Article.objects.published(ward), like every page.
"""

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone

from .models import Article

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

    Two queries, whatever the number of articles: the window's views summed
    from its days' rows alone (the (day, article) index), then the most read
    by their total ``view_count`` (the (ward, status, view_count) index),
    which also covers views from before days were kept (imported counts).
    The second is asked even when the first filled the block, so that the
    pages' query counts never vary.
    """
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
    read = _listed(ward, exclude).filter(view_count__gt=0)
    recent = list(
        read.filter(daily_views__day__gte=since)
        .annotate(recent_views=Sum("daily_views__views"))
        .filter(recent_views__gt=0)
        .order_by("-recent_views", "-view_count", "-published_at", "-id")[:limit]
    )
    all_time = read.exclude(pk__in=[article.pk for article in recent]).order_by(
        "-view_count", "-published_at", "-id"
    )[:limit]
    return (recent + list(all_time))[:limit]
