"""Kept pages answered before Django builds its request (wardnews/wsgi.py,
pagecache.wsgi): the same answers as the middleware, every view counted
once, and anything it is unsure of left to Django."""

import gzip
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.utils import timezone

import redisclient
from articles import counting
from articles.models import Article
from pages import generations
from pages.decorators import ARTICLE_SECONDS
from wardnews import pagecache

from .conftest import PHONE_UA, views_of

pytestmark = pytest.mark.usefixtures("buffered")

from .test_page_cache import buffered, listening  # noqa: E402, F401


class Served:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = dict(headers)
        self.cookies = [v for n, v in headers if n == "Set-Cookie"]
        self.body = body


def served(url, method="get", django=None, app=None, **headers):
    """The request through the page cache's WSGI application; ``django``, if
    given, stands for Django's own; ``app``, if given, is the application
    served instead (wardnews.wsgi's, as deployed)."""
    environ = getattr(RequestFactory(), method)(
        url, headers={"user-agent": PHONE_UA, **headers}
    ).environ
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, headers

    app = app or pagecache.wsgi(django or WSGIHandler())
    # As the test client does: the test's transaction stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = app(environ, start_response)
        body = b"".join(response)
        getattr(response, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Served(answer["status"], answer["headers"], body)


def no_django(environ, start_response):
    raise AssertionError(f"Django was asked for {environ['PATH_INFO']}")


def test_a_kept_page_is_answered_without_django(make_article):
    make_article(title="Lịch tiếp công dân")
    rendered = served("/")
    assert rendered.status == "200 OK"
    kept = served("/", django=no_django)
    assert kept.status == "200 OK"
    assert kept.body == rendered.body
    assert "Lịch tiếp công dân" in kept.body.decode()
    assert kept.headers["ETag"] == rendered.headers["ETag"]
    assert kept.headers["Content-Length"] == str(len(kept.body))
    assert kept.headers["Content-Security-Policy"]
    zipped = served("/", django=no_django, accept_encoding="gzip")
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == rendered.body
    again = served("/", django=no_django, if_none_match=kept.headers["ETag"])
    assert again.status == "304 Not Modified" and again.body == b""
    head = served("/", method="head", django=no_django)
    assert head.body == b"" and head.headers["Content-Length"] == str(len(kept.body))


def test_what_it_is_unsure_of_goes_to_django(make_article):
    make_article()
    served("/")
    for headers in (
        {"cookie": "sessionid=abcdefgh12345678"},  # Perhaps staff: Django asks.
        {"host": "evil.example"},  # Refused by Django, with its 400.
    ):
        with pytest.raises(AssertionError, match="Django was asked"):
            served("/", django=no_django, **headers)
    with pytest.raises(AssertionError, match="Django was asked"):
        served("/?q=1", method="post", django=no_django)
    assert served("/", host="evil.example").status.startswith("400")


def test_every_view_of_a_kept_article_counts_once(make_article):
    article = make_article(view_count=10)
    url = article.get_absolute_url()
    first = served(url)  # Rendered: 11.
    assert first.cookies
    for _ in range(3):  # Kept: 14.
        kept = served(url, django=no_django)
        assert any(counting.seen_cookie_name(article.pk) in c for c in kept.cookies)
    # A reader who was counted is not counted again, nor a crawler.
    served(url, django=no_django, cookie=f"{counting.seen_cookie_name(article.pk)}=1")
    served(url, django=no_django, user_agent="Googlebot/2.1")
    assert views_of(article) == 14


def test_a_kept_article_sets_the_seen_cookie_the_rendered_one_sets(make_article):
    """The fast path shares one seen-cookie among its answers of a second
    (counting.mark_seen): the same cookie a rendered page sets, each time."""
    article = make_article()
    url = article.get_absolute_url()
    name = counting.seen_cookie_name(article.pk)
    rendered = SimpleCookie(served(url).cookies[0])[name]
    for _ in range(3):
        (line,) = served(url, django=no_django).cookies
        kept = SimpleCookie(line)[name]
        assert kept.value == rendered.value == "1"
        for attribute in ("path", "max-age", "httponly", "samesite", "secure"):
            assert kept[attribute] == rendered[attribute], attribute
        expires = parsedate_to_datetime(kept["expires"]).timestamp()
        assert abs(expires - (time.time() + counting.RECOUNT_AFTER_SECONDS)) < 5
    assert rendered["path"] == url and rendered["max-age"] == "1800"
    assert views_of(article) == 4


def test_a_stale_page_is_rendered_once_by_django_with_the_lock(make_article):
    article = make_article(title="Tin cũ")
    url = article.get_absolute_url()
    served(url)
    Article.objects.filter(pk=article.pk).update(title="Tin mới")
    later = timezone.now() + timedelta(seconds=ARTICLE_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Tin mới" in served(url).body.decode()
        # The lock was given back: the next render is not held up.
        assert pagecache.renders.acquire(url) is not None
    assert views_of(article) == 2


def test_a_list_page_answered_before_django_is_still_marked_for_nginx(make_article):
    """nginx keeps only what the app marks (wardnews/edgecache.py): a kept
    list page answered by the fast path, before the middleware that marks
    it, is marked all the same, else nginx would keep the home page only
    while it is not in the worker's memory."""
    from wardnews import wsgi

    make_article(title="Lịch tiếp công dân")
    rendered = served("/", app=wsgi.application)
    kept = served("/", app=wsgi.application)
    assert kept.body == rendered.body
    assert rendered.headers["X-Accel-Expires"].startswith("@")
    assert kept.headers["X-Accel-Expires"].startswith("@")


def heard_and_kept(url, app):
    """The worker has heard its ward's generations from Redis (as a worker
    has once it served a page) and keeps the page: a plain GET of it is
    then answered as written out (pagecache._plain_answer)."""
    listening()
    served(url, app=app)
    served(url, app=app)


def test_a_list_page_written_out_is_marked_for_nginx_each_second(make_article):
    """A kept list page is written out once a second and the copy answers
    the rest of that second: nginx's mark (keep it to the end of *this*
    second) must never be served in a later second, else nginx would keep
    a copy past a published change."""
    from wardnews import wsgi

    make_article(title="Lịch tiếp công dân")
    heard_and_kept("/", wsgi.application)
    now = time.time()
    for second in (now + 5, now + 5.5, now + 6, now + 6.9, now + 9):
        with mock.patch("time.time", return_value=second):
            for encoding in ("", "gzip"):
                kept = served("/", app=wsgi.application, accept_encoding=encoding)
                assert kept.headers["X-Accel-Expires"] == f"@{int(second)}"
                assert kept.headers.get("Content-Encoding", "") == encoding
                assert kept.headers["Content-Length"] == str(len(kept.body))


def test_a_change_shows_at_once_on_a_list_page_written_out(make_article):
    """Another server saved a change and said so: the copy this worker
    wrote out is not served again, nor once it expired."""
    from wardnews import wsgi

    article = make_article(title="Lịch cắt điện cũ")
    heard_and_kept("/", wsgi.application)
    with mock.patch.object(redisclient, "script", side_effect=AssertionError):
        written = served("/", app=wsgi.application)  # No round trip to Redis.
    assert "Lịch cắt điện cũ" in written.body.decode()
    Article.objects.filter(pk=article.pk).update(title="Lịch cắt điện đổi")
    key = generations.WARD.format(article.ward_id)
    generation = cache.incr(key)
    redisclient.client().publish(generations._listener.channel(), f"{key} {generation}")
    deadline = time.monotonic() + 5
    while generations._listener.known.get(key) != generation:
        assert time.monotonic() < deadline, "Never heard."
        time.sleep(0.01)
    assert "Lịch cắt điện đổi" in served("/", app=wsgi.application).body.decode()
    # Expired: rendered again, though nothing said the ward changed.
    Article.objects.filter(pk=article.pk).update(title="Lịch cắt điện đổi lần hai")
    later = timezone.now() + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert (
            "Lịch cắt điện đổi lần hai"
            in served("/", app=wsgi.application).body.decode()
        )


def test_a_refused_host_is_refused_after_a_page_was_written_out(make_article):
    """The hosts Django accepted are remembered; one it refuses still gets
    Django's 400, however often it asks, and never another host's page."""
    from wardnews import wsgi

    make_article()
    heard_and_kept("/", wsgi.application)
    for _ in range(2):
        for host in ("evil.example", "testserver.evil.example", "testserver:bad"):
            refused = served("/", app=wsgi.application, host=host)
            assert refused.status.startswith("400"), host


def test_readers_of_one_second_get_the_answer_that_is_theirs(settings, make_article):
    """Answers are written out once a second for each kind of reader: a new
    reader is counted and gets the seen-cookie, one already counted gets
    neither, and the cookie is Secure only over HTTPS, in any order within
    the same second."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    article = make_article(view_count=0)
    url = article.get_absolute_url()
    name = counting.seen_cookie_name(article.pk)
    served(url)  # Rendered and kept, for each scheme: 2.
    served(url, x_forwarded_proto="https")
    counted = {"cookie": f"{name}=1"}
    with mock.patch("time.time", return_value=time.time()):
        for headers in ({}, counted, {}, {"x_forwarded_proto": "https"}, counted):
            kept = served(url, django=no_django, **headers)
            if headers is counted:
                assert kept.cookies == []
            else:
                (line,) = kept.cookies
                assert name in line
                assert ("Secure" in line) == ("x_forwarded_proto" in headers)
    assert views_of(article) == 5


def test_each_application_finishes_its_own_written_answers(make_article):
    """Two applications in one process (nginx's mark added by one, not the
    other) each get the answer they finish, within the same second."""
    from wardnews import wsgi

    make_article()
    heard_and_kept("/", wsgi.application)
    with mock.patch("time.time", return_value=time.time()):
        marked = served("/", app=wsgi.application)
        unmarked = served("/", django=no_django)
    assert "X-Accel-Expires" in marked.headers
    assert "X-Accel-Expires" not in unmarked.headers


def test_made_up_hosts_are_refused_and_not_remembered(make_article):
    """A flood of made-up Host headers gets Django's 400 each time, and
    leaves the hosts remembered as they were."""
    from wardnews import wsgi

    make_article()
    heard_and_kept("/", wsgi.application)
    remembered = dict(pagecache._origins)
    for n in range(300):
        assert served("/", app=wsgi.application, host=f"x{n}.evil").status == (
            "400 Bad Request"
        )
    assert pagecache._origins == remembered
    assert served("/", django=no_django).status == "200 OK"
