"""Views kept per day, and the "Tin đọc nhiều" and "Tin mới" blocks."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

import redisclient
from articles import blocks, viewbuffer
from articles.counting import increment_view_count
from articles.models import Article, Category, DailyViews
from wards.hosts import default_ward

DATETIME_ATTRIBUTE = re.compile(r'<time[^>]* datetime="([^"]*)"')


def read(article, views, days_ago=0):
    """Views of the article on a day, as the counter would have kept them."""
    day = timezone.localdate() - timedelta(days=days_ago)
    DailyViews.objects.create(article=article, day=day, views=views)
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + views)


def block(page, block_id):
    """The HTML of the page's section labelled by block_id, or None."""
    found = re.search(
        rf'<section[^>]* aria-labelledby="{block_id}">.*?</section>', page, re.S
    )
    return found and found[0]


def titles(articles):
    return [article.title for article in articles]


# The counter: the total and the days, together.


@pytest.mark.django_db(transaction=True)
def test_the_days_add_up_to_the_total_under_concurrent_views():
    """500 views at once on an article imported with 75: the total and
    today's row both take every one of them."""
    category = Category.objects.create(
        ward=default_ward(), name="Đếm theo ngày", slug="dem-theo-ngay"
    )
    article = Article.objects.create(
        category=category, title="Bài đọc nhiều", status="published", view_count=75
    )
    threads, per_thread = 20, 25
    start = threading.Barrier(threads)

    def view_many():
        try:
            start.wait()
            for _ in range(per_thread):
                increment_view_count(Article(pk=article.pk))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for result in [pool.submit(view_many) for _ in range(threads)]:
            result.result()

    article.refresh_from_db()
    assert article.view_count == 75 + 500
    assert sum(article.daily_views.values_list("views", flat=True)) == 500


def test_a_view_counts_on_the_wards_day_not_utcs(reader, make_article):
    article = make_article(published_at=datetime(2025, 3, 1, tzinfo=UTC))
    # 23:30 in Hà Nội is 16:30 UTC, the same day; 00:30 in Hà Nội is still
    # the evening before in UTC.
    late_evening = datetime(2025, 3, 10, 16, 30, tzinfo=UTC)
    after_midnight = datetime(2025, 3, 10, 17, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_evening):
        reader.get(article.get_absolute_url())
    with mock.patch("django.utils.timezone.now", return_value=after_midnight):
        reader.cookies.clear()
        reader.get(article.get_absolute_url())
        increment_view_count(article)
    viewbuffer.fold_all()  # Views buffered in Redis go on the day they came.
    assert list(article.daily_views.order_by("day").values_list("day", "views")) == [
        (date(2025, 3, 10), 1),
        (date(2025, 3, 11), 2),
    ]
    article.refresh_from_db()
    assert article.view_count == 3


def test_a_view_of_an_article_deleted_meanwhile_records_nothing(make_article):
    article = make_article(view_count=7)
    Article.objects.filter(pk=article.pk).delete()
    assert increment_view_count(article) == 7
    assert not DailyViews.objects.exists()


# Most read.


def test_most_read_orders_by_the_views_of_the_last_30_days(make_article):
    imported = make_article(title="Bài cũ nhiều lượt xem", view_count=1000)
    this_week = make_article(title="Bài đọc nhiều tuần này")
    read(this_week, 10, days_ago=3)
    month_edge = make_article(title="Bài đọc cuối tháng trước")
    read(month_edge, 3, days_ago=29)  # the 30th day of the window, today first
    read(month_edge, 500, days_ago=30)  # the day before the window
    last_season = make_article(title="Bài đọc mùa trước")
    read(last_season, 50, days_ago=45)
    make_article(title="Bài chưa ai đọc")

    # The window's views first; then, to fill up, the most read of all time;
    # never-read articles are not "most read".
    assert titles(blocks.most_read(imported.ward)) == [
        "Bài đọc nhiều tuần này",
        "Bài đọc cuối tháng trước",
        "Bài cũ nhiều lượt xem",
        "Bài đọc mùa trước",
    ]
    assert month_edge.daily_views.count() == 2


@pytest.fixture
def shared_ranking(settings):
    """As in production: a ward's ranking read once in a while per process."""
    settings.MOST_READ_RANKING_SECONDS = 15
    blocks.clear_local()
    yield
    blocks.clear_local()


def later(seconds):
    """This module's clock, that many seconds on (the rest of the process's
    left alone)."""
    moved = time.monotonic() + seconds
    return mock.patch.object(blocks, "time", mock.Mock(monotonic=lambda: moved))


