"""The bench's questions to the bench database, asked in-process with the
project's own settings (environment from bench/run.py); one JSON line out.

    python -m bench.inproc prepare HOST      the default ward answers HOST
    python -m bench.inproc pages HOST        the pages to measure
    python -m bench.inproc queries HOST URL…  queries each page runs
    python -m bench.inproc views ARTICLE_ID  its view_count and days' sum
"""

import json
import os
import sys
from urllib.parse import quote

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardnews.settings")
# Every request from one address, as fast as it goes: measure, not refuse.
os.environ.setdefault("DJANGO_RENDERS_PER_SECOND", "0")
os.environ.setdefault("DJANGO_SEARCHES_PER_SECOND", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Category, DailyViews  # noqa: E402
from wards.hosts import default_ward  # noqa: E402
from wards.models import WardHost  # noqa: E402

BROWSER = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
)
COMMON_WORD = "phường"


def prepare(host):
    ward = default_ward()
    WardHost.objects.get_or_create(host=host, defaults={"ward": ward})
    return {"ward": ward.name, "articles": Article.objects.count()}


def pages(host):
    """Home, the biggest category's first and last pages, the newest
    article, a search for a word nearly every article has."""
    ward = WardHost.objects.select_related("ward").get(host=host).ward
    published = Q(articles__status=Article.Status.PUBLISHED)
    category = (
        Category.objects.filter(ward=ward)
        .annotate(n=Count("articles", filter=published))
        .order_by("-n", "menu_order")
        .first()
    )
    article = Article.objects.published(ward).order_by("-published_at", "-id")[0]
    return {
        "articles": Article.objects.published(ward).count(),
        "article_id": article.pk,
        "pages": {
            "home": "/",
            "category": category.get_absolute_url(),
            "category, last page": f"{category.get_absolute_url()}?trang=cuoi",
            "article": article.get_absolute_url(),
            "search": f"/tim-kiem/?q={quote(COMMON_WORD)}",
        },
    }


def queries(host, *urls):
    """Each page rendered once as a reader's phone asks for it, the page
    cache bypassed: the queries it runs (-1: the page was not a 200)."""
    client = Client(headers={"user-agent": BROWSER}, HTTP_HOST=host)
    counts = {}
    with override_settings(PAGE_CACHE=False):
        client.get("/robots.txt")  # The ward map, loaded once per process.
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                status = client.get(url).status_code
            counts[url] = len(captured) if status == 200 else -1
    return counts


def views(article_id):
    return {
        "view_count": Article.objects.get(pk=article_id).view_count,
        "days": DailyViews.objects.filter(article_id=article_id).aggregate(
            s=Sum("views")
        )["s"]
        or 0,
    }


TASKS = {"prepare": prepare, "pages": pages, "queries": queries, "views": views}

if __name__ == "__main__":
    task, *args = sys.argv[1:]
    # A marker: Django logs JSON lines to stdout too.
    print("BENCH", json.dumps(TASKS[task](*args), ensure_ascii=False))
