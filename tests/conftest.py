"""Shared fixtures: the people who use the site, and articles to show them."""

import io
from datetime import date, time, timedelta
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

import redisclient
from articles import viewbuffer
from articles.models import Article, Category
from documents.models import Document, Issuer, Kind
from procedures.models import Procedure
from schedules.models import Entry
from wardnews import pagecache
from wards import hosts, roles
from wards.models import Membership, Ward

# Chromium for the browser tests, shared by every test module.
from .browsing import PHONE_UA, browser, new_context  # noqa: F401

# The task queue run by the test, and a real SMTP server on 127.0.0.1.
from .queueing import smtp_server, task_queue  # noqa: F401

# A Redis server of a test's own, to stall, kill or start without persistence.
from .throwaway_redis import throwaway_redis  # noqa: F401

SEED_FILE = (
    Path(__file__).resolve().parent.parent
    / "articles"
    / "demo"
    / "cong-tac-dang-2022-01-24.txt"
)


def views_of(article) -> int:
    """The article's stored total, once the views Redis holds (when there is a
    buffer, as in production) are folded in as `manage.py flush_views` does."""
    if redisclient.enabled():
        viewbuffer.fold_all()
    article.refresh_from_db()
    return article.view_count


REDIS_FOR_TESTS = "redis://127.0.0.1:6379/{db}"


def last_analyzed(table: str):
    """When PostgreSQL's planner statistics of the table were last made by
    an ANALYZE (None if never), read afresh (not the transaction's copy)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s",
            [table],
        )
        return cursor.fetchone()[0]


def redis_for_tests(db: int) -> str:
    """A Redis database of the tests' own, empty: its URL. `make test` starts
    a Redis at 127.0.0.1:6379 when none answers (`make redis`)."""
    url = REDIS_FOR_TESTS.format(db=db)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as error:
        pytest.fail(
            f"These tests need Redis at {url} ({error}): `make redis` starts one."
        )
    return url


@pytest.fixture
def reader():
    """An anonymous reader's browser."""
    return Client(headers={"user-agent": PHONE_UA})


# The second ward's host; "testserver", the test client's, is unclaimed and
# so the default ward's.
SECOND_HOST = "bode.localhost"


@pytest.fixture(autouse=True)
def fresh_ward_map():
    """Each test finds wards in its own database, not a map left over from
    the previous test's rolled-back rows, nor pages rendered from them."""
    hosts.clear()
    pagecache.clear_local()
    viewbuffer.clear_local()
    redisclient.wake()
    cache.clear()
    yield
    hosts.clear()
    pagecache.clear_local()
    # Never handed over into the next test's Redis.
    viewbuffer.clear_local()


@pytest.fixture
def ward(db):
    """The default ward, which the migration makes (and readers of any
    unclaimed host see)."""
    return hosts.default_ward()


@pytest.fixture
def second_ward(ward):
    """Another ward of the same installation, at bode.localhost (made after
    the default ward, which a flushed database has to make again first)."""
    return Ward.objects.update_or_create_for_host(SECOND_HOST, "Phường Bồ Đề")[0]


@pytest.fixture
def second_reader(second_ward):
    """A reader of the second ward's site."""
    return Client(headers={"user-agent": PHONE_UA}, HTTP_HOST=SECOND_HOST)


@pytest.fixture
def category(ward):
    category, _ = Category.objects.get_or_create(
        ward=ward,
        slug="cong-tac-dang",
        defaults={"name": "Công tác Đảng", "menu_order": 20},
    )
    return category


@pytest.fixture
def other_category(ward):
    category, _ = Category.objects.get_or_create(
        ward=ward, slug="thong-bao", defaults={"name": "Thông báo", "menu_order": 80}
    )
    return category


