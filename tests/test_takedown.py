"""Taking down what readers see asks first: "Gỡ bài" on the article form and
the "Gỡ…" list actions of articles, documents, procedures and the schedule
show what readers will lose, and only a second, deliberate POST takes it
down."""

import html
import re

import pytest
from django.test import Client
from reversion.models import Version

from articles.models import Article, ArticleEvent
from documents.models import Document
from organisation.models import Body
from procedures.models import Procedure
from schedules.models import Entry
from wards import roles

from .conftest import PHONE_UA, make_staff
from .test_newsroom import edit_form
from .test_page_cache import buffered  # noqa: F401
from .test_revisions import FormReader

ARTICLES = "/admin/articles/article/"


def change_url(article):
    return f"{ARTICLES}{article.pk}/change/"


def withdraw_url(article):
    return f"{ARTICLES}{article.pk}/go-bai/"


@pytest.fixture
def live(make_article):
    return make_article(title="Thông báo lịch cắt điện tháng 12", view_count=321)


@pytest.fixture
def as_editor(client, ward_editor):
    client.force_login(ward_editor)
    return client


def assert_csp_clean(html):
    """Nothing the site's CSP would block: no inline script, no style."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)


# "Gỡ bài" on the article's form.


def test_the_form_offers_gỡ_bài_as_a_way_to_a_confirmation(as_editor, live):
    page = as_editor.get(change_url(live)).text
    # Not a submit button next to "Lưu": a link to a page that asks.
    assert 'name="_withdraw"' not in page
    assert f'href="{withdraw_url(live)}"' in page
    assert "Gỡ bài" in page


def test_a_post_of_the_old_button_does_not_take_the_article_down(as_editor, live):
    as_editor.post(change_url(live), edit_form(live, step="_withdraw"))
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_the_confirmation_says_what_readers_will_lose(as_editor, live, reader):
    response = as_editor.get(withdraw_url(live))
    assert response.status_code == 200
    page = response.text
    assert "Gỡ bài khỏi trang?" in page
    assert "Thông báo lịch cắt điện tháng 12" in page
    assert "không tìm thấy" in page  # The article's address answers so.
    assert "trang chủ" in page and "tìm kiếm" in page and "RSS" in page
    assert "321" in page  # The views it has had.
    assert "đăng lại" in page  # Nothing is lost for staff.
    assert 'method="post"' in page
    assert 'value="Có, gỡ bài"' in page
    assert f'href="{change_url(live)}"' in page  # "Không, quay lại".
    assert_csp_clean(page)
    # Looking is not taking down.
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED
    assert reader.get(live.get_absolute_url()).status_code == 200


@pytest.mark.usefixtures("buffered")
def test_the_confirmation_counts_the_views_readers_were_shown(as_editor, live):
    """With Redis, views wait in the buffer before they are stored: the
    article's page counts them as it renders, and so does the confirmation."""
    for _ in range(3):  # Three readers.
        Client(headers={"user-agent": PHONE_UA}).get(live.get_absolute_url())
    live.refresh_from_db()
    assert live.view_count == 321  # Not stored yet.
    assert "đã có 324 lượt xem" in as_editor.get(withdraw_url(live)).text


def test_confirming_takes_it_down_as_the_step_did(as_editor, live, ward_editor, reader):
    response = as_editor.post(withdraw_url(live))
    assert response.status_code == 302
    assert response.url == change_url(live)
    live.refresh_from_db()
    assert live.status == Article.Status.WITHDRAWN
    assert reader.get(live.get_absolute_url()).status_code == 404
    event = ArticleEvent.objects.get(article=live)
    assert (event.user, event.status) == (ward_editor, Article.Status.WITHDRAWN)
    (version,) = Version.objects.get_for_object(live)
    assert version.revision.comment == "Gỡ bài"
    assert version.revision.user == ward_editor
    page = as_editor.get(response.url).text
    assert "Bài đã gỡ, bạn đọc không còn xem được." in page


def test_a_writer_cannot_take_down_by_crafted_request(client, writer, live):
    client.force_login(writer)
    assert client.get(withdraw_url(live)).status_code == 403
    assert client.post(withdraw_url(live)).status_code == 403
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_another_wards_editor_does_not_find_the_article(client, second_ward, live):
    client.force_login(make_staff("bientapbode", second_ward, role=roles.EDITOR))
    assert client.post(withdraw_url(live)).status_code == 404
    live.refresh_from_db()
    assert live.status == Article.Status.PUBLISHED


