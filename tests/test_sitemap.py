"""sitemap.xml and robots.txt: what search engines are told about a ward."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Category
from articles.sitemaps import ArticleSitemap
from documents.models import Document
from numbering.sitemaps import NumberedSitemap
from wardnews import pagecache
from wardnews.urls import SITEMAP_SECTIONS

from .conftest import SECOND_HOST
from .test_questions_pages import published

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def sitemap_pages(client):
    """The pages of the client's ward's sitemap, as its index lists them."""
    index = xml(client, "/sitemap.xml")
    return [
        page.findtext("s:loc", namespaces=NS) for page in index.findall("s:sitemap", NS)
    ]


def sitemap(client):
    """{location: lastmod or None} of the client's ward's sitemap, every page
    of it, in order."""
    urls = {}
    for page in sitemap_pages(client):
        parts = urlsplit(page)
        for url in xml(client, f"{parts.path}?{parts.query}").findall("s:url", NS):
            loc = url.findtext("s:loc", namespaces=NS)
            urls[loc] = url.findtext("s:lastmod", namespaces=NS)
    return urls


@pytest.fixture
def second_category(second_ward):
    return Category.objects.get(ward=second_ward, slug="cong-tac-dang")


def test_it_lists_the_ward_pages_categories_and_articles(
    reader, make_article, category, ward
):
    ward.introduction = "<p>Phường Phúc Lợi thành lập năm 2003.</p>"
    ward.save()
    article = make_article(slug="hoi-nghi")
    urls = sitemap(reader)
    assert list(urls) == [
        "http://testserver/",
        "http://testserver/gioi-thieu/",
        "http://testserver/lien-he/",
        "http://testserver/tin-rss/",
        "http://testserver/chuyen-muc/cong-tac-dang/",
        "http://testserver/bai-viet/hoi-nghi/",
    ]
    today = timezone.localdate(article.updated_at).isoformat()
    assert urls["http://testserver/"] == today
    assert urls["http://testserver/chuyen-muc/cong-tac-dang/"] == today
    assert urls["http://testserver/bai-viet/hoi-nghi/"] == today


def test_it_leaves_out_an_empty_introduction_and_empty_categories(reader, ward):
    assert list(sitemap(reader)) == [
        "http://testserver/",
        "http://testserver/lien-he/",
        "http://testserver/tin-rss/",
    ]


def test_it_never_lists_drafts_scheduled_or_other_wards_articles(
    reader, make_article, other_category, second_category
):
    make_article(slug="da-dang")
    make_article(slug="ban-nhap", status=Article.Status.DRAFT)
    make_article(slug="hen-gio", published_at=timezone.now() + timedelta(days=1))
    make_article(category=other_category, slug="nhap-thong-bao", status="draft")
    make_article(category=second_category, slug="tin-bo-de")
    urls = " ".join(sitemap(reader))
    assert "/bai-viet/da-dang/" in urls
    for hidden in ["ban-nhap", "hen-gio", "nhap-thong-bao", "tin-bo-de"]:
        assert hidden not in urls
    # A category with nothing published yet is no page for a search engine.
    assert other_category.get_absolute_url() not in urls


def test_each_ward_has_its_own_sitemap_on_its_own_host(
    reader, second_reader, make_article, second_category
):
    make_article(slug="tin-phuc-loi")
    make_article(category=second_category, slug="tin-bo-de")
    urls = list(sitemap(second_reader))
    assert all(url.startswith(f"http://{SECOND_HOST}/") for url in urls)
    assert f"http://{SECOND_HOST}/bai-viet/tin-bo-de/" in urls
    assert not any("tin-phuc-loi" in url for url in urls)
    assert "http://testserver/bai-viet/tin-phuc-loi/" in sitemap(reader)


def test_lastmod_is_when_the_page_last_changed(reader, make_article):
    now = timezone.now()
    # Saved long ago, published today: it changed when it came out.
    scheduled = make_article(slug="hen-gio", published_at=now - timedelta(minutes=5))
    Article.objects.filter(pk=scheduled.pk).update(updated_at=now - timedelta(days=9))
    # Published long ago, corrected today.
    corrected = make_article(slug="da-sua", published_at=now - timedelta(days=30))
    old = make_article(slug="tin-cu", published_at=now - timedelta(days=30))
    Article.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=30))
    urls = sitemap(reader)
    assert urls["http://testserver/bai-viet/hen-gio/"] == (
        timezone.localdate(scheduled.published_at).isoformat()
    )
    assert urls["http://testserver/bai-viet/da-sua/"] == (
        timezone.localdate(corrected.updated_at).isoformat()
    )
    assert urls["http://testserver/bai-viet/tin-cu/"] == (
        timezone.localdate(now - timedelta(days=30)).isoformat()
    )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def test_articles_come_a_page_at_a_time_in_a_fixed_number_of_queries(
    reader, make_article, category, other_category, monkeypatch
):
    """A ward of 100,000 articles gets sitemap pages that are quick to make
    and small enough to keep, each in as many queries as with a dozen."""
    monkeypatch.setattr(ArticleSitemap, "limit", 5)

    def add(count):
        for n in range(count):
            make_article(category=category if n % 2 else other_category)
        cache.clear()
        pagecache.clear_local()

    def costs():
        pages = [urlsplit(page) for page in sitemap_pages(reader)]
        # The news's sections: the other apps' have their own tests.
        news = (
            "/sitemap-trang.xml",
            "/sitemap-chuyen-muc.xml",
            "/sitemap-bai-viet.xml",
        )
        urls = [
            f"{page.path}?{page.query}" if page.query else page.path
            for page in pages
            if page.path in news
        ]
        cache.clear()
        pagecache.clear_local()
        return urls, {url: queries_for(reader, url) for url in ["/sitemap.xml", *urls]}

    add(12)
    reader.get("/")  # The host map is warm after the first request.
    urls, few = costs()
    assert urls == [
        "/sitemap-trang.xml",
        "/sitemap-chuyen-muc.xml",
        "/sitemap-bai-viet.xml",
        "/sitemap-bai-viet.xml?p=2",
        "/sitemap-bai-viet.xml?p=3",
    ]
    assert (
        len(sitemap(reader)) == 3 + 2 + 12
    )  # Home, Liên hệ, Tin RSS; 2 categories; articles.
    add(12)
    urls, more = costs()
    assert len(urls) == 2 + 5  # 24 articles, 5 to a page.
    for url, queries in few.items():
        assert more[url] == queries, url
    # The ward's counter, then the page's range: no count of its articles.
    assert few["/sitemap-bai-viet.xml?p=3"] == 2
    assert reader.get("/sitemap-bai-viet.xml?p=9").status_code == 404
    assert reader.get("/sitemap-khong-co.xml").status_code == 404


def test_a_numbered_section_pages_the_numbers_of_the_ward_it_is_given(
    make_article, second_category, ward, second_ward
):
    """A numbered section is given its ward once, when it is made: its pages
    are the ranges of that ward's numbers, whatever rows its items() are."""

    class EveryArticle(NumberedSitemap):
        limit = 2

        def items(self):
            return Article.objects.order_by("pk")

    for _ in range(5):
        make_article()
    make_article(category=second_category)
    assert EveryArticle(ward).paginator.num_pages == 3
    assert EveryArticle(second_ward).paginator.num_pages == 1


