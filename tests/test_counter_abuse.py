""" "Lượt xem" counts people reading, not requests another site makes a
browser send, nor pages loaded ahead of a click; an optional cap per client
address stops one address inflating an article."""

import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.test import Client

import clientip
from articles import counting

from .conftest import PHONE_UA, views_of
from .test_settings import load_settings

# What Chromium sends for an <img> on another site pointing at our article.
CROSS_SITE_IMAGE = {
    "sec-fetch-dest": "image",
    "sec-fetch-mode": "no-cors",
    "sec-fetch-site": "cross-site",
    "accept": "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
    "referer": "https://trang-khac.example/",
}
# A resident tapping the article's link in Zalo or Facebook.
FROM_ZALO = {
    "sec-fetch-dest": "document",
    "sec-fetch-mode": "navigate",
    "sec-fetch-site": "cross-site",
    "sec-fetch-user": "?1",
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}


def browser(address="203.0.113.7", **headers):
    """A fresh browser (no cookies) at a client address."""
    return Client(headers={"user-agent": PHONE_UA, **headers}, REMOTE_ADDR=address)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_minute(monkeypatch):
    """The cap counts per clock minute: a test's requests all fall in one,
    wherever the real clock's minute turns while it runs."""
    monkeypatch.setattr(counting.time, "time", lambda: 1_800_000_000.0)


# 1. Only the page itself counts.


def test_another_sites_page_embedding_the_article_100_times_adds_nothing(
    make_article,
):
    article = make_article(view_count=10)
    page_loads = [browser(**CROSS_SITE_IMAGE) for _ in range(3)]
    for embedding in page_loads:
        for n in range(100):
            response = embedding.get(article.get_absolute_url(), {"n": n})
            assert response.status_code == 200
    assert views_of(article) == 10
    # Nothing remembered either: the resident's own visit still counts.
    assert not response.cookies
    browser(**FROM_ZALO).get(article.get_absolute_url())
    assert views_of(article) == 11


@pytest.mark.parametrize(
    "dest", ["image", "iframe", "frame", "script", "style", "empty", "video", "object"]
)
def test_a_request_that_is_not_a_page_load_is_not_counted(make_article, dest):
    article = make_article()
    browser(**{"sec-fetch-dest": dest}).get(article.get_absolute_url())
    assert views_of(article) == 0


def test_a_fetch_that_says_it_is_no_navigation_is_not_counted(make_article):
    article = make_article()
    browser(**{"sec-fetch-mode": "no-cors"}).get(article.get_absolute_url())
    browser(**{"sec-fetch-mode": "cors"}).get(article.get_absolute_url())
    assert views_of(article) == 0


@pytest.mark.parametrize(
    "site", ["cross-site", "same-site", "same-origin", "none"], ids=str
)
def test_a_page_opened_from_anywhere_is_counted(make_article, site):
    """A link in Zalo or Facebook (cross-site), another ward's site
    (same-site), our own pages (same-origin), a typed address or a webview
    (none): each is a resident reading."""
    article = make_article()
    browser(**{**FROM_ZALO, "sec-fetch-site": site}).get(article.get_absolute_url())
    assert views_of(article) == 1


def test_an_older_browser_that_sends_no_fetch_headers_is_counted(make_article):
    article = make_article()
    browser(accept="text/html,application/xhtml+xml,*/*;q=0.8").get(
        article.get_absolute_url()
    )
    browser(accept="*/*").get(article.get_absolute_url())
    browser().get(article.get_absolute_url())
    assert views_of(article) == 3


@pytest.mark.parametrize(
    "accept",
    [
        "image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5",  # Safari
        "image/webp,*/*",
        "text/css,*/*;q=0.1",
    ],
)
def test_an_older_browser_loading_the_article_as_an_image_is_not_counted(
    make_article, accept
):
    """Safari before 16.4 sends no Sec-Fetch-Dest, but still says it wants
    a picture (or a stylesheet) first."""
    article = make_article()
    browser(accept=accept).get(article.get_absolute_url())
    assert views_of(article) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-purpose": "prefetch"},
        {"sec-purpose": "prefetch;prerender"},
        {"sec-purpose": "prefetch;anonymous-client-ip"},
        {"purpose": "prefetch"},
        {"x-moz": "prefetch"},
        {"x-purpose": "preview"},
    ],
    ids=lambda headers: "=".join(*headers.items()),
)
def test_a_page_loaded_ahead_of_a_click_is_not_counted(make_article, headers):
    article = make_article()
    response = browser(**FROM_ZALO, **headers).get(article.get_absolute_url())
    assert response.status_code == 200
    assert views_of(article) == 0


# 2. The seen-cookie.


