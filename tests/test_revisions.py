"""Article revisions: every save keeps one; staff see them under "Lịch sử",
compare two and restore one, without ever publishing by restoring."""

from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from reversion.models import Version

from articles.admin import ArticleAdmin
from articles.models import Article
from articles.revisions import (
    article_revision,
    save_comment,
    set_revision_comment,
    text_paragraphs,
)

from .conftest import make_staff, png_bytes
from .test_newsroom import edit_form

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN = "/admin/articles/article/"


def at(day, hour=8, minute=5):
    """A moment of February 2025, Hà Nội time."""
    return datetime(2025, 2, day, hour, minute, tzinfo=HANOI)


def history_url(article):
    return f"{ADMIN}{article.pk}/history/"


def compare_url(article, older, newer):
    return f"{ADMIN}{article.pk}/history/compare/?from={older.pk}&to={newer.pk}"


def restore_url(article, version):
    return f"{ADMIN}{article.pk}/history/{version.pk}/restore/"


def keep(article, user=None, comment="", when=None, **fields):
    """Change the article, save it as a revision (of that date), and return
    the revision's version of it."""
    for name, value in fields.items():
        setattr(article, name, value)
    with article_revision(user, comment):
        if when:
            reversion.set_date_created(when)
        article.save()
    return versions_of(article)[-1]


