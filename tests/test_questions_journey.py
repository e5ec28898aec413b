"""A resident's question from end to end: sent through the site's form,
answered in the ward's inbox, emailed to the resident through a real SMTP
server, and published, with the resident's personal data gone from every
public page, whoever typed it (the resident in the question, staff in the
answer)."""

import re

from questions.models import Status, Submission
from wards import roles

from .conftest import make_staff
from .inbox import (
    change_url,
    item_form,
    parts,
    smtp_server_fixture,  # noqa: F401 - a fixture.
)
from .test_questions_forms import filled, quick_door  # noqa: F401

PERSONAL = ["0912 345 678", "0912345678", "an.nguyen@example.com", "Nguyễn Văn An"]
STREET = "số 12 ngõ 34 Trần Phú"


def test_asked_answered_emailed_and_published_without_personal_data(
    reader, client, ward, smtp_server, django_capture_on_commit_callbacks
):
    # The resident asks, giving their details (and a few in the question).
    response = reader.post(
        "/hoi-dap/gui-cau-hoi/",
        filled(
            reader,
            group=f"Tổ 5, {STREET}",
            email="an.nguyen@example.com",
            title="Đăng ký tạm trú cho người thuê trọ",
            body="Tôi là Nguyễn Văn An, gọi 0912345678. Tôi ở trọ tại "
            f"{STREET}, cần giấy tờ gì để đăng ký tạm trú?",
        ),
    )
    assert response.status_code == 302
    item = Submission.objects.get()

    # The ward's editor sees it counted and listed, and answers it.
    editor = make_staff("bientaphd", ward, role=roles.EDITOR)
    client.force_login(editor)
    assert "1 câu hỏi, phản ánh, góp ý mới" in client.get("/admin/").content.decode()
    page = client.get(change_url(item)).content.decode()
    assert "0912 345 678" in page  # The ward's staff see who asked.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(item),
            item_form(
                item,
                "_answer",
                answer="<p>Chào ông Nguyễn Văn An, ông mang căn cước và hợp đồng "
                "thuê nhà; cần hỏi thêm xin gọi lại số 0912 345 678 hoặc viết "
                '<a href="mailto:an.nguyen@example.com">an.nguyen@example.com</a>.</p>',
            ),
        )
    item.refresh_from_db()
    assert item.status == Status.ANSWERED

    # The answer is in the resident's mailbox, with the way to its status.
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["an.nguyen@example.com"]
    text, _ = parts(message)
    assert "mang căn cước và hợp đồng thuê nhà" in text
    assert "http://testserver/hoi-dap/tra-cuu/" in text and item.code in text

    # Published, with the question reworded for the public.
    client.post(
        change_url(item),
        item_form(
            item,
            "_publish",
            public_question="Người thuê trọ cần giấy tờ gì để đăng ký tạm trú?",
        ),
    )
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.slug

    # Every public page: the answer and initials, no personal data.
    detail = reader.get(item.get_absolute_url())
    assert detail.status_code == 200
    pages = {
        "detail": detail.content.decode(),
        "list": reader.get("/hoi-dap/").content.decode(),
        "search": reader.get("/hoi-dap/", {"q": "tạm trú"}).content.decode(),
    }
    assert "mang căn cước và hợp đồng thuê nhà" in pages["detail"]
    assert "Ông/bà N.V.A., tổ 5" in pages["detail"]
    assert item.title in pages["list"] and item.title in pages["search"]
    for name, html in pages.items():
        for personal in [*PERSONAL, STREET, "mailto:"]:
            assert personal not in html, (name, personal)
        # Nor the resident's files or the admin's addresses.
        assert "attachments/questions" not in html and "/admin/" not in html
        assert not re.search(r"0\d{2}[ .]?\d{3}[ .]?\d{3}", html), name
