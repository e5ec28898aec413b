"""Reader pages run as many queries with a dozen articles as with many more
(issue 9, "fast at any size"): every list on them reads a few entries of an
index, never every article. The counts are compared, not written down: what
matters is that they do not grow with the articles."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from articles.models import Article, Category, DailyViews

from .browsing import PHONE_UA


def add_articles(ward, count, first):
    """``count`` articles spread over the ward's categories, with views on
    the last days, a few drafts and scheduled ones among them; all have
    "phường", and each a number only it has."""
    categories = list(Category.objects.filter(ward=ward))
    party = Category.objects.get(ward=ward, slug="cong-tac-dang")
    now = timezone.now()
    articles = []
    for n in range(first, first + count):
        article = Article(
            # A third in the category whose pages are measured.
            category=party if n % 3 == 0 else categories[n % len(categories)],
            title=f"Phường tổ chức hội nghị số {n}",
            lead=f"Ủy ban nhân dân phường thông báo số {n}.",
            body=f"<p>Nội dung {n} của phường.</p>",
            status=Article.Status.DRAFT if n % 10 == 9 else Article.Status.PUBLISHED,
            published_at=now + timedelta(minutes=5 if n % 10 == 8 else -n),
            view_count=n % 7,
            slug=f"bai-so-{n}",
        )
        article.normalise()
        articles.append(article)
    Article.objects.bulk_create(articles)
    today = timezone.localdate()
    DailyViews.objects.bulk_create(
        DailyViews(article=article, day=today - timedelta(days=n % 40), views=n % 7)
        for n, article in enumerate(articles)
        if article.view_count
    )


def reader_pages(ward):
    """name -> path of each kind of reader page, for the articles there are."""
    category = Category.objects.get(ward=ward, slug="cong-tac-dang")
    listed = list(
        Article.objects.published(ward)
        .filter(category=category)
        .order_by("-published_at", "-id")
    )
    middle = listed[len(listed) // 2]
    url = category.get_absolute_url()
    return {
        "home": "/",
        "category": url,
        "category, older than an article": f"{url}?cu-hon={middle.pk}",
        "category, newer than an article": f"{url}?moi-hon={middle.pk}",
        "category, last page": f"{url}?trang=cuoi",
        "article": listed[0].get_absolute_url(),
        "search, a word every article has": "/tim-kiem/?q=phuong",
        "search, a number one article has": "/tim-kiem/?q=hoi+nghi+so+3",
        "search, no match": "/tim-kiem/?q=khong+co+tu+nay",
    }


def count_queries(pages):
    """name -> the number of queries its page ran, each asked by a new
    reader (never counted before, no page cache)."""
    counts = {}
    for name, path in pages.items():
        reader = Client(headers={"user-agent": PHONE_UA})
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(queries)
    return counts


@override_settings(PAGE_CACHE=False)
def test_reader_pages_run_as_many_queries_with_more_articles(ward):
    add_articles(ward, 12, first=1)
    Client().get("/")  # The host map is warm.
    few = count_queries(reader_pages(ward))
    add_articles(ward, 150, first=13)
    many = count_queries(reader_pages(ward))
    assert Article.objects.published(ward).count() > 100
    assert many == few, (few, many)
    assert all(few.values())