def versions_of(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


class FormReader(HTMLParser):
    """What a browser would send from the admin's article form as shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self.inside, self.field, self.select = {}, False, None, None

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "article_form"
        if not self.inside or "disabled" in attrs:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and attrs.get("name"):
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.add(attrs["name"], attrs.get("value", default))
        elif tag == "textarea":
            self.field = [attrs["name"], ""]
        elif tag == "select":
            self.select = {"name": attrs["name"], "first": None, "chosen": False}
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.add(self.select["name"], value)
                self.select["chosen"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.field:
            self.add(*self.field)
            self.field = None
        elif tag == "select" and self.select:
            if not self.select["chosen"] and self.select["first"] is not None:
                self.add(self.select["name"], self.select["first"])
            self.select = None

    def handle_data(self, data):
        if self.field:
            self.field[1] += data


def submit(client, url, **changes):
    """Open the admin form at url, change some fields, save it."""
    page = client.get(url)
    assert page.status_code == 200
    reader = FormReader()
    reader.feed(page.text)
    data = {**reader.data, **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and (
        response.context["adminform"].form.errors
    )
    return response


@pytest.fixture
def article(make_article, writer):
    return make_article(
        title="Lịch tiếp công dân tháng 2",
        lead="Lịch tiếp công dân của phường.",
        body="<p>Đoạn một.</p><p>Đoạn hai cũ.</p>",
        status=Article.Status.DRAFT,
        author=writer,
    )


@pytest.fixture
def staff_client(client, ward_editor):
    client.force_login(ward_editor)
    return client


# Making revisions.


def test_each_admin_save_keeps_a_revision_with_who_and_when(
    staff_client, ward_editor, category
):
    submit(
        staff_client,
        f"{ADMIN}add/",
        category=str(category.pk),
        title="Thông báo thu thuế",
        lead="Phường thông báo lịch thu thuế.",
        body="<p>Nội dung thông báo.</p>",
    )
    article = Article.objects.get()
    submit(staff_client, f"{ADMIN}{article.pk}/change/", title="Thông báo thu phí")

    first, second = versions_of(article)
    assert first.field_dict["title"] == "Thông báo thu thuế"
    assert second.field_dict["title"] == "Thông báo thu phí"
    for version in (first, second):
        assert version.revision.user == ward_editor
        assert timezone.now() - version.revision.date_created < timedelta(minutes=1)
    assert first.revision.comment.startswith("Tạo bài viết")
    assert "sửa tiêu đề" in second.revision.comment.lower()


def test_a_workflow_step_names_the_revision(staff_client, article, monkeypatch):
    # As ArticleAdmin's workflow buttons do: say the step in save_model().
    def save_model(self, request, obj, form, change):
        set_revision_comment("Gửi duyệt")
        return original(self, request, obj, form, change)

    original = ArticleAdmin.save_model
    monkeypatch.setattr(ArticleAdmin, "save_model", save_model)

    submit(staff_client, f"{ADMIN}{article.pk}/change/", lead="Sapo mới.")

    (version,) = versions_of(article)
    assert version.revision.comment == "Gửi duyệt; sửa sapo"


def test_a_list_action_keeps_a_revision_of_each_article(
    staff_client, ward_editor, make_article
):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(2)]
    response = staff_client.post(
        ADMIN, {"action": "publish", "_selected_action": [a.pk for a in drafts]}
    )
    assert response.status_code == 302
    for draft in drafts:
        (version,) = versions_of(draft)
        assert version.field_dict["status"] == Article.Status.PUBLISHED
        assert version.revision.user == ward_editor
        assert "trên danh sách bài viết" in version.revision.comment


def test_saves_outside_a_request_keep_a_revision_inside_the_helper(article):
    article.save()
    assert versions_of(article) == []
    with article_revision(comment="Nhập từ tệp lich-tiep-dan.txt"):
        article.save()
    (version,) = versions_of(article)
    assert version.revision.user is None
    assert version.revision.comment == "Nhập từ tệp lich-tiep-dan.txt"


def test_the_comment_says_the_step_then_what_the_form_changed():
    changed = [{"changed": {"fields": ["Tiêu đề", "Nội dung"]}}]
    assert save_comment(False, "Gửi duyệt", changed) == (
        "Gửi duyệt; sửa tiêu đề, nội dung"
    )
    assert save_comment(True, "", [{"added": {}}]) == "Tạo bài viết"
    assert save_comment(True, "Gửi duyệt", []) == "Tạo bài viết; gửi duyệt"
    assert save_comment(False, "", []) == ""  # No revision.


# The history.


def test_the_history_lists_revisions_newest_first(
    staff_client, article, writer, ward_editor
):
    keep(article, writer, "Tạo bài viết", at(1))
    keep(article, writer, "Gửi duyệt", at(2, 9, 30), status=Article.Status.REVIEW)
    keep(
        article,
        ward_editor,
        "Đăng bài",
        at(3, 14, 0),
        status=Article.Status.PUBLISHED,
        published_at=at(4, 7, 0),
        title="Lịch tiếp công dân tháng 2/2025",
    )

    page = staff_client.get(history_url(article)).text

    assert "Lịch sử bài viết" in page
    newest, middle, oldest = (
        page.index("03/02/2025 14:00"),
        page.index("02/02/2025 09:30"),
        page.index("01/02/2025 08:05"),
    )
    assert newest < middle < oldest
    for text in ["bientapphuong", "phongvien", "Gửi duyệt", "Đăng bài"]:
        assert text in page
    assert "Hẹn giờ 07:00 04/02/2025" in page  # Published for a later time then.
    assert "Chờ duyệt" in page and "Bản nháp" in page
    assert "So sánh hai bản đã chọn" in page
    # The newest is what the article holds now; the older ones can come back.
    assert page.count("Khôi phục bản này") == 2
    assert "Như nội dung hiện tại" in page


def test_an_article_published_now_is_published_in_the_history_not_scheduled(
    staff_client, make_article, writer
):
    """ "Đăng bài" sets the time as it saves, a moment after the revision
    began: that is publishing now, not for a later time."""
    waiting = make_article(
        title="Kế hoạch ra quân làm sạch đường phố",
        status=Article.Status.REVIEW,
        author=writer,
    )
    staff_client.post(f"{ADMIN}{waiting.pk}/change/", edit_form(waiting))
    waiting.refresh_from_db()
    assert waiting.status == Article.Status.PUBLISHED
    page = staff_client.get(history_url(waiting)).text
    assert "Hẹn giờ" not in page
    assert "Đã đăng" in page


def test_the_history_costs_the_same_queries_however_many_revisions(
    staff_client, article, writer
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(history_url(article)).status_code == 200
        return len(captured)

    for n in range(2):
        keep(article, writer, title=f"Tiêu đề {n}")
    few = queries()
    for n in range(5):
        keep(article, writer, title=f"Tiêu đề khác {n}")
    assert queries() == few


# Comparing.


def test_compare_marks_the_words_changed_in_a_paragraph(staff_client, article):
    before = keep(article, when=at(1))
    after = keep(article, when=at(2), body="<p>Đoạn một.</p><p>Đoạn hai mới.</p>")

    for url in [
        compare_url(article, before, after),
        compare_url(article, after, before),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200
        page = response.text
        assert page.index("Bản cũ: 01/02/2025") < page.index("Bản mới: 02/02/2025")
        assert (
            '<p class="revision-para revision-changed">'
            "Đoạn hai <del>cũ</del><ins>mới</ins>.</p>" in page
        )
        assert '<p class="revision-para">Đoạn một.</p>' in page
        assert "Không đổi: tiêu đề, sapo, chuyên mục" in page

    # "Xem thay đổi" beside a revision: against the one before it.
    page = staff_client.get(f"{ADMIN}{article.pk}/history/compare/?to={after.pk}")
    assert "Đoạn hai <del>cũ</del><ins>mới</ins>." in page.text


def test_compare_folds_long_runs_of_unchanged_paragraphs(staff_client, article):
    paragraphs = "".join(f"<p>Đoạn số {n}.</p>" for n in range(1, 9))
    before = keep(article, body=paragraphs)
    after = keep(article, body=paragraphs + "<p>Đoạn thêm vào.</p>")

    page = staff_client.get(compare_url(article, before, after)).text

    assert "… 7 đoạn không đổi …" in page
    assert "Đoạn số 8." in page
    assert "<ins>Đoạn thêm vào.</ins>" in page


def test_compare_shows_markup_in_the_text_as_text(staff_client, article):
    before = keep(article)
    after = keep(
        article,
        title="Tin <b>nóng</b>",
        body="<p>Đoạn một.</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    )

    page = staff_client.get(compare_url(article, before, after)).text

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "<ins>Tin &lt;b&gt;nóng&lt;/b&gt;</ins>" in page
    assert "<b>nóng" not in page


def test_the_body_is_compared_by_its_text_paragraphs():
    html = (
        "<p>Một <strong>hai</strong></p><ul><li>ba</li><li>bốn</li></ul>"
        '<p><img src="/media/uploads/cong.jpg" alt="Cổng phường"></p>'
        "<table><tr><td>a</td><td>b</td></tr></table><p>năm<br>sáu</p>"
    )
    assert text_paragraphs(html) == [
        "Một hai",
        "• ba",
        "• bốn",
        "[Ảnh: Cổng phường]",
        "a | b",
        "năm",
        "sáu",
    ]


# Restoring.


def test_restore_asks_first_and_a_get_changes_nothing(staff_client, article):
    old = keep(article, when=at(1))
    keep(article, title="Tiêu đề mới", body="<p>Đoạn mới.</p>")

    response = staff_client.get(restore_url(article, old))

    assert response.status_code == 200
    assert "Khôi phục bản ngày 01/02/2025 08:05" in response.text
    assert "<del>Tiêu đề mới</del>" in response.text or "<del>Tiêu đề mới" in (
        response.text
    )
    assert 'value="Khôi phục bản này"' in response.text
    assert "csrfmiddlewaretoken" in response.text
    article.refresh_from_db()
    assert article.title == "Tiêu đề mới"
    assert len(versions_of(article)) == 2


def test_restore_brings_back_the_words_and_keeps_the_publishing(
    staff_client, article, writer, ward_editor
):
    old = keep(article, writer, "Tạo bài viết", at(1))
    keep(
        article,
        ward_editor,
        "Đăng bài",
        at(2),
        title="Tiêu đề đã sửa",
        body="<p>Nội dung đã sửa.</p>",
        status=Article.Status.PUBLISHED,
        published_at=at(3, 7, 0),
        is_featured=True,
    )

    response = staff_client.post(restore_url(article, old))

    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}{article.pk}/change/"
    article.refresh_from_db()
    assert article.title == "Lịch tiếp công dân tháng 2"
    assert article.body == "<p>Đoạn một.</p><p>Đoạn hai cũ.</p>"
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == at(3, 7, 0)
    assert article.is_featured
    assert article.author == writer
    newest = versions_of(article)[-1]
    assert len(versions_of(article)) == 3
    assert newest.revision.user == ward_editor
    assert (
        newest.revision.comment == "Khôi phục bản ngày 01/02/2025 08:05 của phongvien"
    )
    follow = staff_client.get(response["Location"])
    assert "Đã khôi phục bản ngày 01/02/2025 08:05" in follow.text


def test_restoring_what_the_article_already_says_changes_nothing(staff_client, article):
    keep(article, title="Tiêu đề mới")
    same = keep(article, is_featured=True)

    page = staff_client.get(restore_url(article, same)).text
    assert "không có gì để khôi phục" in page
    assert 'value="Khôi phục bản này"' not in page
    response = staff_client.post(restore_url(article, same))

    assert response.status_code == 302
    assert len(versions_of(article)) == 2


def test_restoring_a_published_revision_does_not_publish(
    client, article, writer, ward_editor
):
    published = keep(article, ward_editor, "Đăng bài", status=Article.Status.PUBLISHED)
    keep(
        article,
        ward_editor,
        "Trả lại phóng viên",
        status=Article.Status.DRAFT,
        title="Bản nháp viết lại",
    )
    client.force_login(writer)

    page = client.get(restore_url(article, published))
    assert "Trạng thái: giữ Bản nháp (bản này: Đã đăng)" in page.text
    response = client.post(restore_url(article, published))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Lịch tiếp công dân tháng 2"
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published(article.ward).exists()


def test_a_writer_does_not_find_another_writers_draft_in_the_history(
    client, ward, writer, article
):
    old = keep(article, writer)
    new = keep(article, writer, title="Tiêu đề mới")
    client.force_login(make_staff("phongvien2", ward))

    response = client.get(history_url(article), follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Tiêu đề mới" not in response.text
    assert client.get(compare_url(article, old, new)).status_code == 404
    assert client.get(restore_url(article, old)).status_code == 404
    assert client.post(restore_url(article, old)).status_code == 404


def test_a_writer_cannot_restore_another_writers_article(
    client, ward, writer, article, settings
):
    settings.WRITERS_SEE_COLLEAGUES_DRAFTS = True  # Read only.
    old = keep(article, writer)
    keep(article, writer, title="Tiêu đề mới")
    client.force_login(make_staff("phongvien2", ward))

    assert client.get(restore_url(article, old)).status_code == 403
    assert client.post(restore_url(article, old)).status_code == 403
    article.refresh_from_db()
    assert article.title == "Tiêu đề mới"
    # They may read its history, without a way to restore.
    page = client.get(history_url(article))
    assert page.status_code == 200
    assert "Khôi phục bản này" not in page.text


def test_staff_of_another_ward_do_not_find_the_article(
    client, second_writer, article, writer
):
    old = keep(article, writer)
    new = keep(article, writer, title="Tiêu đề mới")
    client.force_login(second_writer)

    # The history answers as the change form does: "not found" on the index.
    response = client.get(history_url(article), follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Tiêu đề mới" not in response.text
    assert client.get(compare_url(article, old, new)).status_code == 404
    assert client.get(restore_url(article, old)).status_code == 404
    assert client.post(restore_url(article, old)).status_code == 404
    article.refresh_from_db()
    assert article.title == "Tiêu đề mới"


def test_a_version_of_another_article_is_not_found(staff_client, article, make_article):
    other = make_article(title="Bài khác")
    other_version = keep(other)
    keep(article)

    assert staff_client.get(restore_url(article, other_version)).status_code == 404
    assert staff_client.post(restore_url(article, other_version)).status_code == 404
    assert (
        staff_client.get(
            f"{ADMIN}{article.pk}/history/compare/?to={other_version.pk}"
        ).status_code
        == 404
    )


def test_restore_needs_the_form_token(ward_editor, article):
    old = keep(article)
    keep(article, title="Tiêu đề mới")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ward_editor)

    assert browser.post(restore_url(article, old)).status_code == 403
    article.refresh_from_db()
    assert article.title == "Tiêu đề mới"


def test_restore_keeps_the_current_picture_when_the_old_one_is_gone(
    staff_client, article
):
    old = keep(
        article,
        featured_image=SimpleUploadedFile("cu.png", png_bytes()),
        featured_image_alt="Ảnh cũ",
    )
    old_file = article.featured_image
    keep(
        article,
        title="Tiêu đề mới",
        featured_image=SimpleUploadedFile("moi.png", png_bytes(colour=(0, 0, 200))),
        featured_image_alt="Ảnh mới",
    )
    new_name = article.featured_image.name
    old_file.storage.delete(old_file.name)

    page = staff_client.get(restore_url(article, old)).text
    assert "Ảnh đại diện của bản này không còn trên máy chủ" in page
    staff_client.post(restore_url(article, old))

    article.refresh_from_db()
    assert article.title == "Lịch tiếp công dân tháng 2"
    assert article.featured_image.name == new_name
    assert article.featured_image_alt == "Ảnh mới"


def test_deleted_articles_cannot_be_recovered_from_revisions(staff_client, article):
    keep(article)
    with pytest.raises(NoReverseMatch):
        reverse("admin:articles_article_recoverlist")
    assert staff_client.get(f"{ADMIN}recover/").status_code != 200


def test_huge_repetitive_bodies_are_compared_without_difflib(monkeypatch):
    """A writer's 24 KB of "a b a b…" against "b a b a…" held a worker for
    minutes in difflib; past a size the cheap outline is shown instead."""
    import difflib

    from articles import revisions

    calls = []
    real = difflib.SequenceMatcher

    class Watched(real):
        def get_opcodes(self):
            calls.append(len(self.a) + len(self.b))
            return super().get_opcodes()

        def ratio(self):
            calls.append(len(self.a) + len(self.b))
            return super().ratio()

    monkeypatch.setattr(revisions, "SequenceMatcher", Watched)
    old = "<p>Mở đầu.</p><p>" + "a b " * 3000 + "</p><p>Kết.</p>"
    new = "<p>Mở đầu.</p><p>" + "b a " * 3000 + "c</p><p>Kết.</p>"
    shown = str(revisions.body_diff(old, new))
    assert "Mở đầu." in shown and "Kết." in shown
    assert "<del>" in shown and "<ins>" in shown
    assert all(size <= revisions.MAX_DIFF_ITEMS for size in calls), calls


# No false or empty revisions.


@pytest.fixture
def live_to_the_second(make_article, writer):
    """A published article whose time has seconds, as one published with
    "Đăng bài" (at that moment) has: the form shows it to the minute."""
    return make_article(
        title="Lịch tiếp công dân tháng 2",
        published_at=at(3, 23, 43).replace(second=27, microsecond=512000),
        author=writer,
    )


def test_save_and_preview_of_an_unchanged_article_keeps_no_revision(
    staff_client, live_to_the_second
):
    article = live_to_the_second
    url = f"{ADMIN}{article.pk}/change/"
    submit(staff_client, url, _preview="Lưu và xem trước")
    submit(staff_client, url, _continue="Lưu")
    assert versions_of(article) == []
    submit(staff_client, url, title="Lịch tiếp công dân tháng 3")
    (version,) = versions_of(article)
    assert version.revision.comment == "Sửa tiêu đề"


def test_a_save_keeps_the_publish_time_to_the_second(staff_client, live_to_the_second):
    article = live_to_the_second
    before = article.published_at
    url = f"{ADMIN}{article.pk}/change/"
    submit(staff_client, url, title="Lịch tiếp công dân tháng 3")
    submit(staff_client, url, lead="Sapo đã sửa.")
    article.refresh_from_db()
    assert article.published_at == before
    first, second = versions_of(article)
    page = staff_client.get(compare_url(article, first, second)).text
    assert "Thời gian đăng" not in page.split("Không đổi:")[0]
    assert "23:43 → " not in page


def test_a_time_changed_to_another_minute_is_a_change(staff_client, live_to_the_second):
    article = live_to_the_second
    submit(staff_client, f"{ADMIN}{article.pk}/change/", published_at_1="23:44")
    article.refresh_from_db()
    assert timezone.localtime(article.published_at).minute == 44
    (version,) = versions_of(article)
    assert version.revision.comment == "Sửa thời gian đăng"


def test_compare_shows_no_change_for_times_apart_by_seconds_only(staff_client, article):
    # Revisions saved before the form kept seconds: 23:43:27 and 23:43:00.
    first = keep(article, published_at=at(3, 23, 43).replace(second=27))
    second = keep(article, published_at=at(3, 23, 43), title="Tiêu đề mới")
    page = staff_client.get(compare_url(article, first, second)).text
    changed = page.split("Không đổi:")[0]
    assert "Tiêu đề" in changed
    assert "Thời gian đăng" not in changed
