"""The read replica (wardnews/replica.py): a reader's page render reads from
it; staff, writes, and the moments just after a change read the primary.

The "replica" here is a second connection to the test database (as
`TEST: {"MIRROR": "default"}` makes it when DJANGO_DATABASE_REPLICA_URL is
set), added for these tests only: settings have no replica by default."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from pages.models import Generation
from wardnews import replica

from .conftest import PHONE_UA, article_form

# The alias, known before the test databases are made, so that the test
# runner points it at the default's (TEST MIRROR); no router uses it but the
# one the fixture installs.
connections.settings.setdefault(
    replica.REPLICA,
    {
        **connections.settings["default"],
        "TEST": {**connections.settings["default"]["TEST"], "MIRROR": "default"},
    },
)
both_databases = pytest.mark.django_db(
    transaction=True, databases=["default", replica.REPLICA]
)


@pytest.fixture
def with_replica(settings):
    """The router and the middleware, and "replica" in DATABASES."""
    config = connections[replica.REPLICA].settings_dict
    settings.DATABASE_ROUTERS = ["wardnews.replica.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("twostep.middleware.TwoStepMiddleware") + 1,
        "wardnews.replica.ReaderReadsMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.PAGE_CACHE = False
    with mock.patch.dict(settings.DATABASES, {replica.REPLICA: config}):
        yield


def queries_on_each(call):
    """The SQL each alias ran during the call, and the call's result."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[replica.REPLICA]) as copy,
    ):
        result = call()
    return [q["sql"] for q in primary], [q["sql"] for q in copy], result


def reads_articles(queries):
    return [q for q in queries if '"articles_article"' in q and "SELECT" in q]


@both_databases
def test_a_readers_page_reads_the_replica(with_replica, make_article, category):
    make_article(title="Lịch tiếp công dân tháng 5")
    cache.clear()  # Long after the save: the replica has it.
    reader = Client(headers={"user-agent": PHONE_UA})
    for url in ("/", f"/chuyen-muc/{category.slug}/"):
        primary, copy, response = queries_on_each(lambda u=url: reader.get(u))
        assert response.status_code == 200
        assert "Lịch tiếp công dân tháng 5" in response.content.decode()
        assert reads_articles(copy), url
        assert not reads_articles(primary), url


@both_databases
def test_staff_saving_and_reading_use_the_primary_only(
    with_replica, ward_editor, category
):
    staff = Client()
    staff.force_login(ward_editor)
    cache.clear()
    primary, copy, response = queries_on_each(
        lambda: staff.post(
            "/admin/articles/article/add/",
            article_form(category, title="Thông báo lịch cắt điện"),
        )
    )
    assert response.status_code == 302, response.content[:2000]
    assert copy == []
    assert any("INSERT" in q and "articles_article" in q for q in primary)

    article = Article.objects.get(title="Thông báo lịch cắt điện")
    primary, copy, response = queries_on_each(
        lambda: staff.get(f"/admin/articles/article/{article.pk}/change/")
    )
    assert response.status_code == 200
    assert copy == []
    primary, copy, response = queries_on_each(lambda: staff.get("/"))
    assert "Thông báo lịch cắt điện" in response.content.decode()
    assert copy == []


@both_databases
def test_a_residents_form_and_what_follows_read_the_primary(with_replica, ward):
    """The page after a resident's question shows what was just saved: a
    replica may not have it yet."""
    cache.clear()
    resident = Client(headers={"user-agent": PHONE_UA})
    for call in (
        lambda: resident.get("/hoi-dap/gui-cau-hoi/"),
        lambda: resident.post("/hoi-dap/gui-cau-hoi/", {"title": ""}),
        lambda: resident.get("/hoi-dap/da-gui/"),
    ):
        primary, copy, response = queries_on_each(call)
        assert response.status_code in (200, 302, 400, 403)
        assert copy == []
    # The list of answered questions is a readers' page.
    primary, copy, response = queries_on_each(lambda: resident.get("/hoi-dap/"))
    assert response.status_code == 200
    assert copy


