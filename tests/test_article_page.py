import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

import redisclient
from articles import viewbuffer, views
from articles.models import Article

from .browsing import PHONE_UA

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_it_shows_the_article_as_the_ward_portal_does(reader, make_article):
    article = make_article(
        title="Thường trực Đảng ủy phường làm việc với MTTQ",
        lead="Chiều ngày 20/1/2022, Thường trực Đảng ủy phường làm việc.",
        body="<p>Đoạn một.</p><p>1. Đối với MTTQ phường.</p>",
        published_at=datetime(2022, 1, 24, 10, 15, tzinfo=HANOI),
        view_count=74,
    )
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.text
    assert f"<title>{article.title} | Phường Phúc Lợi</title>" in page
    assert f'<h1 class="article-title">{article.title}</h1>' in page
    assert (
        'Ngày đăng 24/01/2022 | 10:15 | <span class="nowrap">Lượt xem: 75</span>'
        in page
    )
    assert (
        '<p class="article-lead">Chiều ngày 20/1/2022, Thường trực Đảng ủy phường '
        "làm việc.</p>" in page
    )
    assert "<p>Đoạn một.</p><p>1. Đối với MTTQ phường.</p>" in page
    assert ">Công tác Đảng</a></p>" in page


def test_the_date_line_is_in_local_time(reader, make_article):
    # 23:30 UTC is already the next morning in Hà Nội.
    article = make_article(
        published_at=datetime(2022, 1, 23, 20, 5, tzinfo=ZoneInfo("UTC"))
    )
    response = reader.get(article.get_absolute_url())
    assert "Ngày đăng 24/01/2022 | 03:05 |" in response.text


def test_large_view_counts_are_grouped_the_vietnamese_way(reader, make_article):
    article = make_article(view_count=1203)
    response = reader.get(article.get_absolute_url())
    assert "Lượt xem: 1.204" in response.text


def test_it_lists_other_articles_of_the_category(
    reader, make_article, category, other_category
):
    article = make_article(title="Bài chính")
    sibling = make_article(title="Tin cùng chuyên mục")
    make_article(title="Tin chuyên mục khác", category=other_category)
    make_article(title="Bản nháp cùng chuyên mục", status=Article.Status.DRAFT)
    response = reader.get(article.get_absolute_url())
    assert list(response.context["other_articles"]) == [sibling]
    other = re.search(r'<section[^>]*"tin-khac">.*?</section>', response.text, re.S)
    assert ">Tin khác</h2>" in other[0]
    assert "Tin cùng chuyên mục" in other[0]
    assert "Tin chuyên mục khác" not in other[0]


def test_drafts_are_not_found(reader, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = reader.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_scheduled_articles_are_not_found_before_their_time(reader, make_article):
    article = make_article(published_at=timezone.now() + timedelta(minutes=5))
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_staff_see_drafts_only_as_previews_in_the_admin(client, writer, make_article):
    draft = make_article(
        status=Article.Status.DRAFT, title="Bản nháp xem trước", author=writer
    )
    client.force_login(writer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = client.get(f"/admin/articles/article/{draft.pk}/xem-truoc/")
    assert response.status_code == 200
    assert "Bản xem trước" in response.text
    assert "bạn đọc chưa xem được bài này (bản nháp)" in response.text


def test_staff_see_no_preview_note_on_published_articles(client, writer, make_article):
    article = make_article()
    client.force_login(writer)
    response = client.get(article.get_absolute_url())
    assert "Bản xem trước" not in response.text


def test_a_non_staff_account_cannot_preview_drafts(
    client, resident_account, make_article
):
    draft = make_article(status=Article.Status.DRAFT)
    client.force_login(resident_account)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_body_html_is_rendered_not_escaped_and_text_is_escaped(reader, make_article):
    article = make_article(
        title="Điểm <b>nóng</b> & tin nhanh",
        body="<p><strong>In đậm</strong></p>",
    )
    response = reader.get(article.get_absolute_url())
    assert "Điểm &lt;b&gt;nóng&lt;/b&gt; &amp; tin nhanh" in response.text
    assert "<p><strong>In đậm</strong></p>" in response.text


def test_it_runs_a_fixed_number_of_queries(
    reader, make_article, django_assert_num_queries
):
    article = make_article()
    for n in range(10):
        make_article(view_count=n + 1)
    # The view counted: in Redis when there is a buffer (none in the
    # database), else in the database (the total and today's row).
    stored = 0 if redisclient.enabled() else 2
    # Article with its category, the view, files, articles, newest, most
    # read (the last 30 days' sums, those articles, then all time), menu; and
    # for the page cache, when the ward's next scheduled article comes due.
    with django_assert_num_queries(9 + stored):
        reader.get(article.get_absolute_url())
    # The next reader gets the page kept: only the view is stored.
    with django_assert_num_queries(stored):
        Client(headers={"user-agent": PHONE_UA}).get(article.get_absolute_url())
    if redisclient.enabled():
        viewbuffer.fold_all()
    article.refresh_from_db()
    assert article.view_count == 2


def test_server_errors_get_a_vietnamese_page(make_article, reader):
    reader.raise_request_exception = False
    with mock.patch.object(
        views.ArticleDetailView, "get_context_data", side_effect=RuntimeError
    ):
        response = reader.get(make_article().get_absolute_url())
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.text