def test_every_page_of_a_ward_shares_its_ranking_for_a_while(
    shared_ranking, make_article, second_ward, django_assert_num_queries
):
    """The window's ranking is the ward's, not the page's: read once, then
    for MOST_READ_RANKING_SECONDS every page of the ward (each leaving out
    its own article) is filled from it with two queries, whatever the
    ward's days. Views of that while show in the next ranking; a withdrawn
    article never shows."""
    first = make_article(title="Lịch tiêm chủng tháng 6")
    read(first, 10)
    second = make_article(title="Thông báo cắt điện")
    read(second, 5)
    ward = first.ward
    assert titles(blocks.most_read(ward)) == [first.title, second.title]
    with django_assert_num_queries(2):
        assert titles(blocks.most_read(ward, exclude=first)) == [second.title]
    # Another ward has a ranking of its own.
    other = make_article(
        title="Tin của phường Bồ Đề",
        category=Category.objects.filter(ward=second_ward).first(),
    )
    read(other, 1)
    assert blocks.window_ranking(second_ward) == {other.pk: 1}
    assert blocks.window_ranking(ward) == {first.pk: 10, second.pk: 5}

    read(second, 20, days_ago=1)  # Read a lot within the while...
    assert blocks.window_ranking(ward) == {first.pk: 10, second.pk: 5}
    with later(14):
        assert blocks.window_ranking(ward) == {first.pk: 10, second.pk: 5}
    with later(16), django_assert_num_queries(3):
        # ...and counted in the next ranking.
        assert titles(blocks.most_read(ward)) == [second.title, first.title]
    assert blocks.window_ranking(ward) == {first.pk: 10, second.pk: 25}

    first.status = Article.Status.WITHDRAWN
    first.save()
    assert titles(blocks.most_read(ward)) == [second.title]  # Gone at once.


def test_a_new_day_moves_the_window_at_once(shared_ranking, make_article):
    """Views of the day that leaves the window stop counting at midnight,
    not up to a minute later."""
    leaving = make_article(title="Đọc nhiều cách đây 29 ngày")
    read(leaving, 50, days_ago=29)
    staying = make_article(title="Đọc hôm qua")
    read(staying, 3, days_ago=1)
    ward = leaving.ward
    assert titles(blocks.most_read(ward))[0] == leaving.title
    tomorrow = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        # Out of the window: only the all-time fill lists it, after.
        assert titles(blocks.most_read(ward)) == [staying.title, leaving.title]


def test_views_on_several_days_are_summed(make_article):
    steady = make_article(title="Ngày nào cũng có người đọc")
    for days_ago in range(5):
        read(steady, 3, days_ago=days_ago)
    one_day = make_article(title="Một ngày đọc nhiều")
    read(one_day, 14)
    assert titles(blocks.most_read(steady.ward)) == [
        "Ngày nào cũng có người đọc",
        "Một ngày đọc nhiều",
    ]


def test_between_articles_read_as_often_lately_the_total_decides(make_article):
    """Thirty articles read once each this month, more than the block looks
    at first: those read most of all time come first, the newest do not."""
    for n in range(30):
        read(make_article(title=f"Bài {n}", view_count=100 - n), 1, days_ago=n % 7)
    assert titles(blocks.most_read(default_ward())) == [f"Bài {n}" for n in range(5)]


def test_a_full_window_needs_no_fallback(make_article):
    for n in range(6):
        read(make_article(title=f"Tin được đọc {n}"), 10 - n)
    make_article(title="Bài cũ nhiều lượt xem", view_count=100_000)
    assert titles(blocks.most_read(make_article().ward)) == [
        f"Tin được đọc {n}" for n in range(5)
    ]


def test_an_article_read_lately_is_listed_once(make_article):
    lately = make_article(title="Đọc nhiều gần đây", view_count=5000)
    read(lately, 2)
    make_article(title="Bài cũ 300 lượt xem", view_count=300)
    make_article(title="Bài cũ 20 lượt xem", view_count=20)
    assert titles(blocks.most_read(lately.ward)) == [
        "Đọc nhiều gần đây",
        "Bài cũ 300 lượt xem",
        "Bài cũ 20 lượt xem",
    ]


def test_the_current_article_is_left_out_of_both_lists(make_article):
    current = make_article(title="Bài đang đọc", view_count=900)
    read(current, 50)
    other = make_article(title="Bài khác", view_count=1)
    assert blocks.most_read(current.ward, exclude=current) == [other]
    assert blocks.most_read(current.ward, exclude=other) == [current]


def test_most_read_falls_back_to_all_time_when_no_day_was_kept(make_article):
    for views in [5, 50, 20]:
        make_article(title=f"Bài {views} lượt xem", view_count=views)
    assert titles(blocks.most_read(make_article().ward)) == [
        "Bài 50 lượt xem",
        "Bài 20 lượt xem",
        "Bài 5 lượt xem",
    ]


def test_only_the_wards_published_articles_are_listed(ward, second_ward, make_article):
    shown = make_article(title="Bài đã đăng", view_count=1)
    draft = make_article(title="Bản nháp", status=Article.Status.DRAFT)
    scheduled = make_article(
        title="Bài hẹn giờ", published_at=timezone.now() + timedelta(hours=1)
    )
    elsewhere = make_article(
        title="Tin phường Bồ Đề",
        category=Category.objects.get(ward=second_ward, slug="cong-tac-dang"),
    )
    for article in [draft, scheduled, elsewhere]:
        read(article, 1000)
        read(article, 1000, days_ago=60)

    assert blocks.most_read(ward) == [shown]
    assert blocks.newest(ward) == [shown]
    assert blocks.most_read(second_ward) == blocks.newest(second_ward) == [elsewhere]


