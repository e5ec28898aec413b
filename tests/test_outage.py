"""While the database is away, readers get the Vietnamese 503 page with
Retry-After, at once; the site comes back by itself when the database does,
and nothing saved or counted before is lost.

The first tests take the database away inside the test process; the fault
test (`make fault-test`) stops and restarts a real PostgreSQL of its own
under readers' load, served by the real gunicorn."""

import glob
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from articles.models import ArticleQuerySet
from wardnews.outage import is_database_unavailable
from wards import hosts

from .conftest import PHONE_UA, redis_for_tests
from .serving import Gunicorn, deployed_env, free_port, manage

OUTAGE_HEADING = "<h1>Trang tạm thời gián đoạn</h1>"


def take_away(patch):
    """The database server is away: every new connection is refused (for
    SQLite, its file cannot be opened), as after a crash or during a restart."""
    connection.close()
    if connection.vendor == "sqlite":
        patch.setitem(connection.settings_dict, "NAME", "/khong-co/thu-muc/db")
    else:
        patch.setitem(connection.settings_dict, "PORT", "1")


@pytest.fixture
def database_gone(monkeypatch):
    take_away(monkeypatch)
    yield
    connection.close()


@pytest.fixture
def served():
    """A reader's browser as the site serves it: an error answered by
    handler500 is a response, not an exception raised into the test."""
    return Client(headers={"user-agent": PHONE_UA}, raise_request_exception=False)


def assert_outage_page(response, elapsed):
    assert response.status_code == 503
    assert OUTAGE_HEADING in response.text
    assert "Các bài viết vẫn được lưu giữ đầy đủ" in response.text
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Traceback" not in response.text
    assert elapsed < 1


@pytest.mark.django_db(transaction=True)
def test_reader_pages_answer_the_503_page_at_once(served, make_article, monkeypatch):
    """Pages that must be rendered answer the 503 page; one the page cache
    holds is still served (wardnews/pagecache.py)."""
    article = make_article(title="Lịch tiếp công dân tháng 5")
    assert served.get("/").status_code == 200  # The ward is known, "/" kept.
    with monkeypatch.context() as away:
        take_away(away)
        kept = served.get("/")
        assert kept.status_code == 200
        assert "Lịch tiếp công dân tháng 5" in kept.text
        for url in [
            article.get_absolute_url(),
            "/chuyen-muc/cong-tac-dang/",
            "/tim-kiem/?q=lich",
            "/rss/",
            "/gioi-thieu/",
        ]:
            started = time.monotonic()
            response = served.get(url)
            assert_outage_page(response, time.monotonic() - started)
        connection.close()

    # Back by itself: the next request connects again and is counted.
    response = served.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Lượt xem: 1" in response.text


@pytest.mark.django_db(transaction=True)
def test_a_leftover_session_cookie_gets_the_kept_page(
    served, make_article, monkeypatch
):
    """A session cannot be checked while the database is away: a request
    whose cookie looks like one (a staff member's, an old one, or made up)
    gets the page kept for readers, as a reader would, not the 503 page."""
    make_article(title="Lịch tiếp công dân tháng 5")
    assert served.get("/").status_code == 200  # Kept.
    served.cookies["sessionid"] = "k" * 32
    with monkeypatch.context() as away:
        take_away(away)
        kept = served.get("/")
        assert kept.status_code == 200
        assert "Lịch tiếp công dân tháng 5" in kept.text
        assert_outage_page(served.get("/gioi-thieu/"), 0)  # Not kept: rendered.
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_503_page_comes_even_before_the_ward_is_known(served, ward, database_gone):
    """A long outage outlives each process's map of wards: reloading it
    fails in the middleware, before any view, and still gives the page."""
    hosts.clear()
    started = time.monotonic()
    response = served.get("/")
    assert_outage_page(response, time.monotonic() - started)


def test_a_real_error_is_still_the_500_page(served, make_article, monkeypatch):
    """Only the database's absence is an outage: a broken query is a bug,
    and says so."""

    def broken(self, ward):
        raise ProgrammingError('relation "articles_article" does not exist')

    make_article()
    monkeypatch.setattr(ArticleQuerySet, "published", broken)
    response = served.get("/")
    assert response.status_code == 500
    assert "<h1>Đã có lỗi xảy ra</h1>" in response.text
    assert "Retry-After" not in response


