"""The editors' daily digest (`manage.py send_questions_digest`): each ward's
new and late items to that ward's editors only; nothing to a ward with
nothing waiting, nor without an SMTP server."""

import io

from django.core.management import call_command

from questions.models import Status
from wards import roles

from .conftest import make_staff
from .inbox import (
    days_ago,
    make_item,
    parts,
    smtp_server_fixture,  # noqa: F401 - a fixture.
)


def staff_with_email(username, ward, role):
    user = make_staff(username, ward, role=role)
    user.email = f"{username}@phucloi.example"
    user.first_name, user.last_name = "Hà", "Nguyễn Thu"
    user.save()
    return user


def digest(capture) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_questions_digest", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_each_wards_editors_get_its_new_and_late_items(
    ward, second_ward, smtp_server, django_capture_on_commit_callbacks
):
    editor = staff_with_email("bientaphd", ward, roles.EDITOR)
    writer = staff_with_email("phongvienhd", ward, roles.WRITER)
    staff_with_email("bientapbode", second_ward, roles.EDITOR)
    new = make_item(
        ward,
        title="Đèn đường ngõ 12 hỏng, gọi 0912 345 678",
        received_at=days_ago(1),
    )
    late = make_item(
        ward,
        title="Rác tồn đọng ở chợ",
        received_at=days_ago(20),
        status=Status.IN_PROGRESS,
        assignee=writer,
    )
    done = make_item(ward, title="Đã xong", status=Status.ANSWERED)
    make_item(second_ward, title="Phường khác", status=Status.ANSWERED)
    digest(django_capture_on_commit_callbacks)
    [(recipients, message)] = smtp_server.messages
    assert recipients == [editor.email]
    subject = message["Subject"].strip()
    assert subject.startswith("Hỏi đáp Phường Phúc Lợi")
    assert subject.endswith("1 mới, 1 quá hạn")
    body = parts(message)[0]
    assert new.code in body and "Đèn đường ngõ 12 hỏng" in body
    assert late.code in body and "Nguyễn Thu Hà" in body
    assert done.code not in body and "Phường khác" not in body
    assert "/admin/questions/submission/" in body
    # Never the residents' contacts.
    assert "0912" not in body and "@example.com" not in body


def test_a_ward_with_nothing_waiting_gets_no_email(
    ward, smtp_server, django_capture_on_commit_callbacks
):
    staff_with_email("bientaphd", ward, roles.EDITOR)
    make_item(ward, status=Status.PUBLISHED, slug="xong")
    digest(django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_without_smtp_no_digest_is_sent(
    ward, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""
    staff_with_email("bientaphd", ward, roles.EDITOR)
    make_item(ward)
    assert "không gửi bản tin" in digest(django_capture_on_commit_callbacks)
    assert mailoutbox == []