def test_the_index_lists_the_sections_of_the_apps_beside_the_news(
    reader, make_article, make_document, make_entry, make_procedure, ward
):
    """Documents, the schedule, procedures and questions each have a section,
    after the news's (wardnews/urls.py SITEMAP_SECTIONS), once they have
    something to list."""
    make_article()
    make_document()
    make_entry()
    make_procedure()
    published(ward)
    paths = [urlsplit(page).path for page in sitemap_pages(reader)]
    others = [f"/sitemap-{name}.xml" for name in SITEMAP_SECTIONS]
    assert others and paths[-len(others) :] == others
    for path in others:
        assert reader.get(path).status_code == 200, path


def test_the_index_leaves_out_the_sections_with_nothing_to_list(
    reader, second_reader, make_document, ward
):
    """A ward that has published nothing yet sends no crawler to an empty
    section: only its own pages (home, Liên hệ, Tin RSS) are listed. A
    section that was never listed is still there to read."""
    make_document(status=Document.Status.DRAFT)
    make_document(status=Document.Status.DRAFT)
    assert [urlsplit(page).path for page in sitemap_pages(reader)] == [
        "/sitemap-trang.xml"
    ]
    for name in ["chuyen-muc", "bai-viet", *SITEMAP_SECTIONS]:
        assert reader.get(f"/sitemap-{name}.xml").status_code == 200, name
    make_document()
    assert "http://testserver/sitemap-van-ban.xml" in sitemap_pages(reader)
    assert not any("van-ban" in page for page in sitemap_pages(second_reader))


# robots.txt


def test_robots_txt_names_the_wards_sitemap_on_its_host(reader, second_reader):
    response = second_reader.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert f"Sitemap: http://{SECOND_HOST}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /ckeditor/" in lines
    assert "Sitemap: https://testserver/sitemap.xml" in (
        reader.get("/robots.txt", secure=True).text.splitlines()
    )