@pytest.fixture
def make_article(db, category):
    """Makes articles, published an hour ago unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("category", category)
        fields.setdefault("title", f"Bài viết số {n}")
        fields.setdefault("lead", f"Sapo của bài viết số {n}.")
        fields.setdefault("body", f"<p>Nội dung bài viết số {n}.</p>")
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
        return Article.objects.create(**fields)

    return make


def make_staff(username, ward, role=roles.WRITER):
    """A staff account working for the ward in the role (a writer unless
    told otherwise)."""
    user = User.objects.create_user(
        username, password="mat-khau-thu-nghiem", is_staff=True
    )
    Membership.objects.create(user=user, ward=ward, role=roles.role_group(role))
    return user


def article_form(category, step="_publish", **fields):
    """The admin's add-article form as staff fill it in, for the category,
    sent with the step's button ("Đăng bài" unless told; None: "Lưu")."""
    data = {
        "category": category.pk,
        "title": "Hội nghị Ban Chấp hành Đảng bộ phường",
        "slug": "",
        "lead": "Sáng nay, Đảng ủy phường tổ chức hội nghị.",
        "body": "<p>Hội nghị đã thống nhất các nội dung.</p>",
        "published_at_0": "24/01/2022",
        "published_at_1": "10:15",
        "author": "",
    }
    # The attachments inline's management form: no files.
    data.update({"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    if step:
        data[step] = ""
    data.update(fields)
    return data


@pytest.fixture
def writer(ward):
    """The default ward's writer (Phóng viên): drafts and submits."""
    return make_staff("phongvien", ward)


@pytest.fixture
def second_writer(second_ward):
    """A writer of the second ward only."""
    return make_staff("phongvienbode", second_ward)


@pytest.fixture
def ward_editor(ward):
    """The default ward's editor (Biên tập viên): approves and publishes."""
    return make_staff("bientapphuong", ward, role=roles.EDITOR)


@pytest.fixture
def editor(db):
    """The city's administrator (a superuser): may do everything."""
    return User.objects.create_superuser("bientapvien", password="mat-khau-thu-nghiem")


@pytest.fixture
def resident_account(db):
    """A logged-in account that is not staff."""
    return User.objects.create_user("cudan", password="mat-khau-thu-nghiem")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads land in a temporary folder, never in the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_bytes(size=(64, 48), colour=(200, 30, 30)):
    """A real PNG picture."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def make_document(ward):
    counter = iter(range(1, 100_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("ward", ward)
        fields.setdefault("number", f"{n}/QĐ-UBND")
        fields.setdefault("kind", Kind.QUYET_DINH)
        fields.setdefault("issuer", Issuer.UBND)
        fields.setdefault("issued_on", date(2026, 11, 1) - timedelta(days=n))
        fields.setdefault("summary", f"Về việc thứ {n} của phường")
        fields.setdefault("status", Document.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
        document = Document(**fields)
        document.full_clean()
        document.save()
        return document

    return make


@pytest.fixture
def make_entry(ward):
    """Makes entries, published an hour ago, on a day of this week unless
    told otherwise."""

    def make(**fields):
        fields.setdefault("ward", ward)
        fields.setdefault("day", timezone.localdate())
        fields.setdefault("start", time(8, 0))
        fields.setdefault("content", "Giao ban lãnh đạo UBND phường")
        fields.setdefault("status", Entry.Status.PUBLISHED)
        published_at = fields.pop("published_at", timezone.now() - timedelta(hours=1))
        entry = Entry.objects.create(**fields)
        Entry.objects.filter(pk=entry.pk).update(
            published_at=published_at, changed_at=fields.get("changed_at", published_at)
        )
        entry.refresh_from_db()
        return entry

    return make


@pytest.fixture
def make_procedure(db):
    """Makes procedures, published and shared unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("name", f"Thủ tục số {n}")
        fields.setdefault("field", "Hộ tịch")
        fields.setdefault("status", Procedure.Status.PUBLISHED)
        fields.setdefault("documents", "<ul><li>Tờ khai theo mẫu.</li></ul>")
        return Procedure.objects.create(**fields)

    return make
