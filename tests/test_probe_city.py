"""An attacker's findings against the city-scale machinery (issue 19): the
page cache's single flight, nginx's micro-cache, the replica router and the
view counter. Each test here FAILS on integ as it stands: it demonstrates a
finding and is expected to fail until that finding is fixed (the probe's
report says which, how severe, and how to reproduce it by hand)."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

import redisclient
from articles.models import Article, DailyViews, store_views
from wardnews import replica

from .conftest import PHONE_UA, article_form, redis_for_tests
from .test_replica_router import (  # noqa: F401 - the fixture
    queries_on_each,
    reads_articles,
    with_replica,
)

# The probe's own Redis database (its brief's), not the suite's 15.
PROBE_REDIS_DB = 8


@pytest.fixture
def probe_redis(settings):
    """Views buffered and pages shared in Redis, as in production."""
    url = redis_for_tests(db=PROBE_REDIS_DB)
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
        }
    }
    yield redisclient.client()
    redisclient.client().flushdb()


def reader(**headers):
    return Client(headers={"user-agent": PHONE_UA, **headers})


# The page cache: one ward's page, many keys -------------------------------


# The counter: one bad entry in the buffer ---------------------------------


# nginx's micro-cache: one page, many copies --------------------------------


def _nginx_in_front_of(live_server, folder):
    """nginx with the deploy kit's micro-cache (as bench/scale_test.py
    builds it from deploy/nginx/wardnews.conf), in front of the live
    server: its port and its cache folder."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import scale_test

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        pytest.fail("These tests need nginx (apt-get install nginx).")
    port = scale_test.free_port()
    (folder / "srv").mkdir()
    upstream = live_server.url.removeprefix("http://")
    site = "\n".join(
        "    " + line for line in scale_test.site_directives().splitlines()
    )
    text = scale_test.TEMPLATE.read_text()
    for word, value in (
        ("@HTTP@", scale_test.http_directives().strip("\n")),
        ("@SITE@", site.strip("\n")),
        ("@UPSTREAM_SERVERS@", f"        server {upstream};"),
        ("@PORT@", str(port)),
        ("@TEMP@", str(folder)),
        ("@SRV@", str(folder / "srv")),
        ("@MIME_TYPES@", "/etc/nginx/mime.types"),
    ):
        text = text.replace(word, value)
    (folder / "nginx.conf").write_text(text)
    process = subprocess.Popen(
        [nginx, "-p", folder, "-c", folder / "nginx.conf", "-e", folder / "error.log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, port


@pytest.fixture
def nginx_port(live_server):
    # nginx's workers run as nobody when started as root: a folder they read.
    folder = Path(tempfile.mkdtemp(prefix="wardnews-probe-"))
    folder.chmod(0o755)
    process, port = _nginx_in_front_of(live_server, folder)
    yield port, folder / "cache"
    process.terminate()
    process.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def _copies(cache):
    return sorted(p for p in cache.rglob("*") if p.is_file())


@pytest.mark.django_db(transaction=True)
def test_nginx_keeps_one_copy_of_a_list_page_however_its_path_is_spelled(
    nginx_port, make_article, category
):
    """nginx keys its copies on $request_uri, the path as sent, while the app
    (X-Accel-Expires, wardnews/edgecache.py) checks only the query: each
    percent-encoding of the path's letters (2^n of them, and %6e/%6E) is a
    miss passed to the app and a copy written to nginx's disk, so a client
    can skip the micro-cache on every request and fill its keys and disk."""
    make_article(title="Lịch tiếp công dân tháng 5")
    port, cache = nginx_port
    path = f"/chuyen-muc/{category.slug}/"
    status, body = _get(port, path)
    assert status == 200, (cache.parent / "error.log").read_text()[-2000:]
    time.sleep(0.3)
    first = _copies(cache)
    assert len(first) == 1
    spellings = [
        path.replace("c", "%63", 1),
        path.replace("c", "%63", 2),
        path.replace("/c", "/%43"),  # not the same page: 404, never kept
        path.replace(category.slug, category.slug.replace("d", "%64")),
        path.replace(category.slug, category.slug.replace("d", "%44")),
    ]
    for spelling in spellings:
        _get(port, spelling)
    time.sleep(0.3)
    assert _copies(cache) == first, "nginx wrote a copy per spelling of one page"


# The counter: a save writes back the count it read ------------------------


@pytest.mark.django_db(transaction=True)
def test_a_save_keeps_the_views_stored_since_the_article_was_read(make_article):
    """Article.save() writes every column, view_count included, from the copy
    it read: views a flush stores between that read and the UPDATE are
    written over (the day rows keep them, so totals and days no longer add
    up). The admin reads the article at the start of the POST, then cleans
    the body, validates and saves: a hot article corrected during breaking
    news, with flush_views every few seconds, loses views each time."""
    article = make_article()
    staffs_copy = Article.objects.get(pk=article.pk)  # The admin's get_object.
    # A flush commits meanwhile (its own connection, as flush_views).
    flusher = threading.Thread(
        target=lambda: (
            store_views({article.pk: 50}, timezone.localdate()),
            connection.close(),
        )
    )
    flusher.start()
    flusher.join(30)
    staffs_copy.title = "Đính chính: lịch tiếp công dân"
    staffs_copy.save()
    article.refresh_from_db()
    daily = DailyViews.objects.filter(article=article).values_list("views", flat=True)
    assert sum(daily) == 50
    assert article.view_count == 50, "the save wrote the views back to what it read"


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_in_the_admin_keeps_views_counted_meanwhile(
    ward_editor, category, make_article
):
    """The same through the admin: views stored while the POST is handled
    (here, as the body is cleaned) are gone after it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets no flush write while the admin's save is open.")
    article = make_article(title="Thông báo lịch cắt điện")
    editor = Client()
    editor.force_login(ward_editor)
    original = Article.normalise

    def normalise_while_a_flush_lands(self):
        thread = threading.Thread(
            target=lambda: (
                store_views({article.pk: 7}, timezone.localdate()),
                connection.close(),
            )
        )
        thread.start()
        thread.join(30)
        return original(self)

    form = article_form(category, step=None, title="Thông báo lịch cắt điện (sửa)")
    with mock.patch.object(Article, "normalise", normalise_while_a_flush_lands):
        response = editor.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content[:3000]
    article.refresh_from_db()
    assert article.title == "Thông báo lịch cắt điện (sửa)"
    assert article.view_count == 7


# Renders a client may cause: searches under another name -------------------


@pytest.mark.parametrize("path", ["/van-ban/", "/hoi-dap/"])
def test_a_search_in_a_list_counts_against_the_search_allowance(ward, path, settings):
    """Searching the documents or the questions (?q=, each value a page the
    cache keeps, and every one a miss) costs what a search costs, yet counts
    against the pages' allowance (RENDERS_PER_SECOND, 5 a second, 25 at
    once) instead of the searches' (SEARCHES_PER_SECOND, 1, 5 at once): one
    client runs five times the searches /tim-kiem/ lets it, and each one is
    kept in every worker's memory and in Redis as well."""
    settings.RENDERS_PER_SECOND = 5  # The defaults (wardnews/settings.py).
    settings.SEARCHES_PER_SECOND = 1
    client = reader()
    answers = [
        client.get(path, {"q": f"công tác phường {n}"}).status_code for n in range(12)
    ]
    searches = [
        client.get("/tim-kiem/", {"q": f"công tác phường {n}"}).status_code
        for n in range(12)
    ]
    assert answers.count(200) <= searches.count(200) + 1, (answers, searches)


# The replica router without Redis ------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", replica.REPLICA])
@pytest.mark.usefixtures("with_replica")
def test_without_redis_a_change_in_another_worker_keeps_readers_off_the_replica(
    make_article, settings
):
    """REPLICA_LAG_SECONDS after a change, a ward's pages render from the
    primary: the change's time is noted in Django's cache. Without Redis
    that cache is each process's own memory, while the page generations
    live in the database (every worker sees them): another gunicorn worker
    never hears of the change, renders the ward's pages from a replica that
    has not caught up, and keeps the old page (the withdrawn article still
    listed) under the new generation until it expires."""
    if connection.vendor != "postgresql":
        pytest.skip("A second process shares only a PostgreSQL test database.")
    settings.PAGE_GENERATIONS_IN_DATABASE = True
    article = make_article(title="Bài sắp bị gỡ")
    cache.clear()  # Long after: the replica has the article.
    url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    withdraw = (
        "import django; django.setup(); from articles.models import Article; "
        f"a = Article.objects.get(pk={article.pk}); "
        "a.status = Article.Status.WITHDRAWN; a.save()"
    )
    done = subprocess.run(
        [sys.executable, "-c", withdraw],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": url,
            "DJANGO_DATABASE_REPLICA_URL": url,
            "REDIS_URL": "",
        },
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # At once, in this worker: the ward just changed.
    primary, copy, response = queries_on_each(lambda: reader().get("/"))
    assert response.status_code == 200
    assert not reads_articles(copy), "rendered from the replica just after a change"


# Single flight: a slow render is rendered by everyone ---------------------


def _in_threads(n, url):
    """N readers asking for the page at once (each closing its database
    connection after): their responses."""
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


# The counter: a flush and an editor's save lock articles in opposite order -


@pytest.mark.django_db(transaction=True)
def test_pinning_an_article_while_its_views_are_flushed_does_not_deadlock(
    make_article,
):
    """store_views locks a batch's articles in id order; Article.save() locks
    the article saved, then (pinning it, "is_featured") the ward's
    previously pinned one, whatever its id. A flush storing views of both
    (a pinned article is among the most read) deadlocks with the editor:
    PostgreSQL aborts one: the editor's save (a 500 in the admin) or the
    flush."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks: PostgreSQL's.")
    pinned = make_article(title="Bài ghim cũ", is_featured=True)
    new = make_article(title="Bài ghim mới")
    assert pinned.pk < new.pk
    saved, go = threading.Event(), threading.Event()
    errors = []
    original = Article._after_save

    def after_save_a_moment_later(self, old_slug):
        saved.set()
        go.wait(10)
        return original(self, old_slug)

    def pin():
        try:
            article = Article.objects.get(pk=new.pk)
            article.is_featured = True
            article.save()
        except Exception as error:  # noqa: BLE001 - the finding itself
            errors.append(f"the editor's save: {error!r}")
        finally:
            connection.close()

    def flush():
        try:
            store_views({pinned.pk: 1, new.pk: 1}, timezone.localdate())
        except Exception as error:  # noqa: BLE001 - the finding itself
            errors.append(f"the flush: {error!r}")
        finally:
            connection.close()

    with mock.patch.object(Article, "_after_save", after_save_a_moment_later):
        editor = threading.Thread(target=pin)
        editor.start()
        assert saved.wait(10)
        flusher = threading.Thread(target=flush)
        flusher.start()
        # The flush holds the old pinned article and waits for the new one.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not _waiting_for_a_lock():
            time.sleep(0.05)
        go.set()
        editor.join(30)
        flusher.join(30)
    assert errors == []
    pinned.refresh_from_db()
    new.refresh_from_db()
    assert (pinned.is_featured, new.is_featured) == (False, True)
    assert (pinned.view_count, new.view_count) == (1, 1)


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0
