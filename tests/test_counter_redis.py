"""A view is stored exactly once when Redis stalls or goes away, on a real
Redis of the test's own (tests/throwaway_redis.py): one that stops answering
while a reader opens a kept article page, and one that is gone.

A stalled Redis takes the increment and runs it once it goes on: the view
is in the buffer, and not in the database too. A Redis that refuses the
connection ran nothing: the view goes to the database, never lost."""

import time

import pytest
import redis
from django.test import Client

import redisclient
from articles import viewbuffer
from wardnews import pagecache

from .conftest import PHONE_UA, views_of

CRAWLER_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def own_redis(settings, throwaway_redis):
    """The site on a Redis of this test's own, set as in production."""
    server = throwaway_redis()
    settings.REDIS_URL = server.url()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url(),
            "KEY_PREFIX": "wardnews",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield server
    redisclient.wake()


def kept_article_page(article):
    """The article's page, rendered and kept by a crawler's visit (which
    counts nothing), with the page cache's script loaded, as after
    any earlier view in this process."""
    url = article.get_absolute_url()
    assert Client(headers={"user-agent": CRAWLER_UA}).get(url).status_code == 200
    assert any(page.article_pk == article.pk for page in pagecache._pages.values())
    redisclient.client().script_load(pagecache._DECIDE)
    return url


def wait_for_views(article, views, seconds=5):
    """Wait until the article's views, folded, reach ``views``: Redis, going
    on, runs what it was sent."""
    deadline = time.monotonic() + seconds
    while views_of(article) < views:
        assert time.monotonic() < deadline, "Redis never ran the increment"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_view_counted_while_redis_stalls_is_stored_once(own_redis, make_article):
    article = make_article()
    url = kept_article_page(article)
    reader = Client(headers={"user-agent": PHONE_UA})
    with own_redis.stalled():
        response = reader.get(url)
    assert response.status_code == 200
    # The view may have been counted: the browser is not counted again.
    assert response.cookies[f"wn_seen_{article.pk}"]
    # Kept, the page may have counted into the process's buffer, whose
    # thread may have handed it over during the stall (sent again with the
    # same token once Redis answers), or found Redis refusing and stored it
    # in the database (hence a transaction the thread's connection sees).
    viewbuffer.hand_over()  # After the thread's own try, which may rest Redis.
    redisclient.wake()
    viewbuffer.hand_over()
    wait_for_views(article, 1)
    assert views_of(article) == 1
    assert int(own_redis.client().hget(viewbuffer.pending_key(), article.pk) or 0) == 0


def test_a_view_counted_when_redis_is_gone_goes_to_the_database(
    own_redis, make_article
):
    article = make_article()
    url = kept_article_page(article)
    own_redis.stop()
    response = Client(headers={"user-agent": PHONE_UA}).get(url)
    assert response.status_code == 200
    # Kept, the page counted into the process's buffer, which its thread
    # hands over within a tenth of a second: to the database, Redis refusing.
    viewbuffer.hand_over()
    article.refresh_from_db()
    assert article.view_count == 1
    assert redisclient.resting()


def test_a_view_rendered_while_redis_stalls_is_stored_once(own_redis, make_article):
    """Not kept yet: the page renders, whichever of its round trips is the
    one that times out."""
    article = make_article()
    with own_redis.stalled():
        response = Client(headers={"user-agent": PHONE_UA}).get(
            article.get_absolute_url()
        )
    assert response.status_code == 200
    own_redis.client().ping()  # It has run what it took.
    redisclient.wake()
    assert views_of(article) == 1


def test_what_may_have_run_is_told_from_what_never_was_sent():
    """redis-py names every failure to connect "… connecting to …": nothing
    was sent, so the command did not run (redisclient.may_have_run)."""
    refused = redis.Redis(port=1, socket_connect_timeout=0.5)
    with pytest.raises(redis.ConnectionError) as error:
        refused.hincrby("wn:test", "1", 1)
    assert not redisclient.may_have_run(error.value)
    assert redisclient.may_have_run(redis.TimeoutError("Timeout reading from socket"))
    assert redisclient.may_have_run(
        redis.ConnectionError("Connection closed by server.")
    )
    assert not redisclient.may_have_run(redis.ResponseError("OOM command not allowed"))


def test_a_site_without_redis_never_talks_to_the_redis_it_had_before(
    settings, own_redis, make_article, caplog
):
    """REDIS_URL unset after a Redis was used (the tests: one test's own
    Redis, then the next test's none). A thread that asks for the client in
    between (the page generations' listener) fails, as it should; that
    failure must not leave the old client answering for the empty URL, or
    every later change is sent to a Redis that is gone ("not marked stale")
    and pages stop being kept."""
    redisclient.client().ping()
    own_redis.stop()
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    with pytest.raises(ValueError):
        redisclient.client()
    with pytest.raises(ValueError):
        redisclient.client()  # Still no client for "": never the old one.

    article = make_article(title="Lịch cắt điện tổ 5")
    assert "not marked stale" not in caplog.text
    Client(headers={"user-agent": PHONE_UA}).get("/")
    kept = Client(headers={"user-agent": PHONE_UA}).get("/")
    assert article.title in kept.text
    assert "not marked stale" not in caplog.text
