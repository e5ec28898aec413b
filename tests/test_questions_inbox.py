"""The ward's inbox in the admin: the list, its late marks and filters, the
counts on the index, the states' allowed moves, assigning, and who sees what:
editors their ward's items, writers what is assigned to them, other wards'
staff nothing, crafted URLs and POSTs included; a resident's personal data
and files for the ward's staff only."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions import handling
from questions.models import Status, Submission, SubmissionFile
from wards import roles
from wards.models import Membership

from .conftest import make_staff
from .inbox import (
    LIST,
    change_url,
    days_ago,
    editor_client_fixture,  # noqa: F401 - a fixture.
    item_form,
    make_item,
    smtp_server_fixture,  # noqa: F401 - a fixture.
)


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def outsider(second_ward):
    """An editor of the other ward."""
    return make_staff("bientapbode", second_ward, role=roles.EDITOR)


def test_the_list_shows_each_item_and_marks_the_late(editor_client, ward):
    fresh = make_item(ward, title="Đèn đường ngõ 12 hỏng", received_at=days_ago(1))
    late = make_item(ward, title="Rác tồn đọng ở chợ", received_at=days_ago(20))
    answered = make_item(
        ward, title="Giờ làm việc", received_at=days_ago(30), status=Status.ANSWERED
    )
    response = editor_client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    for item in (fresh, late, answered):
        assert item.code in page
    rows = {
        item.code: row
        for item in (fresh, late, answered)
        for row in re.findall(r"<tr.*?</tr>", page, re.S)
        if item.code in row
    }
    assert "Quá hạn" in rows[late.code]
    assert "Quá hạn" not in rows[fresh.code]
    assert "Quá hạn" not in rows[answered.code]
    # What waits comes first, the oldest at the top.
    assert page.index(late.code) < page.index(fresh.code) < page.index(answered.code)


def test_the_late_filter_and_the_state_filter(editor_client, ward):
    fresh = make_item(ward, received_at=days_ago(1))
    late = make_item(ward, received_at=days_ago(20))
    taken = make_item(ward, received_at=days_ago(20), status=Status.IN_PROGRESS)
    page = editor_client.get(LIST, {"han": "qua-han"}).content.decode()
    assert late.code in page and taken.code in page and fresh.code not in page
    page = editor_client.get(LIST, {"status__exact": "moi"}).content.decode()
    assert late.code in page and fresh.code in page and taken.code not in page


def test_the_admin_index_counts_new_and_late_items(editor_client, ward, second_ward):
    make_item(ward, received_at=days_ago(1))
    make_item(ward, received_at=days_ago(20))
    make_item(ward, status=Status.ANSWERED)
    make_item(second_ward)  # Not this editor's.
    response = editor_client.get("/admin/")
    assert "2 câu hỏi, phản ánh, góp ý mới" in response.content.decode()
    assert "1 quá hạn trả lời" in response.content.decode()


def test_a_writer_is_counted_only_what_is_assigned_to_them(writer_client, ward, writer):
    make_item(ward, assignee=writer)
    make_item(ward)
    page = writer_client.get("/admin/").content.decode()
    assert "1 câu hỏi, phản ánh, góp ý mới" in page


def test_staff_of_another_ward_see_nothing(client, ward, outsider):
    item = make_item(ward, title="Tiếng ồn karaoke ban đêm")
    client.force_login(outsider)
    page = client.get(LIST).content.decode()
    assert item.code not in page and "karaoke" not in page
    # Its form, history and a crafted change are "not found".
    response = client.get(change_url(item))
    assert response.status_code == 302
    assert client.get(f"{LIST}{item.pk}/history/").status_code in (302, 404)
    client.post(change_url(item), item_form(item, "_answer", answer="<p>Xong.</p>"))
    item.refresh_from_db()
    assert item.status == Status.NEW and item.answer == ""
    assert "0912" not in client.get("/admin/").content.decode()


def test_writers_see_and_work_only_what_is_assigned_to_them(
    writer_client, ward, writer
):
    mine = make_item(ward, title="Việc của tôi", assignee=writer)
    other = make_item(ward, title="Việc của người khác")
    page = writer_client.get(LIST).content.decode()
    assert mine.code in page and other.code not in page
    assert writer_client.get(change_url(other)).status_code == 302
    writer_client.post(change_url(other), item_form(other, "_take"))
    other.refresh_from_db()
    assert other.status == Status.NEW and other.assignee is None
    response = writer_client.post(
        change_url(mine), item_form(mine, "_answer", answer="<p>Mang CCCD.</p>")
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.ANSWERED and mine.answered_by == writer


def test_a_writer_cannot_publish_assign_or_rename_by_crafted_post(
    writer_client, ward, writer, ward_editor
):
    item = make_item(
        ward, assignee=writer, status=Status.ANSWERED, answer="<p>Trả lời.</p>"
    )
    response = writer_client.post(change_url(item), item_form(item, "_publish"))
    assert response.status_code == 403
    writer_client.post(
        change_url(item),
        item_form(
            item,
            assignee=ward_editor.pk,
            title="Tiêu đề khác",
            slug="dang-len",
            public_question="Khác",
        ),
    )
    item.refresh_from_db()
    assert item.status == Status.ANSWERED and item.assignee == writer
    assert item.title == "Hồ sơ đăng ký tạm trú cần những gì?" and item.slug == ""
    # An answer sent is the editor's to correct.
    writer_client.post(change_url(item), item_form(item, answer="<p>Sửa.</p>"))
    item.refresh_from_db()
    assert item.answer == "<p>Trả lời.</p>"


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Status.NEW, "_publish"),
        (Status.IN_PROGRESS, "_private"),
        (Status.ANSWERED, "_take"),
        (Status.ANSWERED, "_answer"),
        (Status.PUBLISHED, "_answer"),
        (Status.PUBLISHED, "_close"),
        (Status.PRIVATE, "_take"),
    ],
)
def test_only_allowed_moves_are_taken(editor_client, ward, status, step):
    item = make_item(
        ward, status=status, answer="<p>Trả lời.</p>", internal_note="Trùng lặp."
    )
    response = editor_client.post(
        change_url(item), item_form(item, step, title="Đổi"), follow=True
    )
    assert "Không thực hiện được" in response.content.decode()
    item.refresh_from_db()
    assert item.status == status and item.title != "Đổi"


def test_a_second_click_on_send_answers_once(
    editor_client, ward, smtp_server, django_capture_on_commit_callbacks
):
    item = make_item(ward)
    form = item_form(item, "_answer", answer="<p>Mang CCCD.</p>")
    with django_capture_on_commit_callbacks(execute=True):
        first = editor_client.post(change_url(item), form)
        second = editor_client.post(change_url(item), form, follow=True)
    assert first.status_code == 302
    assert "đang ở trạng thái “Đã trả lời”" in second.content.decode()
    assert len(smtp_server.messages) == 1


def test_the_state_is_never_taken_from_the_post(editor_client, ward):
    item = make_item(ward)
    editor_client.post(change_url(item), item_form(item, status=Status.PUBLISHED))
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_the_way_from_new_to_published(editor_client, ward, ward_editor):
    item = make_item(ward)
    editor_client.post(change_url(item), item_form(item, "_take"))
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.assignee == ward_editor
    editor_client.post(
        change_url(item), item_form(item, "_answer", answer="<p>Mang CCCD.</p>")
    )
    item.refresh_from_db()
    assert item.status == Status.ANSWERED and item.closed_at is not None
    response = editor_client.post(
        change_url(item),
        item_form(item, "_publish", public_question="Đăng ký tạm trú cần gì?"),
        follow=True,
    )
    assert "đã đăng công khai" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert item.slug == "ho-so-dang-ky-tam-tru-can-nhung-gi"
    assert item.published_at <= timezone.now()
    assert list(Submission.objects.published(ward)) == [item]
    # Kept private after all: gone from the public gate.
    editor_client.post(change_url(item), item_form(item, "_private"))
    item.refresh_from_db()
    assert item.status == Status.PRIVATE
    assert not Submission.objects.published(ward).exists()
    history = LogEntry.objects.filter(object_id=str(item.pk)).order_by("pk")
    assert [entry.change_message.split(".")[0] for entry in history] == [
        "Nhận xử lý",
        "Gửi trả lời",
        "Đăng công khai",
        "Không công khai",
    ]


def test_a_published_address_is_made_of_the_title_readers_see(ward, ward_editor):
    title = "Nguyễn Văn An hỏi tạm trú, gọi 0912 345 678"
    item = make_item(ward, name="Nguyễn Văn An", title=title, status=Status.ANSWERED)
    handling.apply(handling.PUBLISH, item, ward_editor)
    assert item.slug == "hoi-tam-tru-goi"


def test_an_answer_is_needed_to_send_one(editor_client, ward):
    item = make_item(ward)
    response = editor_client.post(
        change_url(item), item_form(item, "_answer", answer="<p> </p>")
    )
    assert response.status_code == 200
    assert "Hãy viết câu trả lời" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.NEW


def test_closing_without_an_answer_needs_a_note(editor_client, ward):
    item = make_item(ward, title="Quảng cáo vay tiền")
    response = editor_client.post(change_url(item), item_form(item, "_close"))
    assert "vì sao đóng" in response.content.decode()
    editor_client.post(
        change_url(item), item_form(item, "_close", internal_note="Tin rác.")
    )
    item.refresh_from_db()
    assert item.status == Status.PRIVATE and item.closed_at is not None


def test_assigning_a_new_item_starts_it_within_the_ward_only(
    editor_client, ward, writer, outsider
):
    item = make_item(ward)
    response = editor_client.post(
        change_url(item), item_form(item, assignee=outsider.pk)
    )
    assert response.status_code == 200  # The form says the choice is not valid.
    item.refresh_from_db()
    assert item.assignee is None
    editor_client.post(change_url(item), item_form(item, assignee=writer.pk))
    item.refresh_from_db()
    assert item.assignee == writer and item.status == Status.IN_PROGRESS


def test_the_assignee_list_holds_the_wards_staff_only(
    editor_client, ward, writer, outsider
):
    item = make_item(ward)
    form = editor_client.get(change_url(item)).context["adminform"].form
    choices = list(form.fields["assignee"].queryset)
    assert writer in choices and outsider not in choices


def test_the_answer_is_sanitised(editor_client, ward):
    item = make_item(ward)
    editor_client.post(
        change_url(item),
        item_form(
            item,
            answer='<p onclick="steal()">Mang <a href="javascript:alert(1)">CCCD'
            "</a>.</p><script>alert(1)</script><svg onload=alert(1)>",
        ),
    )
    item.refresh_from_db()
    assert "script" not in item.answer and "onclick" not in item.answer
    assert "javascript:" not in item.answer and "onload" not in item.answer
    assert "Mang" in item.answer


def test_personal_data_is_for_the_wards_staff_only(client, ward, editor):
    item = make_item(ward)
    client.force_login(editor)  # The city's administrator, of no ward.
    page = client.get(change_url(item)).content.decode()
    assert "0912 345 678" not in page and "an.nguyen@example.com" not in page
    assert "Ngõ 34" not in page and "Nguyễn Văn An" not in page
    assert "Ông/bà N.V.A., tổ 5" in page
    # Nor found by them in the list's search.
    assert item.code not in client.get(LIST, {"q": "0912"}).content.decode()


def test_the_wards_editor_sees_the_residents_details(editor_client, ward):
    item = make_item(ward)
    page = editor_client.get(change_url(item)).content.decode()
    assert "0912 345 678" in page and "an.nguyen@example.com" in page
    assert "Nguyễn Văn An" in page
    # A tap calls or writes to the resident.
    assert 'href="tel:0912345678"' in page
    assert 'href="mailto:an.nguyen@example.com"' in page
    assert item.code in editor_client.get(LIST, {"q": "0912"}).content.decode()


def test_a_residents_file_goes_to_the_wards_staff_only(
    client, ward, ward_editor, writer, outsider, editor
):
    item = make_item(ward)
    attached = SubmissionFile.objects.create(
        submission=item,
        file=ContentFile(b"%PDF-1.4 giay to", name="giay-to.pdf"),
        original_name="Giấy tờ nhà.pdf",
        size=16,
        content_type="application/pdf",
    )
    url = f"{LIST}{item.pk}/tep/{attached.pk}/"
    client.force_login(ward_editor)
    page = client.get(change_url(item)).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 giay to"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    client.force_login(writer)  # Not assigned to them.
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(editor)  # A superuser of no ward.
    assert client.get(url).status_code == 403
    # Nor is the file anywhere under the public media address.
    assert attached.file.name.startswith("attachments/questions/")


def test_without_smtp_the_inbox_says_answers_are_not_emailed(
    editor_client, ward, settings
):
    settings.EMAIL_HOST = ""
    page = editor_client.get(LIST).content.decode()
    assert "không được gửi qua email" in page and "DJANGO_" not in page
    settings.EMAIL_HOST = "smtp.phucloi.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    page = editor_client.get(LIST).content.decode()
    assert "không được gửi qua email" not in page


def test_staff_cannot_add_items(editor_client):
    assert editor_client.get(f"{LIST}add/").status_code == 403


def test_a_role_holds_in_its_own_ward_only(client, ward, second_ward):
    """An editor of one ward who only writes for another works that one's
    inbox as a writer: what is assigned to them, without publishing."""
    user = make_staff("haiphuong", ward, role=roles.EDITOR)
    Membership.objects.create(
        user=user, ward=second_ward, role=roles.role_group(roles.WRITER)
    )
    here = make_item(ward, title="Ở phường mình")
    there = make_item(second_ward, title="Ở phường kia")
    mine_there = make_item(
        second_ward,
        title="Giao cho tôi ở phường kia",
        assignee=user,
        status=Status.ANSWERED,
        answer="<p>Đã trả lời.</p>",
    )
    client.force_login(user)
    page = client.get(LIST).content.decode()
    assert here.code in page and mine_there.code in page
    assert there.code not in page
    response = client.post(change_url(mine_there), item_form(mine_there, "_publish"))
    assert response.status_code == 403
    mine_there.refresh_from_db()
    assert mine_there.status == Status.ANSWERED


def test_comments_on_a_draft_have_no_deadline_and_close_together(
    editor_client, ward, writer, make_document
):
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=timezone.localdate(),
        comment_ends_on=timezone.localdate(),
    )
    comments = [
        make_item(
            ward,
            kind=Submission.Kind.COMMENT,
            document=draft,
            title=f"Góp ý {n}",
            received_at=days_ago(30),
        )
        for n in range(3)
    ]
    question = make_item(ward, received_at=days_ago(30))
    page = editor_client.get(LIST, {"han": "qua-han"}).content.decode()
    assert question.code in page
    assert not any(comment.code in page for comment in comments)
    response = editor_client.post(
        LIST,
        {
            "action": "close_summarised",
            "_selected_action": [c.pk for c in comments] + [question.pk],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Đã đóng 3 góp ý." in page and "1 mục giữ nguyên" in page
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == Status.PRIVATE and comment.closed_at
        assert comment.internal_note == "Đã tổng hợp vào báo cáo tổng hợp ý kiến."
    question.refresh_from_db()
    assert question.status == Status.NEW


def test_writers_are_not_offered_closing_comments(client, ward, writer):
    make_item(ward, assignee=writer, kind=Submission.Kind.COMMENT)
    client.force_login(writer)
    assert "close_summarised" not in client.get(LIST).content.decode()


def test_the_lists_queries_do_not_grow_with_its_items(editor_client, ward, writer):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(LIST).status_code == 200
        return len(captured)

    make_item(ward, assignee=writer)
    few = queries_for_list()
    for n in range(12):
        make_item(ward, title=f"Câu hỏi {n}", assignee=writer if n % 2 else None)
    assert queries_for_list() == few


def test_a_writer_reads_the_item_they_were_given(client, ward, writer, ward_editor):
    writer.first_name, writer.last_name = "Bình", "Lê Văn"
    writer.save()
    item = make_item(ward, assignee=writer, internal_note="Gọi lại trước thứ Sáu.")
    client.force_login(writer)
    response = client.get(change_url(item))
    page = response.content.decode()
    assert "Lê Văn Bình" in page and "0912 345 678" in page
    assert "Gọi lại trước thứ Sáu." in page
    form = response.context["adminform"].form
    assert set(form.fields) == {"answer", "internal_note"}
    steps = [step.name for step in response.context["workflow_steps"]]
    assert steps == ["_take", "_answer"]


def test_a_writer_is_told_what_waits_for_their_answer(writer_client, ward, writer):
    taken = make_item(ward, assignee=writer, status=Status.IN_PROGRESS)
    make_item(ward, assignee=writer, status=Status.ANSWERED)
    page = writer_client.get("/admin/").content.decode()
    assert "1 mục giao cho bạn chưa trả lời" in page
    listed = writer_client.get(LIST, {"can-bo": "cho-toi"}).content.decode()
    assert taken.code in listed


def test_the_form_shows_the_question_as_the_public_page_will(editor_client, ward):
    item = make_item(
        ward,
        body="Tôi là Nguyễn Văn An, số 0912 345 678, hỏi về tạm trú <b>gấp</b>.",
    )
    page = editor_client.get(change_url(item)).content.decode()
    shown = re.search(r'<div class="inbox-public">(.*?)</div>', page, re.S)[1]
    assert "[đã ẩn]" in shown and "0912" not in shown
    assert "Nguyễn Văn An" not in shown and "Ông/bà N.V.A., tổ 5" in shown
    assert "&lt;b&gt;gấp&lt;/b&gt;" in shown  # Text, never markup.


def test_an_editor_clears_held_once_a_person_has_looked(editor_client, writer, ward):
    """An item sent without JavaScript is held for a look; once the editor
    has looked, it counts like any other (on a draft's page too). Writers
    may not clear it."""
    item = make_item(ward, held=True, held_reason="gửi không có JavaScript")
    form = {"action": "not_held", "_selected_action": [item.pk]}
    writer_client = Client()
    writer_client.force_login(writer)
    writer_client.post(LIST, form)
    item.refresh_from_db()
    assert item.held
    response = editor_client.post(LIST, form, follow=True)
    assert "Đã bỏ đánh dấu “cần xem lại” ở 1 mục." in response.content.decode()
    item.refresh_from_db()
    assert not item.held