def test_hidden_articles_are_on_no_page_of_the_ward(reader, second_ward, make_article):
    shown = make_article(title="Bài đã đăng", view_count=1)
    other = make_article(title="Bài khác đã đăng", view_count=2)
    hidden = [
        make_article(title="Bản nháp", status=Article.Status.DRAFT),
        make_article(
            title="Bài hẹn giờ", published_at=timezone.now() + timedelta(hours=1)
        ),
        make_article(
            title="Tin phường Bồ Đề",
            category=Category.objects.get(ward=second_ward, slug="cong-tac-dang"),
        ),
    ]
    for article in hidden:
        read(article, 1000)
    for url in ["/", shown.get_absolute_url(), other.get_absolute_url()]:
        page = reader.get(url).text
        for article in hidden:
            assert article.title not in page


# The blocks on the pages.


def test_the_home_page_adds_most_read_to_its_latest(reader, make_article):
    read(make_article(title="Bài đọc nhiều nhất"), 9)
    read(make_article(title="Bài đọc nhiều nhì"), 4)
    page = reader.get("/").text

    most_read = block(page, "tin-doc-nhieu")
    assert '<h2 id="tin-doc-nhieu" class="section-title">Tin đọc nhiều</h2>' in (
        most_read
    )
    assert '<ol class="article-links ranked">' in most_read
    assert most_read.index("Bài đọc nhiều nhất") < most_read.index("Bài đọc nhiều nhì")
    # The latest grid is the home page's "Tin mới": one such list, not two.
    assert page.count(">Tin mới</h2>") == 1
    assert page.index(">Tin mới</h2>") < page.index(">Tin đọc nhiều</h2>")


def test_the_article_page_has_newest_and_most_read_after_other_articles(
    reader, make_article, other_category
):
    article = make_article(title="Bài đang đọc")
    read(article, 100)  # the most read, but not listed on its own page
    sibling = make_article(title="Tin cùng chuyên mục")
    read(sibling, 5)
    notice = make_article(title="Thông báo lịch tiếp dân", category=other_category)
    read(notice, 8)

    response = reader.get(article.get_absolute_url())
    page = response.text

    assert titles(response.context["newest"]) == [sibling.title, notice.title]
    assert titles(response.context["most_read"]) == [notice.title, sibling.title]
    newest, most_read = block(page, "tin-moi"), block(page, "tin-doc-nhieu")
    assert ">Tin mới</h2>" in newest and "<ul" in newest
    assert ">Tin đọc nhiều</h2>" in most_read and "<ol" in most_read
    assert "Bài đang đọc" not in newest + most_read
    # One h1, then the h2 blocks in order, below the article.
    headings = re.findall(r"<(h[1-6])[^>]*>(.*?)</h[1-6]>", page)
    assert headings == [
        ("h1", "Bài đang đọc"),
        ("h2", "Tin khác"),
        ("h2", "Tin mới"),
        ("h2", "Tin đọc nhiều"),
    ]


def test_a_block_without_articles_is_left_out(reader, make_article):
    only = make_article()
    # Nothing read yet: no "Tin đọc nhiều" on the home page.
    assert block(reader.get("/").text, "tin-doc-nhieu") is None
    # The only article, now read, is not listed on its own page.
    page = reader.get(only.get_absolute_url()).text
    assert block(page, "tin-moi") is None
    assert block(page, "tin-doc-nhieu") is None


def test_block_dates_are_iso_8601_without_microseconds(reader, make_article):
    published_at = datetime(2022, 1, 24, 3, 15, 42, 123456, tzinfo=UTC)
    first = make_article(published_at=published_at, view_count=3)
    second = make_article(view_count=1)
    for url, block_id in [
        ("/", "tin-doc-nhieu"),
        (second.get_absolute_url(), "tin-moi"),
        (second.get_absolute_url(), "tin-doc-nhieu"),
    ]:
        html = block(reader.get(url).text, block_id)
        assert first.get_absolute_url() in html
        assert "2022-01-24T10:15:42+0700" in DATETIME_ATTRIBUTE.findall(html)
        assert "(24/01/2022)" in html


@override_settings(PAGE_CACHE=False)
@pytest.mark.parametrize("articles", [3, 15])
def test_the_pages_run_a_fixed_number_of_queries(
    reader, make_article, category, other_category, articles, django_assert_num_queries
):
    for n in range(articles):
        article = make_article(category=category if n % 2 else other_category)
        for days_ago in range(0, 40, 3):
            read(article, n + 1, days_ago=days_ago)
    # Latest articles, categories (menu and blocks), category blocks, most
    # read (the window's sums, those articles, of all time), newest
    # documents, the week's schedule.
    with django_assert_num_queries(8):
        reader.get("/")
    # Article with its category, the view (total, today's row: in the
    # database without a Redis buffer), files, other articles, newest, most
    # read (three), menu.
    with django_assert_num_queries(10 if not redisclient.enabled() else 8):
        reader.get(article.get_absolute_url())