def test_robots_txt_runs_no_query(reader, db, django_assert_num_queries):
    reader.get("/")
    with django_assert_num_queries(0):
        reader.get("/robots.txt")


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("p=02", "/sitemap-bai-viet.xml?p=2"),
        ("p=002", "/sitemap-bai-viet.xml?p=2"),
        ("p=%2B2", "/sitemap-bai-viet.xml?p=2"),
        ("p=2%20", "/sitemap-bai-viet.xml?p=2"),
        ("p=2&p=2", "/sitemap-bai-viet.xml?p=2"),
        ("p=1", "/sitemap-bai-viet.xml"),
        ("p=01", "/sitemap-bai-viet.xml"),
        ("p=", "/sitemap-bai-viet.xml"),
        # What int() reads too: other scripts' digits, underscores.
        ("p=%EF%BC%92", "/sitemap-bai-viet.xml?p=2"),
        ("p=%D9%A2", "/sitemap-bai-viet.xml?p=2"),
        ("p=0_2", "/sitemap-bai-viet.xml?p=2"),
        ("p=%EF%BC%91", "/sitemap-bai-viet.xml"),
    ],
)
def test_a_page_number_spelled_otherwise_leads_to_its_one_address(
    reader, make_article, monkeypatch, query, canonical
):
    """`?p=02`, `?p=+2`… would each be rendered and kept as a page of their
    own (issue 18: 29 renders a second, Redis 54 MB fuller in 20 s)."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for _ in range(3):
        make_article()
    response = reader.get(f"/sitemap-bai-viet.xml?{query}")
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert reader.get(canonical).status_code == 200


def test_a_page_number_that_is_no_number_is_not_found(reader, make_article):
    make_article()
    for query in ["p=abc", "p=0", "p=-1", "p=2.0", "p=9"]:
        assert reader.get(f"/sitemap-bai-viet.xml?{query}").status_code == 404


def test_the_newest_change_is_the_wards_own_among_many(
    reader, make_article, category, other_category, second_ward
):
    """The home page's and each category's lastmod: the newest publication
    or correction of what the ward's readers see, whatever other wards
    and scheduled articles changed later."""
    now = timezone.now()
    days_ago = [
        make_article(category=category, published_at=now - timedelta(days=d))
        for d in (3, 5)
    ]
    Article.objects.filter(pk__in=[a.pk for a in days_ago]).update(
        updated_at=now - timedelta(days=9)
    )
    # Corrected two days ago, published long before.
    corrected = make_article(
        category=other_category, published_at=now - timedelta(days=40)
    )
    Article.objects.filter(pk=corrected.pk).update(updated_at=now - timedelta(days=2))
    # Saved now, but readers see it tomorrow; another ward's, published now.
    make_article(category=category, published_at=now + timedelta(days=1))
    Category.objects.create_defaults(second_ward)
    make_article(
        category=Category.objects.get(ward=second_ward, slug="cong-tac-dang"),
        published_at=now - timedelta(minutes=1),
    )
    urls = sitemap(reader)
    day = lambda delta: timezone.localdate(now - delta).isoformat()  # noqa: E731
    assert urls["http://testserver/"] == day(timedelta(days=2))
    assert urls[f"http://testserver{category.get_absolute_url()}"] == day(
        timedelta(days=3)
    )
    assert urls[f"http://testserver{other_category.get_absolute_url()}"] == day(
        timedelta(days=2)
    )


def test_old_pages_stay_as_they_were_as_new_articles_come(
    reader, make_article, monkeypatch
):
    """Pages hold the articles in the order they were made: a search engine
    that read page 1 finds it unchanged after the ward publishes more, and
    every article is on exactly one page; a withdrawn one leaves its page a
    line shorter, not every later page shifted."""
    monkeypatch.setattr(ArticleSitemap, "limit", 5)
    first = [make_article(slug=f"bai-{n}") for n in range(7)]
    cache.clear()
    pagecache.clear_local()
    page_one = set(xml_urls(reader, "/sitemap-bai-viet.xml"))
    assert page_one == {f"http://testserver/bai-viet/bai-{n}/" for n in range(5)}
    for n in range(7, 20):
        make_article(slug=f"bai-{n}")
    first[2].status = Article.Status.WITHDRAWN
    first[2].save()
    cache.clear()
    pagecache.clear_local()
    assert set(xml_urls(reader, "/sitemap-bai-viet.xml")) == page_one - {
        "http://testserver/bai-viet/bai-2/"
    }
    articles = [url for url in sitemap(reader) if "/bai-viet/" in url]
    assert len(articles) == len(set(articles)) == 19
    assert reader.get("/sitemap-bai-viet.xml?p=4").status_code == 200
    assert reader.get("/sitemap-bai-viet.xml?p=5").status_code == 404


def test_a_page_of_nothing_but_drafts_is_listed_and_empty(
    reader, make_article, monkeypatch
):
    """Numbers are given as articles are made, drafts too: a range of drafts
    is a page with no entry, not an error for the crawler the index sent."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    make_article(slug="da-dang")
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.REVIEW)
    assert [urlsplit(page).query for page in sitemap_pages(reader)][2:4] == ["", "p=2"]
    assert xml_urls(reader, "/sitemap-bai-viet.xml?p=2") == []


def xml_urls(client, url):
    return [loc.text for loc in xml(client, url).iterfind("s:url/s:loc", NS)]
