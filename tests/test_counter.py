import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from articles.counting import RECOUNT_AFTER_SECONDS, mark_seen
from articles.models import Article, Category
from wards.hosts import default_ward

from .conftest import PHONE_UA, views_of

ZALO_UA = (
    "Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
    "Zalo android/12100630 ZaloTheme/light ZaloLanguage/vn"
)
FACEBOOK_APP_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/441.0.0.34.113;FBBV/5348]"
)
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Twitterbot/1.0",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "curl/8.4.0",
    "",
]


def test_a_reader_adds_one_view(reader, make_article):
    article = make_article(view_count=75)
    response = reader.get(article.get_absolute_url())
    assert views_of(article) == 76
    assert "Lượt xem: 76" in response.text
    # The imported 75 came before days were kept: today has this one view.
    assert list(article.daily_views.values_list("day", "views")) == [
        (timezone.localdate(), 1)
    ]
    # The counter's own cookie, and no session or CSRF cookie for readers.
    assert set(response.cookies) == {f"wn_seen_{article.pk}"}


def test_the_page_shows_the_stored_count_after_this_view(reader, make_article):
    article = make_article(view_count=10)
    # Other readers' views that this page's copy of the article never saw.
    Article.objects.filter(pk=article.pk).update(view_count=41)
    response = reader.get(article.get_absolute_url())
    assert "Lượt xem: 42" in response.text


CUBOT_UA = (
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.parametrize("user_agent", [PHONE_UA, ZALO_UA, FACEBOOK_APP_UA, CUBOT_UA])
def test_phone_and_in_app_browsers_are_counted(make_article, user_agent):
    article = make_article()
    Client(headers={"user-agent": user_agent}).get(article.get_absolute_url())
    assert views_of(article) == 1


@pytest.mark.parametrize("user_agent", BOTS)
def test_crawlers_and_link_previews_are_not_counted(make_article, user_agent):
    article = make_article()
    response = Client(headers={"user-agent": user_agent}).get(
        article.get_absolute_url()
    )
    assert response.status_code == 200
    assert views_of(article) == 0


def test_head_requests_are_not_counted(reader, make_article):
    article = make_article()
    assert reader.head(article.get_absolute_url()).status_code == 200
    assert views_of(article) == 0


def test_a_reload_within_half_an_hour_counts_once(reader, make_article):
    article = make_article()
    first = reader.get(article.get_absolute_url())
    reader.get(article.get_absolute_url())
    reader.get(article.get_absolute_url())
    assert views_of(article) == 1
    cookie = first.cookies[f"wn_seen_{article.pk}"]
    assert cookie["max-age"] == RECOUNT_AFTER_SECONDS == 1800
    assert cookie["path"] == article.get_absolute_url()
    assert cookie["httponly"]


@pytest.mark.parametrize("secure", [False, True])
def test_the_seen_cookie_is_the_one_set_cookie_makes_at_that_moment(secure):
    """The seen-cookie is made once a second per article (its Expires is in
    whole seconds), not per view: still exactly what set_cookie() makes at
    that moment, its expiry moving with the clock; a response written out at
    once shares it (``shared``), any other has a copy of its own."""
    request = RequestFactory().get("/bai-viet/tin/", secure=secure)
    made, shared = [], []
    for now in (1_900_000_000.1, 1_900_000_000.9, 1_900_000_001.2, 1_900_003_600.0):
        expected = HttpResponse()
        with mock.patch("time.time", return_value=now):
            expected.set_cookie(
                "wn_seen_7",
                "1",
                max_age=RECOUNT_AFTER_SECONDS,
                path="/bai-viet/tin/",
                secure=secure,
                httponly=True,
                samesite="Lax",
            )
            made.append(HttpResponse())
            mark_seen(request, made[-1], 7, "/bai-viet/tin/")
            shared.append(HttpResponse())
            mark_seen(request, shared[-1], 7, "/bai-viet/tin/", shared=True)
        assert made[-1].cookies.output() == expected.cookies.output()
        assert shared[-1].cookies.output() == expected.cookies.output()
    assert (
        made[0].cookies["wn_seen_7"]["expires"]
        != made[-1].cookies["wn_seen_7"]["expires"]
    )
    # Another article, another path: another cookie.
    other = HttpResponse()
    mark_seen(request, other, 8, "/bai-viet/khac/")
    assert other.cookies["wn_seen_8"]["path"] == "/bai-viet/khac/"
    # A response may change its own copy: it says so, and no other sees it.
    line = shared[0].cookies.output()
    made[0].cookies["wn_seen_7"]["path"] = "/doi/"
    made[0].cookies["wn_seen_7"].set("wn_seen_7", "2", "2")
    assert "wn_seen_7=2" in made[0].cookies.output()
    assert "Path=/doi/" in made[0].cookies.output()
    again = HttpResponse()
    with mock.patch("time.time", return_value=1_900_000_000.5):
        mark_seen(request, again, 7, "/bai-viet/tin/")
    assert again.cookies.output() == made[1].cookies.output() == line
    assert shared[0].cookies.output() == line


def test_the_same_reader_counts_again_for_another_article(reader, make_article):
    first, second = make_article(), make_article()
    reader.get(first.get_absolute_url())
    reader.get(second.get_absolute_url())
    assert (views_of(first), views_of(second)) == (1, 1)


def test_staff_checking_an_article_are_not_counted(client, writer, make_article):
    article = make_article()
    client.force_login(writer)
    client.get(article.get_absolute_url(), headers={"user-agent": PHONE_UA})
    assert views_of(article) == 0


def test_drafts_are_not_counted_in_a_staff_preview(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    client.get(draft.get_absolute_url(), headers={"user-agent": PHONE_UA})
    assert views_of(draft) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_are_all_counted():
    """800 readers, each with a browser of their own, up to 40 at once.

    Runs against whichever database the suite uses: real threads, real
    connections, so a read-modify-write counter would lose views here, and
    a day row made twice or left behind would not add up to the total.
    """
    category = Category.objects.create(
        ward=default_ward(), name="Đếm đồng thời", slug="dem-dong-thoi"
    )
    article = Article.objects.create(
        category=category, title="Bài nhiều người đọc", status="published"
    )
    url = article.get_absolute_url()
    threads, per_thread = 40, 20
    start = threading.Barrier(threads)

    def read_many():
        try:
            start.wait()
            statuses = []
            for _ in range(per_thread):
                response = Client(headers={"user-agent": PHONE_UA}).get(url)
                statuses.append(response.status_code)
            return statuses
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [pool.submit(read_many) for _ in range(threads)]
        statuses = [status for result in results for status in result.result()]

    assert statuses == [200] * (threads * per_thread)
    assert views_of(article) == 800
    # Around midnight the views may fall on two days: they still add up.
    assert sum(article.daily_views.values_list("views", flat=True)) == 800
