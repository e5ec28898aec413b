"""Answering a resident: the answer goes to their email through a real SMTP
server (aiosmtpd on 127.0.0.1), with the status link; without an email or
without an SMTP server the admin says how they will learn it; and nothing a
resident or staff typed reaches the email as code."""

import pytest

from questions import emails
from questions.models import Status, Submission

from .inbox import (
    change_url,
    editor_client_fixture,  # noqa: F401 - a fixture.
    item_form,
    make_item,
    parts,
    smtp_server_fixture,  # noqa: F401 - a fixture.
)
from .test_xss import VECTORS, script_problems


def answer(client, item, text, capture):
    with capture(execute=True):
        return client.post(
            change_url(item), item_form(item, "_answer", answer=text), follow=True
        )


def come_to_the_office(client, ward, capture, **fields):
    """A new item answered "Mời ông/bà lên phường.": it and the page after."""
    item = make_item(ward, **fields)
    return item, answer(client, item, "<p>Mời ông/bà lên phường.</p>", capture)


def test_the_answer_reaches_the_residents_mailbox(
    editor_client, ward, smtp_server, django_capture_on_commit_callbacks
):
    item = make_item(ward)
    response = answer(
        editor_client,
        item,
        "<p>Ông/bà mang <strong>căn cước</strong> và hợp đồng thuê nhà.</p>"
        "<ul><li>Tờ khai CT01</li></ul>",
        django_capture_on_commit_callbacks,
    )
    assert "đang được gửi tới email an.nguyen@example.com" in response.content.decode()
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["an.nguyen@example.com"]
    # (A mail app unfolds the encoded subject; so does strip().)
    assert message["Subject"].strip() == f"Phường Phúc Lợi trả lời câu hỏi {item.code}"
    assert "hoidap@phucloi.example" in message["From"]
    text, html = parts(message)
    assert "Kính gửi ông/bà Nguyễn Văn An," in text
    assert "Ông/bà mang căn cước và hợp đồng thuê nhà." in text
    assert "- Tờ khai CT01" in text
    status_link = "http://testserver/hoi-dap/tra-cuu/"
    assert status_link in text
    assert "<strong>căn cước</strong>" in html
    assert f'href="{status_link}"' in html
    item.refresh_from_db()
    assert item.status == Status.ANSWERED


def test_an_answer_rolled_back_sends_nothing(
    editor_client, ward, smtp_server, django_capture_on_commit_callbacks
):
    item = make_item(ward)
    # Refused by the form (no answer): nothing stored, nothing sent.
    answer(editor_client, item, "", django_capture_on_commit_callbacks)
    assert smtp_server.messages == []


def test_without_an_email_the_admin_says_how_they_learn_it(
    editor_client, ward, smtp_server, django_capture_on_commit_callbacks
):
    item, response = come_to_the_office(
        editor_client, ward, django_capture_on_commit_callbacks, email=""
    )
    page = response.content.decode()
    assert (
        f"Người gửi không để lại email: họ xem câu trả lời bằng mã tra cứu {item.code}"
        in page
    )
    assert "gọi lại cho họ" in page
    assert smtp_server.messages == []


def test_without_smtp_the_admin_says_the_answer_is_not_emailed(
    editor_client, ward, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""
    item, response = come_to_the_office(
        editor_client, ward, django_capture_on_commit_callbacks
    )
    page = response.content.decode()
    assert "không được gửi qua email" in page
    # Said to ward staff: whom to ask, no setting only a server's
    # administrator knows.
    assert "hãy báo quản trị viên hệ thống" in page and "DJANGO_" not in page
    assert mailoutbox == []
    item.refresh_from_db()
    assert item.status == Status.ANSWERED  # Answered all the same.


def test_the_smtp_server_away_loses_no_answer(
    editor_client, ward, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # Nobody listens.
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "hoidap@phucloi.example"
    item, response = come_to_the_office(
        editor_client, ward, django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == Status.ANSWERED and "lên phường" in item.answer


@pytest.mark.parametrize("vector", VECTORS)
def test_no_script_reaches_the_email_as_code(ward, vector):
    item = make_item(
        ward,
        name=f"An {vector}"[:100],
        title=f"Hỏi {vector}"[:200],
        answer=f"<p>Trả lời</p>{vector}",
        status=Status.ANSWERED,
    )
    message = emails.answer_message(
        Submission.objects.get(pk=item.pk),
        status_url="https://phucloi.example/hoi-dap/tra-cuu/",
        origin="https://phucloi.example",
    )
    assert script_problems(message["html_message"]) == []
    assert "\n" not in message["subject"]


def test_each_vector_sent_through_smtp_arrives_harmless(
    editor_client, ward, smtp_server, django_capture_on_commit_callbacks
):
    for vector in VECTORS[:20]:
        item = make_item(ward, title=f"Hỏi {vector}"[:200])
        answer(
            editor_client,
            item,
            f"<p>Trả lời</p>{vector}",
            django_capture_on_commit_callbacks,
        )
    # A picture from elsewhere is refused with a message (richtext), not sent.
    answered = Submission.objects.filter(status=Status.ANSWERED).count()
    assert answered >= 15
    assert len(smtp_server.messages) == answered
    for _, message in smtp_server.messages:
        assert script_problems(parts(message)[1]) == []


def test_the_plain_text_keeps_paragraphs_lists_and_link_addresses():
    html = (
        '<p>Xem <a href="https://dichvucong.gov.vn/">cổng dịch vụ công</a>.</p>'
        "<h3>Hồ sơ</h3><ol><li>Tờ khai</li><li>Căn cước</li></ol>"
        "<p>Dòng một<br>dòng hai &amp; ba</p>"
    )
    assert emails.plain_text(html) == (
        "Xem cổng dịch vụ công (https://dichvucong.gov.vn/).\n\n"
        "Hồ sơ\n\n"
        "- Tờ khai\n"
        "- Căn cước\n\n"
        "Dòng một\n"
        "dòng hai & ba"
    )


def test_our_pictures_in_an_answer_get_full_addresses():
    html = '<p><img src="/media/uploads/phuc-loi/a.png" alt="Mẫu"></p>'
    assert 'src="https://phucloi.example/media/uploads/phuc-loi/a.png"' in (
        emails._absolute(html, "https://phucloi.example")
    )


@pytest.mark.parametrize("vector", VECTORS)
def test_no_answer_typed_in_the_admin_reaches_the_public_page_as_code(
    editor_client, reader, ward, vector
):
    item = make_item(ward, title="Câu hỏi về tạm trú")
    editor_client.post(
        change_url(item), item_form(item, "_answer", answer=f"<p>Trả lời</p>{vector}")
    )
    item.refresh_from_db()
    if item.status != Status.ANSWERED:
        # Refused with a message (a picture from elsewhere): nothing stored.
        assert item.answer == ""
        return
    editor_client.post(
        change_url(item), item_form(item, "_publish", public_question=vector)
    )
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    page = reader.get(item.get_absolute_url())
    assert page.status_code == 200
    assert script_problems(page.content.decode()) == []
