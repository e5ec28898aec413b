"""The bench's questions to the bench database, asked in-process with the
project's own settings (environment from bench/run.py); one JSON line out.

    python -m bench.inproc prepare HOST      the default ward answers HOST
    python -m bench.inproc pages HOST        the pages to measure
    python -m bench.inproc bump HOST [AT]    its kept pages stale (a publish),
                                             at the epoch time AT if given
    python -m bench.inproc fill HOST D Q     D documents, Q questions for each
                                             ward but HOST's
    python -m bench.inproc queries HOST URL…  queries each page runs
    python -m bench.inproc views ARTICLE_ID  its view_count and days' sum
    python -m bench.inproc documents HOST URL…  what each documents page finds
"""

import json
import os
import sys
import time
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
from documents import generating as document_generating  # noqa: E402
from documents import search as document_search  # noqa: E402
from documents import views as document_views  # noqa: E402
from documents.models import Document  # noqa: E402
from pages import generations  # noqa: E402
from procedures.demo_content import load_demo_procedures  # noqa: E402
from procedures.models import Procedure  # noqa: E402
from questions import generating as question_generating  # noqa: E402
from questions.models import Submission  # noqa: E402
from wards.hosts import default_ward  # noqa: E402
from wards.models import Ward, WardHost  # noqa: E402

BROWSER = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
)
# Searches: a phrase nearly every article holds (the words of 86% of
# generate_articles' articles), a rare one (the seed article's "Hội LHPN",
# which bench/run.py imports into every measured ward: one match at every
# size), a name one article in 250 holds (its matches grow with the
# articles, up to the 500 ranked), and two words of medium frequency (14% and
# 19%) that meet in fewer ("tiêm vắc xin phòng sởi").
SEARCHES = {
    "search, common phrase": "công tác phường",
    "search, rare phrase": "Hội LHPN",
    "search, name in 1 article of 250": "Trịnh Thúy Yến",
    "search, two medium words": "tiêm sởi",
}


def prepare(host):
    """The default ward answers HOST; the procedures' catalogue (the same
    at every size: the national list a ward publishes) is loaded."""
    ward = default_ward()
    WardHost.objects.get_or_create(host=host, defaults={"ward": ward})
    if not Procedure.objects.exists():
        load_demo_procedures()
    return {"ward": ward.name, "articles": Article.objects.count()}


def _ward(host):
    return WardHost.objects.select_related("ward").get(host=host).ward


def pages(host):
    """Every reader page of the ward at HOST: home, the biggest category's
    first and last pages, the newest article, three searches, the sitemap
    index and its articles' first page, the ward's page, the documents'
    list and newest document (of those with nothing linked), the
    procedures' list and one procedure, Hỏi đáp and its newest answer, the
    week's schedule, the organisation."""
    ward = _ward(host)
    published = Q(articles__status=Article.Status.PUBLISHED)
    category = (
        Category.objects.filter(ward=ward)
        .annotate(n=Count("articles", filter=published))
        .order_by("-n", "menu_order")
        .first()
    )
    article = Article.objects.published(ward).order_by("-published_at", "-id")[0]
    urls = {
        "home": "/",
        "category": category.get_absolute_url(),
        "category, last page": f"{category.get_absolute_url()}?trang=cuoi",
        "article": article.get_absolute_url(),
    }
    for name, words in SEARCHES.items():
        urls[name] = f"/tim-kiem/?q={quote(words)}"
    urls["sitemap index"] = "/sitemap.xml"
    urls["sitemap page"] = "/sitemap-bai-viet.xml"
    urls["ward page"] = "/gioi-thieu/"
    urls["documents list"] = "/van-ban/"
    # The newest with nothing linked (no file, no replacement, no related
    # document or article) and no comments section (a draft for comment):
    # the same page at every size, not one with more to show.
    newest = (
        Document.objects.published(ward)
        .filter(
            is_draft_for_comment=False,
            files__isnull=True,
            replaced_by__isnull=True,
            replaces__isnull=True,
            related_documents__isnull=True,
            related_articles__isnull=True,
        )
        .order_by("-issued_on", "-id")
        .first()
    )
    if newest:
        urls["document"] = newest.get_absolute_url()
    urls["procedures list"] = "/thu-tuc-hanh-chinh/"
    procedure = Procedure.objects.published(ward).order_by("id").first()
    if procedure:
        urls["procedure"] = procedure.get_absolute_url()
    urls["questions list"] = "/hoi-dap/"
    answered = Submission.objects.published(ward).order_by("-published_at").first()
    if answered:
        urls["answered question"] = answered.get_absolute_url()
    urls["schedule"] = "/lich-cong-tac/"
    urls["organisation"] = "/co-cau-to-chuc/"
    return {
        "articles": Article.objects.published(ward).count(),
        "documents": Document.objects.published(ward).count(),
        "questions": Submission.objects.published(ward).count(),
        "article_id": article.pk,
        "pages": urls,
    }


def bump(host, at=None):
    """What a publish does to the ward's kept pages: stale everywhere; at
    the epoch time `at` if given (Django set up and the ward read before,
    so that the moment is kept whatever starting this process took)."""
    ward = _ward(host)
    if at is not None:
        time.sleep(max(0.0, float(at) - time.time()))
    generations.changed(ward.pk)
    return {"ward": ward.pk, "at": time.time()}


def fill(host, documents, questions):
    """Documents and questions for every ward but HOST's, in this one
    process (a command per ward would start Django a hundred times)."""
    others = Ward.objects.exclude(pk=_ward(host).pk).order_by("pk")
    for n, ward in enumerate(others, start=1):
        if int(documents):
            document_generating.generate(ward, int(documents), seed=n)
        if int(questions):
            question_generating.generate(ward, int(questions), seed=n)
    return {"wards": others.count()}


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
    "bump": bump,
    "fill": fill,
}

if __name__ == "__main__":
    task, *args = sys.argv[1:]
    # A marker: Django logs JSON lines to stdout too.
    print("BENCH", json.dumps(TASKS[task](*args), ensure_ascii=False))
