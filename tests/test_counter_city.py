"""The counter at city scale: views stored a batch of articles at a time
(models.store_views), each day's row carrying its article's ward, and
saves of the articles meanwhile neither undoing them nor deadlocking.

bench/counter_city.py measures how fast; these check that it stays exact."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

import redisclient
from articles import models, viewbuffer
from articles.models import Article, Category, DailyViews, store_views
from wards.models import Ward

from .conftest import article_form
from .test_page_cache import buffered  # noqa: F401


def day_rows(articles, day):
    rows = DailyViews.objects.filter(article__in=articles, day=day)
    return {row.article_id: (row.views, row.ward_id) for row in rows}


def test_a_flush_of_many_articles_stores_each_ones_views_exactly(
    monkeypatch, make_article, second_ward
):
    """Seven articles in batches of three, in two wards, one deleted while
    its views waited: every other total and day row takes exactly its views,
    the rows carry their articles' wards, and the deleted one gets nothing."""
    monkeypatch.setattr(models, "STORE_BATCH", 3)
    other = Category.objects.filter(ward=second_ward).first()
    articles = [
        make_article(view_count=10 * n, **({"category": other} if n % 2 else {}))
        for n in range(7)
    ]
    gone = articles.pop(3)
    today = timezone.localdate()
    store_views({articles[0].pk: 2}, today)  # Today's row exists already.
    counts = {article.pk: n + 1 for n, article in enumerate(articles)}
    counts[gone.pk] = 5
    gone.delete()

    totals = store_views(counts, today)

    expected = {a.pk: a.view_count + counts[a.pk] for a in articles}
    expected[articles[0].pk] += 2
    assert totals == expected
    assert dict(
        Article.objects.filter(pk__in=counts).values_list("pk", "view_count")
    ) == (expected)
    assert day_rows(articles, today) == {
        a.pk: (counts[a.pk] + (2 if a == articles[0] else 0), a.ward_id)
        for a in articles
    }
    assert not DailyViews.objects.filter(article_id=gone.pk).exists()


def test_a_batch_never_overflows_an_article_that_ran_away(make_article):
    """One article at the cap among others: it stays at the cap, the others
    are stored as usual."""
    runaway = make_article(view_count=models.MAX_VIEW_COUNT - 1)
    usual = make_article(view_count=4)
    totals = store_views({runaway.pk: 10, usual.pk: 3}, timezone.localdate())
    assert totals == {runaway.pk: models.MAX_VIEW_COUNT, usual.pk: 7}


@pytest.mark.django_db(transaction=True)
def test_flushes_of_the_same_articles_at_once_never_deadlock_nor_lose_a_view():
    """Two flushers (and the views stored one at a time without a buffer)
    storing batches of the same articles at once, in opposite orders of the
    dict: every view is kept, and no batch waits for the other forever."""
    ward = Ward.objects.update_or_create_for_host("demkhoi.localhost", "Phường Đếm")[0]
    category = Category.objects.filter(ward=ward).first()
    articles = Article.objects.bulk_create(
        Article(category=category, ward=ward, title=f"Bài {n}", slug=f"bai-{n}")
        for n in range(40)
    )
    ids = [article.pk for article in articles]
    rounds, start = 15, threading.Barrier(3)
    today = timezone.localdate()

    def flush(order):
        try:
            start.wait()
            for _ in range(rounds):
                store_views(dict.fromkeys(order, 1), today)
        finally:
            connection.close()

    def one_by_one():
        try:
            start.wait()
            for _ in range(rounds):
                for pk in ids[::7]:
                    store_views({pk: 1}, today)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(flush, ids),
            pool.submit(flush, ids[::-1]),
            pool.submit(one_by_one),
        ]
        for job in jobs:
            job.result(timeout=120)

    expected = 2 * rounds * len(ids) + rounds * len(ids[::7])
    assert Article.objects.aggregate(n=Sum("view_count"))["n"] == expected
    assert DailyViews.objects.aggregate(n=Sum("views"))["n"] == expected