def test_a_locked_or_missing_sqlite_table_is_told_apart(db):
    """SQLite says "not now" (busy, cannot open) differently from "wrong
    query" (no such table); only the first is an outage."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own errors")
    with pytest.raises(OperationalError) as wrong:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM khong_co_bang")
    assert not is_database_unavailable(wrong.value)
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect("/khong-co/thu-muc/db")
    away = OperationalError(str(cannot_open.value))
    away.__cause__ = cannot_open.value  # As Django wraps it.
    assert is_database_unavailable(away)


# --- The fault test: a real PostgreSQL stopped under load ------------------


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class Cluster:
    """A throwaway PostgreSQL server in a temporary folder, on its own port:
    the shared one other tests use is never touched."""

    def __init__(self, folder: Path, port: int):
        self.bin = _postgres_bin()
        self.data = folder / "data"
        self.port = port
        self.base = f"postgres://postgres@127.0.0.1:{port}/"
        # PostgreSQL refuses to run as root.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)
        self._run(
            "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync"
        )

    def _run(self, program, *args):
        subprocess.run(
            [*self.as_user, str(self.bin / program), *map(str, args)],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self):
        # fsync off: the test stops the server process, never the machine,
        # and what a committed transaction wrote survives in the system's
        # cache all the same; it makes `migrate` many times faster.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.data / "log",
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def create_database(self, name):
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name
        )
        return self.base + name

    def query(self, url, sql):
        import psycopg2

        with psycopg2.connect(url, connect_timeout=5) as db:
            with db.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()


@pytest.fixture(scope="module")
def cluster():
    if _postgres_bin() is None:
        pytest.fail(
            "PostgreSQL's server programs are missing: `make fault-test` installs"
            " them (.ci/system-packages)"
        )
    folder = Path(tempfile.mkdtemp(prefix="wardnews-fault-"))
    cluster = Cluster(folder, free_port())
    cluster.start()
    yield cluster
    try:
        cluster.stop("immediate")
    except subprocess.CalledProcessError:
        pass  # Already stopped by a failed test.
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Site:
    base: str
    log: Path
    env: dict
    cluster: Cluster

    def query(self, sql):
        return self.cluster.query(self.env["DATABASE_URL"], sql)


def serve(cluster, folder, name, **settings):
    """The demo site on gunicorn, on a database of its own in the throwaway
    PostgreSQL."""
    env = deployed_env(
        folder,
        free_port(),
        DJANGO_SECRET_KEY="fault-test-" + "k" * 40,
        DATABASE_URL=cluster.create_database(name),
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        **settings,
    )
    manage(
        env, ["migrate", "--no-input"], ["load_demo"], ["collectstatic", "--no-input"]
    )
    server = Gunicorn(env, folder)
    return server, Site(server.base, server.log, env, cluster)


@pytest.fixture(scope="module")
def site(cluster, tmp_path_factory):
    """Views go straight to the database."""
    server, site = serve(cluster, tmp_path_factory.mktemp("fault"), "wardnews")
    yield site
    server.stop()


@pytest.fixture(scope="module")
def redis_site(cluster, tmp_path_factory):
    """As in production: pages kept and views buffered in Redis."""
    server, site = serve(
        cluster,
        tmp_path_factory.mktemp("fault-redis"),
        "wardnews_redis",
        REDIS_URL=redis_for_tests(db=13),
    )
    yield site
    server.stop()


def get(url):
    """A new reader (no cookies) opening the page: status, Retry-After,
    seconds taken."""
    request = urllib.request.Request(
        url, headers={"User-Agent": PHONE_UA, "Accept": "text/html"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            response.read()
            status, retry = response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        error.read()
        status, retry = error.code, error.headers.get("Retry-After")
    return status, retry, time.monotonic() - started


class Readers:
    """Readers opening articles in threads until told to stop; every answer
    kept with when it came."""

    def __init__(self, urls, threads=6):
        self.urls = urls
        self.answers = []  # (started, url, status, retry_after, seconds)
        self.failures = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._read, args=(n,)) for n in range(threads)
        ]

    def _read(self, n):
        i = n
        while not self._stop.is_set() and len(self.answers) < 20_000:
            url = self.urls[i % len(self.urls)]
            i += 1
            started = time.monotonic()
            try:
                self.answers.append((started, url, *get(url)))
            except OSError as error:  # Refused, reset, timed out: never wanted.
                self.failures.append((started, url, repr(error)))
            time.sleep(0.01)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def between(self, start, end):
        return [a for a in self.answers if start <= a[0] and a[0] + a[4] <= end]


@pytest.mark.fault
@pytest.mark.gunicorn
@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_the_site_rides_out_a_database_restart_under_load(site, cluster, mode):
    """`fast` is a planned restart (systemctl restart postgresql), `immediate`
    a crash: either way readers get the 503 page at once while it is down,
    the site recovers by itself, and every article and every counted view
    from before is still there."""
    rides_out_a_restart(site, cluster, mode)


@pytest.mark.fault
@pytest.mark.gunicorn
def test_with_redis_kept_pages_are_read_and_views_kept_through_a_crash(
    redis_site, cluster
):
    """As above, except that a page kept less than its 5 s before is still
    read while the database is down, and the views counted in Redis then are
    folded in once it is back."""
    rides_out_a_restart(redis_site, cluster, "immediate")


def rides_out_a_restart(site, cluster, mode):
    home = get(site.base + "/")
    assert home[0] == 200
    page = urllib.request.urlopen(site.base + "/", timeout=10).read().decode()
    slugs = sorted(set(re.findall(r'href="/bai-viet/([^"/]+)/"', page)))
    assert len(slugs) >= 3
    urls = [f"{site.base}/bai-viet/{slug}/" for slug in slugs]
    saved_before = site.query(
        "SELECT id, title, body FROM articles_article ORDER BY id"
    )
    counts_before = dict(site.query("SELECT slug, view_count FROM articles_article"))
    daily_before = site.query("SELECT sum(views) FROM articles_dailyviews")[0][0] or 0

    with Readers(urls) as readers:
        time.sleep(2)
        stopping = time.monotonic()
        cluster.stop(mode)
        down = time.monotonic()
        health_down = get(site.base + "/healthz")
        time.sleep(3)
        starting = time.monotonic()
        cluster.start()
        up = time.monotonic()
        time.sleep(5)
        end = time.monotonic()
    health_up = get(site.base + "/healthz")

    answers = readers.answers
    assert readers.failures == [], readers.failures[:5]
    assert {status for _, _, status, _, _ in answers} <= {200, 503}, (
        site.log.read_text()[-3000:]
    )
    # Before: served.
    assert all(a[2] == 200 for a in readers.between(0, stopping))
    # Down: the 503 page, with Retry-After, each in under a second; with
    # Redis, a page kept less than its 5 s before is still read.
    while_down = readers.between(down, starting)
    assert len(while_down) >= 20
    seen = {(a[2], a[3]) for a in while_down}
    if "REDIS_URL" in site.env:
        assert (200, None) in seen and seen <= {(200, None), (503, "30")}
    else:
        assert seen == {(503, "30")}
    assert max(a[4] for a in while_down) < 1
    assert health_down[0] == 503 and health_down[2] < 1
    # Back by itself, within two seconds of the database.
    after = readers.between(up + 2, end)
    assert len(after) >= 10
    assert all(a[2] == 200 for a in after)
    assert health_up[0] == 200

    # Nothing saved before is lost, and every view answered 200 was counted
    # (a view counted just as the database went away may have been answered
    # 503: at most one such per 503), once what Redis holds is folded in.
    manage(site.env, ["flush_views"])
    assert (
        site.query("SELECT id, title, body FROM articles_article ORDER BY id")
        == saved_before
    )
    counts_after = dict(site.query("SELECT slug, view_count FROM articles_article"))
    served = Counter(url for _, url, status, _, _ in answers if status == 200)
    refused = Counter(url for _, url, status, _, _ in answers if status == 503)
    for slug, url in zip(slugs, urls, strict=True):
        gained = counts_after[slug] - counts_before[slug]
        assert served[url] <= gained <= served[url] + refused[url], slug
    daily_after = site.query("SELECT sum(views) FROM articles_dailyviews")[0][0]
    assert daily_after - daily_before == sum(counts_after.values()) - sum(
        counts_before.values()
    )