def test_an_article_not_on_the_site_has_nothing_to_take_down(as_editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    response = as_editor.post(withdraw_url(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    page = as_editor.get(response.url).text
    assert "Bài không hiện trên trang nên không có gì để gỡ." in page


# The "Gỡ…" list actions, of each kind.


@pytest.fixture
def published(ward, make_article, make_document, make_procedure, make_entry):
    """One thing readers see now, of each kind, with its list and action."""
    return {
        "articles": (
            ARTICLES,
            "withdraw",
            make_article(title="Tin cần gỡ"),
            Article.Status.WITHDRAWN,
        ),
        "documents": (
            "/admin/documents/document/",
            "withdraw",
            make_document(number="77/TB-UBND", summary="Về việc cần gỡ"),
            Document.Status.WITHDRAWN,
        ),
        "procedures": (
            "/admin/procedures/procedure/",
            "withdraw",
            make_procedure(ward=ward, name="Thủ tục cần gỡ"),
            Procedure.Status.WITHDRAWN,
        ),
        "schedules": (
            "/admin/schedules/entry/",
            "unpublish",
            make_entry(content="Giao ban cần gỡ"),
            Entry.Status.DRAFT,
        ),
        "organisation": (
            "/admin/organisation/body/",
            "withdraw",
            Body.objects.create(
                ward=ward, name="Hội Cựu chiến binh", status=Body.Status.PUBLISHED
            ),
            Body.Status.DRAFT,
        ),
    }


KINDS = ["articles", "documents", "procedures", "schedules", "organisation"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_take_down_action_asks_first(as_editor, published, kind):
    url, action, item, taken_down = published[kind]
    response = as_editor.post(url, {"action": action, "_selected_action": [item.pk]})
    assert response.status_code == 200
    page = response.text
    assert str(item) in page
    assert "Bạn đọc sẽ không còn" in page
    assert f'name="_selected_action" value="{item.pk}"' in page
    assert f'name="action" value="{action}"' in page
    assert_csp_clean(page)
    item.refresh_from_db()
    assert item.status != taken_down

    response = as_editor.post(
        url, {"action": action, "_selected_action": [item.pk], "post": "yes"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == taken_down


def test_nothing_left_to_take_down_says_so(as_editor, make_article):
    gone = make_article(status=Article.Status.WITHDRAWN)
    response = as_editor.post(
        ARTICLES, {"action": "withdraw", "_selected_action": [gone.pk]}, follow=True
    )
    assert "Các mục đã chọn đều đã gỡ: không có gì để gỡ." in response.text
    assert "Bạn đọc sẽ không còn" not in response.text


# A form's "Trạng thái" changed away from published: asked too.


class AdminForm(FormReader):
    """What a browser sends from any admin change form as shown."""

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.inside = dict(attrs).get("id", "").endswith("_form")
            return
        super().handle_starttag(tag, attrs)


def form_data(client, url) -> dict:
    reader = AdminForm()
    reader.feed(client.get(url).text)
    return reader.data


def hidden_inputs(page) -> dict:
    data = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page
    ):
        data.setdefault(html.unescape(name), []).append(html.unescape(value))
    return data


FORM_KINDS = ["documents", "procedures", "schedules", "organisation"]


@pytest.mark.parametrize("kind", FORM_KINDS)
def test_a_form_saved_with_the_item_taken_down_asks_first(as_editor, published, kind):
    url, _, item, taken_down = published[kind]
    change = f"{url}{item.pk}/change/"
    data = {**form_data(as_editor, change), "status": taken_down}
    response = as_editor.post(change, data)
    assert response.status_code == 200
    page = response.text
    assert "Bạn đọc sẽ không còn" in page
    assert str(item) in page
    assert_csp_clean(page)
    item.refresh_from_db()
    assert item.status != taken_down

    confirmation = hidden_inputs(page)
    assert "status" not in confirmation  # The buttons say it.
    response = as_editor.post(change, {**confirmation, "status": taken_down})
    assert response.status_code == 302, response.context and (
        response.context["adminform"].form.errors
    )
    item.refresh_from_db()
    assert item.status == taken_down


def test_the_confirmation_can_save_the_rest_and_keep_it_on_the_site(
    as_editor, published, reader
):
    url, _, document, _ = published["documents"]
    change = f"{url}{document.pk}/change/"
    data = {
        **form_data(as_editor, change),
        "status": Document.Status.WITHDRAWN,
        "summary": "Về việc đã sửa trích yếu",
    }
    page = as_editor.post(change, data).text
    assert 'name="status" value="published"' in page  # "Lưu, giữ trên trang".
    response = as_editor.post(
        change, {**hidden_inputs(page), "status": Document.Status.PUBLISHED}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == Document.Status.PUBLISHED
    assert document.summary == "Về việc đã sửa trích yếu"


def test_a_form_that_keeps_the_item_published_does_not_ask(as_editor, published):
    url, _, document, _ = published["documents"]
    change = f"{url}{document.pk}/change/"
    data = {**form_data(as_editor, change), "summary": "Về việc khác"}
    assert as_editor.post(change, data).status_code == 302
    document.refresh_from_db()
    assert document.summary == "Về việc khác"
