"""Several processes and no Redis (a small production: gunicorn's workers,
db_worker, manage.py): the page generations live in the database
(pages/generations.py), so a change saved by any process shows at once on
the pages every other process keeps."""

import re
import urllib.request

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from pages import generations
from pages.models import Generation

from .conftest import PHONE_UA
from .serving import Gunicorn, deployed_env, free_port, manage, shell


@pytest.fixture
def in_database(settings):
    """Generations in the database: a production without Redis (even when
    the suite runs with REDIS_URL, as CI's PostgreSQL run does)."""
    settings.REDIS_URL = ""
    settings.PAGE_GENERATIONS_IN_DATABASE = True


def reader():
    return Client(headers={"user-agent": PHONE_UA})


def test_a_kept_page_reads_the_generations_in_one_query(in_database, make_article):
    make_article(title="Lịch tiếp công dân")
    reader().get("/")
    with CaptureQueriesContext(connection) as queries:
        assert "Lịch tiếp công dân" in reader().get("/").text
    assert len(queries) == 1
    assert "pages_generation" in queries[0]["sql"]


def test_a_change_another_process_saved_shows_at_once(in_database, make_article):
    article = make_article(title="Tin cũ")
    reader().get("/")
    # Another process: its save moved the ward's row, not this process's
    # memory (which would have dropped the page it keeps).
    Article.objects.filter(pk=article.pk).update(title="Tin mới")
    Generation.objects.filter(key=generations.WARD.format(article.ward_id)).update(
        value=F("value") + 1
    )
    assert "Tin mới" in reader().get("/").text


def test_a_ward_changed_by_another_process_reaches_the_host_map(
    in_database, ward, make_article
):
    make_article()
    assert "024 3999 0000" not in reader().get("/lien-he/").text
    type(ward).objects.filter(pk=ward.pk).update(phone="024 3999 0000")
    Generation.objects.filter(key=generations.SITE).update(value=F("value") + 1)
    assert "024 3999 0000" in reader().get("/lien-he/").text


def test_a_database_without_the_table_yet_leaves_the_save_alone(
    in_database, make_article, caplog
):
    """Mid-migration (the table not made yet) a save still commits: the page
    generation is not moved, and the transaction goes on."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Generation._meta, "db_table", "pages_generation_missing")
        generations._bump(None)
    assert "not marked stale" in caplog.text
    assert make_article(title="Sau đó").pk


SAVE = """
from articles.models import Article
article = Article.objects.get(slug="{slug}")
article.title = "Tin sửa ở tiến trình khác"
article.save()
print(article.get_absolute_url())
"""


def fetch(url):
    request = urllib.request.Request(
        url, headers={"User-Agent": PHONE_UA, "Connection": "close"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


@pytest.mark.gunicorn
def test_two_workers_without_redis_serve_a_saved_change_at_once(tmp_path):
    env = deployed_env(
        tmp_path,
        free_port(),
        DJANGO_SECRET_KEY="workers-test-" + "k" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="1",
    )
    manage(
        env,
        ["migrate", "--no-input"],
        ["load_demo"],
        ["collectstatic", "--no-input"],
    )
    server = Gunicorn(env, tmp_path)
    try:
        # Both workers keep the home page (each connection goes to either).
        for _ in range(20):
            home = fetch(server.base + "/")
            assert "Tin sửa ở tiến trình khác" not in home
        slug = re.search(r'href="/bai-viet/([^/"]+)/"', home)[1]
        # A third process saves: a command, db_worker, or the other worker.
        saved = shell(env, SAVE.format(slug=slug))
        assert "/bai-viet/" in saved
        for _ in range(20):
            assert "Tin sửa ở tiến trình khác" in fetch(server.base + "/")
    finally:
        server.stop()