@both_databases
def test_just_after_a_change_readers_pages_render_from_the_primary(
    with_replica, make_article, settings
):
    make_article(title="Bài vừa đăng")  # Its save notes the change.
    reader = Client(headers={"user-agent": PHONE_UA})
    primary, copy, response = queries_on_each(lambda: reader.get("/"))
    assert "Bài vừa đăng" in response.content.decode()
    assert copy == []
    assert reads_articles(primary)


@both_databases
def test_without_redis_a_change_saved_by_another_worker_keeps_readers_off_the_replica(
    with_replica, make_article, settings
):
    """Without Redis, Django's cache is each process's own memory: the time
    of the change is read from the page generations' rows on the primary,
    which every worker sees. A worker that did not save the change renders
    the ward's pages from the primary at once, so it never keeps a page from
    a replica that has not caught up (the withdrawn article still listed)
    under the new generation."""
    if connection.vendor != "postgresql":
        pytest.skip("A second process shares only a PostgreSQL test database.")
    settings.REDIS_URL = ""  # Even when the suite runs with Redis.
    settings.PAGE_GENERATIONS_IN_DATABASE = True
    article = make_article(title="Bài sắp bị gỡ")
    long_ago = timezone.now() - timedelta(seconds=settings.REPLICA_LAG_SECONDS + 1)
    Generation.objects.update(changed_at=long_ago)  # The replica has it.
    cache.clear()
    reader = Client(headers={"user-agent": PHONE_UA})
    primary, copy, response = queries_on_each(lambda: reader.get("/"))
    assert reads_articles(copy), "long after the change: from the replica"
    url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    withdraw = (
        "import django; django.setup(); from django.conf import settings; "
        "settings.PAGE_GENERATIONS_IN_DATABASE = True; "  # As in production.
        "from articles.models import Article; "
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
    primary, copy, response = queries_on_each(lambda: reader.get("/"))
    assert response.status_code == 200
    assert not reads_articles(copy), "rendered from the replica just after a change"
    assert "Bài sắp bị gỡ" not in response.content.decode()


@both_databases
def test_inside_a_transaction_reads_stay_on_the_primary(with_replica):
    router = replica.ReplicaRouter()
    token = replica._reader.set(True)
    try:
        assert router.db_for_read(Article) == replica.REPLICA
        with (
            connections["default"].cursor(),
            mock.patch.object(connections["default"], "in_atomic_block", True),
        ):
            assert router.db_for_read(Article) == "default"
    finally:
        replica._reader.reset(token)
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"
    assert not router.allow_migrate(replica.REPLICA, "articles")


def test_settings_have_no_replica_unless_one_is_named():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, "
        "'wardnews.replica.ReaderReadsMiddleware' in s.MIDDLEWARE, "
        "s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "wardnews.settings", "DJANGO_DEBUG": "true"}
    url = "postgres://postgres@127.0.0.1:5432/wn_x"

    def run(**extra):
        return subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "DATABASE_URL": url, **env, **extra},
            capture_output=True,
            text=True,
            check=False,
        )

    without = run(DJANGO_DATABASE_REPLICA_URL="")
    assert without.stdout.strip() == "['default'] [] False None", without.stderr
    named = run(DJANGO_DATABASE_REPLICA_URL="postgres://postgres@10.0.0.2:5432/wn_x")
    assert named.stdout.strip() == (
        "['default', 'replica'] ['wardnews.replica.ReplicaRouter'] True default"
    ), named.stderr
    wrong = run(DJANGO_DATABASE_REPLICA_URL="sqlite:////tmp/x.db")
    assert wrong.returncode != 0
    assert "must be a replica of DATABASE_URL" in wrong.stderr
    no_lag = run(DJANGO_DATABASE_REPLICA_LAG_SECONDS="0")
    assert no_lag.returncode != 0
    assert "DJANGO_DATABASE_REPLICA_LAG_SECONDS must be 1 or more" in no_lag.stderr
