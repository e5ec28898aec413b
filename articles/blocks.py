"""The link lists beside the reader pages' content: "Tin mới", "Tin đọc nhiều".

Each is one query, whatever the number of articles and days, and starts from
Article.objects.published(ward), like every page.
"""

from datetime import timedelta

from django.db.models import FilteredRelation, Q, Sum
from django.db.models.functions import Coalesce
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

    One query: the window's views are summed in a LEFT JOIN limited to the
    window's days (the (article, day) unique index), so articles without
    recent views sort after those with, by their total ``view_count``; the
    total also covers views from before days were kept (imported counts).
    """
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
    return list(
        _listed(ward, exclude)
        .filter(view_count__gt=0)
        .alias(
            recent_days=FilteredRelation(
                "daily_views", condition=Q(daily_views__day__gte=since)
            )
        )
        .annotate(recent_views=Coalesce(Sum("recent_days__views"), 0))
        .order_by("-recent_views", "-view_count", "-published_at", "-id")[:limit]
    )