def test_each_day_row_carries_its_articles_ward(make_article, second_ward):
    """However a day's row is made: saved one by one (tests, the admin), in
    bulk (generate_articles, the demo) or by the counter."""
    here = make_article()
    there = make_article(category=Category.objects.filter(ward=second_ward).first())
    today = timezone.localdate()
    DailyViews.objects.create(article=here, day=today, views=1)
    DailyViews.objects.bulk_create(
        [
            DailyViews(article=there, day=today - timedelta(days=n), views=1)
            for n in (1, 2)
        ]
    )
    store_views({there.pk: 1}, today)
    assert sorted(DailyViews.objects.values_list("article_id", "ward_id")) == sorted(
        [(here.pk, here.ward_id)] + [(there.pk, second_ward.pk)] * 3
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_days_kept_before_it_their_wards():
    wards = [
        Ward.objects.update_or_create_for_host(host, name)[0]
        for host, name in (
            ("truoc.localhost", "Phường Trước"),
            ("sau.localhost", "Phường Sau"),
        )
    ]
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0017_article_credit")])
    old = executor.loader.project_state(("articles", "0017_article_credit")).apps
    made = []
    for ward in wards:
        category = old.get_model("articles", "Category").objects.get(
            ward_id=ward.pk, slug="tin-tuc-su-kien"
        )
        article = old.get_model("articles", "Article").objects.create(
            ward_id=ward.pk, category=category, title=ward.name, slug="bai"
        )
        old.get_model("articles", "DailyViews").objects.create(
            article=article, day=timezone.localdate(), views=3
        )
        made.append((article.pk, ward.pk))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(DailyViews.objects.values_list("article_id", "ward_id")) == made


# Saves and flushes: the counter is the one writer of the totals -----------


def _flush_in_another_connection(counts):
    """store_views() committing from a connection of its own, as flush_views
    does while a request holds the article."""
    thread = threading.Thread(
        target=lambda: (
            store_views(counts, timezone.localdate()),
            connection.close(),
        )
    )
    thread.start()
    thread.join(30)


@pytest.mark.django_db(transaction=True)
def test_saving_an_article_keeps_the_views_stored_since_it_was_read(make_article):
    """The admin reads the article at the start of a POST, then cleans the
    body, validates and saves: views a flush stores meanwhile (a hot article
    corrected during breaking news) are kept, and the total still adds up
    with the days."""
    article = make_article()
    staffs_copy = Article.objects.get(pk=article.pk)  # The admin's get_object.
    _flush_in_another_connection({article.pk: 50})
    staffs_copy.title = "Đính chính: lịch tiếp công dân"
    staffs_copy.save()
    assert staffs_copy.view_count == 50
    article.refresh_from_db()
    assert article.title == "Đính chính: lịch tiếp công dân"
    daily = DailyViews.objects.filter(article=article).values_list("views", flat=True)
    assert sum(daily) == 50
    assert article.view_count == 50


@pytest.mark.django_db(transaction=True)
def test_an_editors_save_in_the_admin_keeps_views_counted_meanwhile(
    ward_editor, category, make_article
):
    """The same through the admin: views stored while the POST is handled
    (here, as the body is cleaned) are still counted after it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets no flush write while the admin's save is open.")
    article = make_article(title="Thông báo lịch cắt điện")
    editor = Client()
    editor.force_login(ward_editor)
    original = Article.normalise
    flushed = []

    def normalise_while_a_flush_lands(self):
        if not flushed:  # The form's cleaning; the save normalises again.
            flushed.append(True)
            _flush_in_another_connection({article.pk: 7})
        return original(self)

    form = article_form(category, step=None, title="Thông báo lịch cắt điện (sửa)")
    with mock.patch.object(Article, "normalise", normalise_while_a_flush_lands):
        response = editor.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content[:3000]
    article.refresh_from_db()
    assert article.title == "Thông báo lịch cắt điện (sửa)"
    assert article.view_count == 7


@pytest.mark.django_db(transaction=True)
def test_pinning_an_article_while_its_views_are_flushed_does_not_deadlock(
    make_article,
):
    """A flush locks its articles in id order; pinning an article ("tin nổi
    bật") writes it and unpins the ward's previous one. An editor pinning
    the newer article while a flush stores views of both (a pinned article
    is among the most read) must not deadlock with it: both the pin and the
    views are stored, neither refused by PostgreSQL."""
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
        except Exception as error:  # noqa: BLE001 - what the test looks for
            errors.append(f"the editor's save: {error!r}")
        finally:
            connection.close()

    def flush():
        try:
            store_views({pinned.pk: 1, new.pk: 1}, timezone.localdate())
        except Exception as error:  # noqa: BLE001 - what the test looks for
            errors.append(f"the flush: {error!r}")
        finally:
            connection.close()

    with mock.patch.object(Article, "_after_save", after_save_a_moment_later):
        editor = threading.Thread(target=pin)
        editor.start()
        assert saved.wait(10)
        flusher = threading.Thread(target=flush)
        flusher.start()
        # The flush waits for the editor's locks (or would hold the old
        # pinned article and wait for the new one).
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


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("buffered")
@pytest.mark.parametrize("bad_id", ["abc", "1.5", ""], ids=repr)
def test_a_flush_skips_what_cannot_be_an_articles_views_and_stores_the_rest(
    make_article, bad_id
):
    """One field of the day's pending hash that is not an article id (a
    stray HINCRBY from a script or another tool, a corrupted restore) does
    not stop every flush from then on: it is skipped, the other articles'
    views are stored and the batch goes."""
    buffer = redisclient.client()
    article = make_article()
    key = viewbuffer.pending_key()
    buffer.hincrby(key, article.pk, 3)
    buffer.hincrby(key, bad_id, 2)
    viewbuffer.fold_all()
    article.refresh_from_db()
    assert article.view_count == 3
    # And the next flush has nothing left over to choke on.
    viewbuffer.fold_all()
    assert not list(buffer.scan_iter(match="wn:views:*"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("buffered")
@pytest.mark.parametrize("views", ["3000000000", "99999999999999999999", "x"])
def test_a_flush_caps_a_huge_count_and_skips_a_bad_one(make_article, views):
    """HINCRBY keeps 64-bit counts; the day's row and the total are capped at
    MAX_VIEW_COUNT. A count past that is capped and one that is not a number
    skipped: neither fails the batch, and every later one, for good."""
    buffer = redisclient.client()
    article, other = make_article(), make_article()
    key = viewbuffer.pending_key()
    buffer.hset(key, article.pk, views)
    buffer.hincrby(key, other.pk, 4)
    viewbuffer.fold_all()
    other.refresh_from_db()
    assert other.view_count == 4
    assert DailyViews.objects.get(article=other).views == 4
    article.refresh_from_db()
    assert article.view_count == (0 if views == "x" else models.MAX_VIEW_COUNT)
