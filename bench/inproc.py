"""The bench's questions to the bench database, asked in-process with the
project's own settings (environment from bench/run.py); one JSON line out.

    python -m bench.inproc prepare HOST      the default ward answers HOST
    python -m bench.inproc pages HOST        the pages to measure
    python -m bench.inproc queries HOST URL…  queries each page runs
    python -m bench.inproc views ARTICLE_ID  its view_count and days' sum
    python -m bench.inproc documents HOST URL…  what each documents page finds
"""

import json
import os
import sys
from datetime import date
from urllib.parse import parse_qs, quote, urlsplit

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
from documents import search as document_search  # noqa: E402
from documents import views as document_views  # noqa: E402
from documents.models import Document  # noqa: E402
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
    """Each page rendered twice as a reader's phone asks for it, the page
    cache bypassed: the queries it runs, the fewer of the two (-1: the page
    was not a 200). Twice, because another process moving the site's
    generation in the shared Redis (a test suite flushing it, on a shared
    machine) makes the next request reload the ward map: three queries that
    are no page's."""
    client = Client(headers={"user-agent": BROWSER}, HTTP_HOST=host)
    counts = {}
    with override_settings(PAGE_CACHE=False):
        client.get("/robots.txt")  # The ward map, loaded once per process.
        for url in urls:
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    status = client.get(url).status_code
                count = len(captured) if status == 200 else -1
                counts[url] = min(counts.get(url, count), count)
    return counts


def views(article_id):
    return {
        "view_count": Article.objects.get(pk=article_id).view_count,
        "days": DailyViews.objects.filter(article_id=article_id).aggregate(
            s=Sum("views")
        )["s"]
        or 0,
    }


def documents(host, *urls):
    """The ward's published documents, and what each page of the registry
    (/van-ban/ with its ?loai=, ?nam=, ?q=) matches: a search's matches and
    its first, a list's rows; and how many rows its first page shows."""
    ward = WardHost.objects.select_related("ward").get(host=host).ward
    published = Document.objects.published(ward)
    matches, rows = {}, {}
    for url in urls:
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        chosen = published
        if "loai" in params:
            chosen = chosen.filter(kind=params["loai"])
        if "nam" in params:
            year = int(params["nam"])
            chosen = chosen.filter(
                issued_on__gte=date(year, 1, 1), issued_on__lt=date(year + 1, 1, 1)
            )
        if "q" not in params:
            count = chosen.count()
            matches[url] = f"{count:,}"
            rows[url] = min(count, document_views.PER_PAGE)
            continue
        found = document_search.find(ward, params["q"], chosen)
        first = document_search.documents_by_id(ward, found.ids[:1])
        everything = document_search.matching(
            chosen, document_search.Query.parse(params["q"])
        )
        rows[url] = min(len(found.ids), document_views.PER_PAGE)
        matches[url] = (
            f"{len(found.ids):,}{'+' if found.more else ''} ranked of "
            f"{everything.count():,}" + (f", first {first[0].number}" if first else "")
        )
    return {"published": published.count(), "matches": matches, "rows": rows}


TASKS = {
    "prepare": prepare,
    "pages": pages,
    "queries": queries,
    "views": views,
    "documents": documents,
}

if __name__ == "__main__":
    task, *args = sys.argv[1:]
    # A marker: Django logs JSON lines to stdout too.
    print("BENCH", json.dumps(TASKS[task](*args), ensure_ascii=False))
