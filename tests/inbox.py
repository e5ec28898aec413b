"""What the inbox's tests share: residents' items, the admin's addresses, and
a real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from questions.models import Submission

from .test_questions_models import make_submission

LIST = "/admin/questions/submission/"


def change_url(item) -> str:
    return f"{LIST}{item.pk}/change/"


def make_item(ward, **fields) -> Submission:
    """A resident's question as the site's form stores it, with an email to
    answer to."""
    fields.setdefault("phone", "0912 345 678")
    fields.setdefault("email", "an.nguyen@example.com")
    fields.setdefault("title", "Hồ sơ đăng ký tạm trú cần những gì?")
    return make_submission(ward, **fields)


@pytest.fixture(name="editor_client")
def editor_client_fixture(client, ward_editor):
    """The test client, logged in as the ward's editor."""
    client.force_login(ward_editor)
    return client


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def item_form(item, step=None, **fields) -> dict:
    """The item's change form as an editor sends it, unchanged but for
    `fields`, with the step's button (None: "Lưu")."""
    data = {
        "assignee": item.assignee_id or "",
        "topic": item.topic,
        "title": item.title,
        "answer": item.answer,
        "internal_note": item.internal_note,
        "public_question": item.public_question,
        "slug": item.slug,
        "published_at_0": "",
        "published_at_1": "",
    }
    if item.published_at:
        local = timezone.localtime(item.published_at)
        data["published_at_0"] = f"{local:%d/%m/%Y}"
        data["published_at_1"] = f"{local:%H:%M}"
    if step:
        data[step] = ""
    data.update(fields)
    return data


class _Keeper:
    """aiosmtpd's handler: keeps each message received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(settings):
    """A real SMTP server on 127.0.0.1, and the settings that send to it."""
    keeper = _Keeper()
    controller = Controller(keeper, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Phường Phúc Lợi <hoidap@phucloi.example>"
    yield keeper
    controller.stop()


def parts(message) -> tuple[str, str]:
    """An email's plain text and its HTML ("" when it has none)."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (
        text.get_content() if text is not None else "",
        html.get_content() if html is not None else "",
    )
