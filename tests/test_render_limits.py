"""What one client may have rendered: a few pages and searches a second
(pages/limits.py), then the Vietnamese 429 page; kept pages never count;
shared through Redis, per process without it, and open when Redis fails."""

import pytest
import redis
from django.test.utils import override_settings

import redisclient
from pages import limits
from wardnews import pagecache

from .conftest import redis_for_tests

# This branch's own Redis database (tests/conftest.py: redis_for_tests).
REDIS_DB = 12
BURST = limits.BURST_SECONDS


@pytest.fixture(autouse=True)
def fresh_allowances():
    limits.clear_local()
    yield
    limits.clear_local()


def searches(client, n, **headers):
    return [
        client.get("/tim-kiem/", {"q": f"tu{i}"}, **headers).status_code
        for i in range(n)
    ]


@override_settings(SEARCHES_PER_SECOND=2)
def test_a_client_searching_too_fast_gets_the_429_page(reader, db):
    codes = searches(reader, 2 * BURST + 3)
    assert codes[: 2 * BURST] == [200] * (2 * BURST)
    assert codes[-1] == 429
    response = reader.get("/tim-kiem/", {"q": "phuong"})
    assert response.status_code == 429
    assert "Bạn mở trang quá nhanh" in response.text
    assert 1 <= int(response["Retry-After"]) <= 2
    assert "no-cache" in response["Cache-Control"]


@override_settings(SEARCHES_PER_SECOND=1)
def test_each_client_has_its_own_allowance(client, db):
    first = {"REMOTE_ADDR": "203.0.113.7"}
    second = {"REMOTE_ADDR": "203.0.113.8"}
    assert 429 in searches(client, BURST + 2, **first)
    assert searches(client, BURST, **second) == [200] * BURST


@override_settings(SEARCHES_PER_SECOND=1)
def test_an_ipv6_client_is_its_64(client, db):
    codes = [
        client.get(
            "/tim-kiem/", {"q": "tin"}, REMOTE_ADDR=f"2001:db8:1:2::{n:x}"
        ).status_code
        for n in range(1, BURST + 3)
    ]
    assert codes[-1] == 429


@override_settings(SEARCHES_PER_SECOND=1, RENDERS_PER_SECOND=1)
def test_staff_are_never_held_back(client, writer):
    client.force_login(writer)
    assert set(searches(client, BURST + 3)) == {200}


@override_settings(RENDERS_PER_SECOND=1)
def test_rendered_pages_count_kept_ones_do_not(reader, make_article, category):
    for n in range(BURST + 2):
        make_article(title=f"Tin {n}")
    url = category.get_absolute_url()
    # The same page, kept after its first render: never held back.
    assert {reader.get(url).status_code for _ in range(3 * BURST)} == {200}
    # Each older page rendered anew (a cursor per article): held back.
    codes = [
        reader.get(url, {"cu-hon": str(article)}).status_code
        for article in range(1, 3 * BURST)
    ]
    assert 429 in codes


@override_settings(RENDERS_PER_SECOND=1)
def test_sitemap_pages_are_held_back_too(reader, make_article):
    make_article()
    codes = [
        reader.get("/sitemap-bai-viet.xml", {"p": str(n)}).status_code
        for n in range(2, 3 * BURST)
    ]
    assert codes[-1] == 429


@pytest.mark.parametrize("path", ["/van-ban/", "/hoi-dap/"])
@override_settings(RENDERS_PER_SECOND=5, SEARCHES_PER_SECOND=1)
def test_a_search_in_a_list_counts_as_a_search(client, ward, path):
    """Searching the documents or the questions (?q=, each value a page never
    rendered before) costs what a search costs: it counts against the
    searches' allowance, one with /tim-kiem/'s, not the pages' (five times
    larger); the list itself is still a page."""
    first = {"REMOTE_ADDR": "203.0.113.7"}
    codes = [
        client.get(path, {"q": f"công tác phường {n}"}, **first).status_code
        for n in range(BURST + 3)
    ]
    assert codes[:BURST] == [200] * BURST
    assert codes[-1] == 429
    assert searches(client, 1, **first) == [429]
    assert client.get(path, **first).status_code == 200
    # Another client's searches in the list are its own.
    second = {"REMOTE_ADDR": "203.0.113.8"}
    assert client.get(path, {"q": "đất đai"}, **second).status_code == 200


@override_settings(SEARCHES_PER_SECOND=0, RENDERS_PER_SECOND=0)
def test_zero_is_no_cap(reader, db):
    assert set(searches(reader, 3 * BURST)) == {200}


@override_settings(SEARCHES_PER_SECOND=1)
def test_the_allowance_is_shared_through_redis(settings, reader, db):
    settings.REDIS_URL = redis_for_tests(REDIS_DB)
    pagecache.clear_local()
    assert 429 in searches(reader, BURST + 2)
    keys = list(redis.Redis.from_url(settings.REDIS_URL).scan_iter("wn:rate:*"))
    assert keys == [b"wn:rate:search:127.0.0.1"]
    # Another process, its own memory empty, sees the same allowance used.
    limits.clear_local()
    assert searches(reader, 1) == [429]


@override_settings(SEARCHES_PER_SECOND=1)
def test_when_redis_fails_nobody_is_refused_for_it(settings, reader, db):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # Nothing listens there.
    assert set(searches(reader, BURST + 3)) == {200}
    assert redisclient.resting()
