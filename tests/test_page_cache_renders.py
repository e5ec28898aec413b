"""One render per kept page at a time (pages/renders.py, wardnews/pagecache.py):
readers who find a page missing or stale while another request renders it
get the previous copy, or wait for that render, instead of all rendering it
at once; and a renderer that died does not keep the page from rendering."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article
from pages import generations, renders
from pages.decorators import LIST_SECONDS
from wardnews import pagecache

from .conftest import PHONE_UA, views_of
from .test_page_cache import buffered  # noqa: F401

HOME = "http://testserver/?"


@pytest.fixture(params=["process", "redis"])
def lock_in(request):
    """The render lock of one process (no Redis), or of the installation."""
    if request.param == "redis":
        request.getfixturevalue("buffered")
    return request.param


def reader():
    return Client(headers={"user-agent": PHONE_UA})


class Renders:
    """Counts the page cache's renders; ``hold`` keeps each render waiting
    until ``go`` is set, as a slow render under load would."""

    def __init__(self, hold=False):
        self.count = 0
        self.started = threading.Event()
        self.go = threading.Event()
        if not hold:
            self.go.set()
        self._original = pagecache.PageCacheMiddleware._render_and_keep
        self._lock = threading.Lock()

    def __enter__(self):
        outer = self

        def counted(middleware, *args, **kwargs):
            with outer._lock:
                outer.count += 1
            outer.started.set()
            assert outer.go.wait(10), "The render was never let go."
            return outer._original(middleware, *args, **kwargs)

        self._patch = mock.patch.object(
            pagecache.PageCacheMiddleware, "_render_and_keep", counted
        )
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


def in_threads(n, url):
    """N readers asking for the page at once: their responses."""
    start = threading.Barrier(n)
    responses = [None] * n

    def ask(i):
        start.wait()
        try:
            responses[i] = reader().get(url)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


def in_thread(url):
    """One reader asking in the background: join it for its response."""
    result = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("response", reader().get(url))
    )
    thread.start()
    return thread, result


def later(seconds):
    return mock.patch(
        "django.utils.timezone.now",
        return_value=timezone.now() + timedelta(seconds=seconds),
    )


@pytest.mark.django_db(transaction=True)
def test_readers_missing_a_page_at_once_cause_one_render(lock_in, make_article):
    make_article(title="Lịch tiêm chủng tháng 6")
    with Renders(hold=True) as renders_seen:
        # The render takes a while, as under load: all eight miss meanwhile.
        threading.Timer(0.5, renders_seen.go.set).start()
        responses = in_threads(8, "/")
    assert [r.status_code for r in responses] == [200] * 8
    assert all("Lịch tiêm chủng tháng 6" in r.text for r in responses)
    assert renders_seen.count == 1


@pytest.mark.django_db(transaction=True)
def test_an_expired_page_is_served_while_one_reader_renders_it(lock_in, make_article):
    article = make_article(title="Tin cũ")
    reader().get("/")
    Article.objects.filter(pk=article.pk).update(title="Tin mới")  # No save.
    with later(LIST_SECONDS + 1), Renders(hold=True) as renders_seen:
        thread, rendered = in_thread("/")
        assert renders_seen.started.wait(10)
        # Meanwhile: the previous copy, at once, with no render of its own.
        for _ in range(3):
            assert "Tin cũ" in reader().get("/").text
        renders_seen.go.set()
        thread.join(10)
        assert "Tin mới" in rendered["response"].text
        assert "Tin mới" in reader().get("/").text
    assert renders_seen.count == 1


@pytest.mark.django_db(transaction=True)
def test_a_page_expired_too_long_ago_is_not_served(lock_in, make_article):
    """Past STALE_SECONDS the old copy is too old: readers wait for the
    render, and are served the page it keeps."""
    article = make_article(title="Tin cũ")
    reader().get("/")
    Article.objects.filter(pk=article.pk).update(title="Tin mới")
    with (
        later(LIST_SECONDS + pagecache.STALE_SECONDS + 1),
        Renders(hold=True) as renders_seen,
    ):
        thread, _ = in_thread("/")
        assert renders_seen.started.wait(10)
        renders_seen.go.set()  # The render goes on; this reader waits for it.
        assert "Tin mới" in reader().get("/").text
        thread.join(10)
    assert renders_seen.count == 1


@pytest.mark.django_db(transaction=True)
def test_a_changed_ward_shows_its_change_within_a_second(lock_in, make_article):
    """A save moves the ward's generation: while its one render runs the old
    list page is served, for CHANGED_STALE_SECONDS at most."""
    article = make_article(title="Tin cũ")
    reader().get("/")
    Article.objects.filter(pk=article.pk).update(title="Tin mới")
    generations._bump(article.ward_id)  # What saving it does.
    with Renders(hold=True) as renders_seen:
        thread, _ = in_thread("/")
        assert renders_seen.started.wait(10)
        assert "Tin cũ" in reader().get("/").text  # The render is young.
        time.sleep(pagecache.CHANGED_STALE_SECONDS)
        renders_seen.go.set()
        # Too long: this reader waits, then has the change all the same.
        assert "Tin mới" in reader().get("/").text
        thread.join(10)


@pytest.mark.django_db(transaction=True)
def test_a_reader_who_waited_too_long_for_a_render_is_told_to_reload(
    lock_in, make_article, monkeypatch
):
    """A render that holds its lock past the wait (its worker hangs) is not
    rendered again by the readers waiting for it: they get a short
    Vietnamese "reload in a few seconds" (503, Retry-After), not a 500."""
    make_article(title="Lịch tiêm chủng tháng 6")
    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0.2)
    with Renders(hold=True) as renders_seen:
        thread, _ = in_thread("/")
        assert renders_seen.started.wait(10)
        response = reader().get("/")
        renders_seen.go.set()
        thread.join(10)
    assert response.status_code == 503
    assert response["Retry-After"] == str(pagecache.RETRY_AFTER_SECONDS)
    assert "Xin bạn vui lòng tải lại trang sau vài giây" in response.text
    assert renders_seen.count == 1


@pytest.mark.django_db(transaction=True)
def test_every_view_of_an_article_counts_once_stale_or_not(lock_in, make_article):
    article = make_article(view_count=10)
    url = article.get_absolute_url()
    reader().get(url)  # Counted as it renders: 11.
    with later(30), Renders(hold=True) as renders_seen:
        thread, _ = in_thread(url)  # Counted as it renders: 12.
        assert renders_seen.started.wait(10)
        for _ in range(3):  # Each served the copy kept before: 15.
            assert reader().get(url).status_code == 200
        renders_seen.go.set()
        thread.join(10)
    assert renders_seen.count == 1
    assert views_of(article) == 15


@pytest.mark.django_db(transaction=True)
def test_a_render_that_died_does_not_hold_the_page(lock_in, make_article, monkeypatch):
    """A worker killed while rendering never gives its lock back: the lock
    expires, and the next reader renders the page."""
    article = make_article(title="Tin cũ")
    reader().get("/")
    Article.objects.filter(pk=article.pk).update(title="Tin mới")
    monkeypatch.setattr(renders, "LOCK_SECONDS", 0.3)
    assert renders.acquire(HOME) is not None  # The worker that died.
    with later(LIST_SECONDS + 1), Renders() as renders_seen:
        assert "Tin cũ" in reader().get("/").text
        assert renders_seen.count == 0
        time.sleep(0.4)
        assert "Tin mới" in reader().get("/").text
        assert renders_seen.count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("buffered")
def test_readers_missing_a_slow_page_wait_for_its_one_render(make_article):
    """A render slower than the few seconds readers used to wait for it (the
    database slow under load, a sitemap at a million articles) is still the
    only one: the others wait for it as long as it may hold its lock, rather
    than all render the page at the moment the database is slowest."""
    make_article(title="Lịch tiêm chủng tháng 6")
    with Renders(hold=True) as renders_seen:
        threading.Timer(renders.LOCK_SECONDS / 2, renders_seen.go.set).start()
        responses = in_threads(6, "/")
    assert [r.status_code for r in responses] == [200] * 6
    assert renders_seen.count == 1, f"{renders_seen.count} renders of one page"


@pytest.mark.parametrize(
    "spelling", ["TESTSERVER", "TestServer", "testserver.", "testserver:80"]
)
def test_every_spelling_of_a_wards_host_is_served_its_one_kept_page(
    make_article, spelling
):
    """A host name is case-insensitive and may end with a dot (Django
    accepts both, and they name the same ward): every spelling is the ward's
    one kept page, not a render of its own (else a client talking to
    gunicorn without nginx makes every request a render with Host:
    wArD.example, WaRd.example…: 2^n spellings of an n-letter host)."""
    make_article(title="Lịch tiếp công dân tháng 5")
    reader().get("/")
    with Renders() as seen:
        response = reader().get("/", HTTP_HOST=spelling)
    assert response.status_code == 200
    assert seen.count == 0, f"Host: {spelling} rendered the home page again"


def test_a_worker_holding_the_old_copy_serves_the_one_rendered_since(
    lock_in, make_article
):
    """After a change, the worker that still holds the page from before it
    takes the copy another worker rendered since (the shared cache), rather
    than serving its old one or rendering again: a reader who has seen the
    change never sees the page before it on the next load."""
    article = make_article(title="Họp tổ dân phố số 5")
    reader().get("/")
    old = pagecache._pages[HOME]  # What this worker kept.
    Article.objects.filter(pk=article.pk).update(title="Họp tổ dân phố số 7")
    generations._bump(article.ward_id)  # What saving it does.
    assert "số 7" in reader().get("/").text  # Rendered "by another worker".
    pagecache._pages[HOME] = old  # This worker still holds the old copy,
    assert renders.acquire(HOME) is not None  # and a render is under way.
    with Renders() as renders_seen:
        page = reader().get("/").text
    assert "số 7" in page
    assert "số 5" not in page
    assert renders_seen.count == 0