def test_the_seen_cookie_is_secure_over_https(make_article):
    article = make_article()
    response = browser(**FROM_ZALO).get(article.get_absolute_url(), secure=True)
    cookie = response.cookies[f"wn_seen_{article.pk}"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_over_plain_http_the_seen_cookie_still_works(make_article):
    """A developer machine or a ward still without TLS: a Secure cookie would
    never come back, and every reload would count."""
    article = make_article()
    reader = browser(**FROM_ZALO)
    response = reader.get(article.get_absolute_url())
    assert not response.cookies[f"wn_seen_{article.pk}"]["secure"]
    reader.get(article.get_absolute_url())
    assert views_of(article) == 1


# 3. The cap per client address, off unless a ward turns it on.


def test_without_a_cap_a_crowd_behind_one_address_is_all_counted(
    make_article, settings
):
    """Residents on a mobile carrier share a few public addresses: when news
    breaks, a hundred of them may read the article in the same minute."""
    assert settings.VIEW_CAP_PER_MINUTE == 0
    article = make_article()
    for _ in range(100):
        browser("203.0.113.7").get(article.get_absolute_url())
    assert views_of(article) == 100


def test_a_cap_limits_one_address_per_article_per_minute(
    make_article, settings, monkeypatch
):
    settings.VIEW_CAP_PER_MINUTE = 3
    article, other = make_article(), make_article()
    clock = [1_800_000_000.0]
    monkeypatch.setattr(counting.time, "time", lambda: clock[0])
    for _ in range(10):
        response = browser("203.0.113.7").get(article.get_absolute_url())
        assert response.status_code == 200
    assert views_of(article) == 3
    # Not counted: nothing remembered, so a later visit can count.
    assert not response.cookies
    # Another address, another article: their own allowance.
    browser("198.51.100.20").get(article.get_absolute_url())
    browser("203.0.113.7").get(other.get_absolute_url())
    assert (views_of(article), views_of(other)) == (4, 1)
    # The next minute, the address counts again.
    clock[0] += 60
    for _ in range(5):
        browser("203.0.113.7").get(article.get_absolute_url())
    assert views_of(article) == 7


def test_a_capped_ipv6_client_is_its_64(make_article, settings, one_minute):
    """A phone on an IPv6 network holds a /64: changing the last half of its
    address does not buy more views."""
    settings.VIEW_CAP_PER_MINUTE = 2
    article = make_article()
    for n in range(6):
        browser(f"2001:db8:1:2::{n + 1:x}").get(article.get_absolute_url())
    browser("2001:db8:1:3::1").get(article.get_absolute_url())
    assert views_of(article) == 3


def test_without_a_proxy_a_forwarded_for_header_is_the_clients_own_claim(
    make_article, settings, one_minute
):
    settings.BEHIND_PROXY = False
    settings.VIEW_CAP_PER_MINUTE = 2
    article = make_article()
    for n in range(6):
        browser("203.0.113.7", **{"x-forwarded-for": f"10.0.0.{n}"}).get(
            article.get_absolute_url()
        )
    assert views_of(article) == 2


def test_behind_the_proxy_the_address_it_reports_is_the_client(
    make_article, settings, one_minute
):
    """nginx appends the address it saw to X-Forwarded-For: readers behind
    the one proxy address are told apart, and what a client writes into the
    header itself changes nothing."""
    settings.BEHIND_PROXY = True
    settings.VIEW_CAP_PER_MINUTE = 2
    article = make_article()
    for n in range(6):
        browser("127.0.0.1", **{"x-forwarded-for": f"10.0.0.{n}, 203.0.113.7"}).get(
            article.get_absolute_url()
        )
    browser("127.0.0.1", **{"x-forwarded-for": "198.51.100.20"}).get(
        article.get_absolute_url()
    )
    assert views_of(article) == 3
    assert clientip.address(Client().get("/").wsgi_request) == "127.0.0.1"


@pytest.mark.parametrize("forwarded", ["", "không-phải-địa-chỉ", ",,,", "1.2.3.4, x"])
def test_a_malformed_client_address_never_breaks_the_page(
    make_article, settings, forwarded
):
    settings.BEHIND_PROXY = True
    settings.VIEW_CAP_PER_MINUTE = 1
    article = make_article()
    response = browser("127.0.0.1", **{"x-forwarded-for": forwarded}).get(
        article.get_absolute_url()
    )
    assert response.status_code == 200
    assert views_of(article) == 1


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "::ffff:203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "2001:DB8::1", "2001:db8::1"),
        ("127.0.0.1", "không-phải-địa-chỉ", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7:443", "127.0.0.1"),
        ("127.0.0.1", "fe80::1%eth0", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("", "", ""),
        ("junk", "", ""),
    ],
)
def test_the_client_address_is_a_valid_address_or_nothing(
    rf, settings, remote, forwarded, client
):
    """django-axes stores it in an address column too (AXES_CLIENT_IP_CALLABLE):
    junk must never reach the database."""
    settings.BEHIND_PROXY = True
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert clientip.address(request) == client


@pytest.mark.parametrize("value", ["-1", "nhiều", "2.5"])
def test_a_bad_cap_stops_the_site_at_start(value):
    result = load_settings(DJANGO_DEBUG="true", DJANGO_VIEW_CAP_PER_MINUTE=value)
    assert result.returncode != 0
    assert "DJANGO_VIEW_CAP_PER_MINUTE" in result.stderr


# 4. In a real browser.


@pytest.fixture
def other_site():
    """Another site, on 127.0.0.1 (another site than the live server's
    localhost, and a loopback address, which Chromium lets reach another):
    serves the page it is given."""
    served = {"page": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(served["page"])

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(html):
        served["page"] = html.encode()
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_an_embedding_page_adds_nothing_and_a_tapped_link_one(
    new_context, live_server, make_article, other_site
):
    """Another site shows the article's address as 100 pictures; then the
    resident taps its link there."""
    article = make_article(view_count=10)
    url = live_server.url + article.get_absolute_url()
    pictures = "".join(f'<img src="{url}?n={n}" alt="">' for n in range(100))
    page = new_context(phone=True).new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(
        other_site(f'<!doctype html><title>x</title>{pictures}<a href="{url}">Đọc</a>'),
        wait_until="networkidle",
    )
    # Chromium asked for every one (and, seeing HTML, threw the answer away).
    assert sum("?n=" in asked_url for asked_url in asked) == 100
    assert views_of(article) == 10
    with page.expect_navigation():
        page.click("a")
    # Counted; the page shows the count of a few seconds ago at most.
    assert views_of(article) == 11
    assert re.search(r"Lượt xem: 1[01]\b", page.content())
    assert views_of(article) == 11
