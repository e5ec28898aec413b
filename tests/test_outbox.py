"""Email through the task queue (outbox/): stored with the caller's
transaction, sent by the worker through a real SMTP server on 127.0.0.1,
kept and tried again while the server is down, never lost, never sent twice."""

import os
import subprocess
import sys
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

import outbox
from outbox import tasks

from .test_settings import load_settings

DELIVER = tasks.deliver.module_path
PROJECT = Path(__file__).resolve().parent.parent


def queue_answer_email():
    outbox.send_mail(
        "Trả lời câu hỏi HD-2026-000123",
        "Chào ông/bà, phường đã trả lời câu hỏi của ông/bà.",
        ["nguyen.van.a@example.vn"],
        html_message="<p>Chào ông/bà, phường đã <b>trả lời</b>.</p>",
    )


def received(server):
    return [
        message_from_bytes(envelope.original_content) for envelope in server.messages
    ]


def test_the_worker_sends_a_queued_email_through_smtp(task_queue, smtp_server):
    queue_answer_email()
    assert smtp_server.messages == []  # Queued, not sent during the request.
    assert task_queue.run() == 1
    [message] = received(smtp_server)
    assert smtp_server.messages[0].rcpt_tos == ["nguyen.van.a@example.vn"]
    assert "HD-2026-000123" in str(make_header(decode_header(message["Subject"])))
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "trả lời câu hỏi" in parts["text/plain"].get_payload(decode=True).decode()
    assert "<b>trả lời</b>" in parts["text/html"].get_payload(decode=True).decode()


def test_an_email_survives_an_smtp_outage_and_goes_out_once(task_queue, smtp_server):
    smtp_server.stop()
    queue_answer_email()

    assert task_queue.run() == 1  # The try fails: nothing answers.
    [failed] = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "outbox.tasks.TryingAgain"
    [retry] = task_queue.waiting(DELIVER)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert task_queue.run() == 0  # Not before its time.

    task_queue.pass_time(timedelta(minutes=1))
    assert task_queue.run() == 1  # Still down: the third try is queued.
    assert task_queue.waiting(DELIVER).get().args_kwargs["kwargs"]["attempt"] == 3

    smtp_server.start()
    task_queue.pass_time(timedelta(minutes=2))
    assert task_queue.run() == 1
    assert len(smtp_server.messages) == 1
    assert not task_queue.waiting().exists()
    task_queue.pass_time(timedelta(days=3))
    assert task_queue.run() == 0
    assert len(smtp_server.messages) == 1  # Sent once.
    # Every try carried the Message-ID the email was queued with.
    [message] = received(smtp_server)
    assert message["Message-ID"] == retry.args_kwargs["kwargs"]["message_id"]


def test_the_email_is_stored_with_the_callers_transaction(task_queue, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_answer_email()
        raise RuntimeError("the submission could not be stored")
    assert not task_queue.waiting().exists()
    with transaction.atomic():
        queue_answer_email()
    assert task_queue.waiting(DELIVER).count() == 1
    task_queue.run()
    assert len(smtp_server.messages) == 1


def test_the_tries_wait_longer_each_time_then_an_hour():
    waits = [tasks.wait_before(attempt) for attempt in range(1, tasks.TRIES)]
    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert max(waits) == timedelta(hours=1)
    assert timedelta(hours=40) < sum(waits, timedelta()) < timedelta(hours=48)


def test_after_the_last_try_it_stays_until_resend_mail(task_queue, smtp_server):
    smtp_server.stop()
    queue_answer_email()
    DBTaskResult.objects.filter(task_path=DELIVER).update(
        args_kwargs={
            **DBTaskResult.objects.get().args_kwargs,
            "kwargs": {
                **DBTaskResult.objects.get().args_kwargs["kwargs"],
                "attempt": tasks.TRIES,
            },
        }
    )
    task_queue.run()
    assert not task_queue.waiting().exists()
    [given_up] = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert given_up.exception_class_path == "outbox.tasks.Undelivered"

    smtp_server.start()
    call_command("resend_mail", stdout=open(os.devnull, "w"))
    call_command("resend_mail", stdout=open(os.devnull, "w"))  # Twice: once.
    assert task_queue.run() == 1
    assert len(smtp_server.messages) == 1
    assert not DBTaskResult.objects.filter(
        exception_class_path="outbox.tasks.Undelivered"
    ).exists()


def test_a_permanent_refusal_is_not_tried_again(task_queue, smtp_server):
    async def refuse(server, session, envelope):
        return "550 5.7.1 Relaying denied"

    smtp_server.handler.handle_DATA = refuse
    queue_answer_email()
    task_queue.run()
    assert not task_queue.waiting().exists()
    assert DBTaskResult.objects.get().exception_class_path == "outbox.tasks.Undelivered"


def test_no_recipients_no_email(task_queue):
    outbox.send_mail("Chủ đề", "Nội dung", [])
    outbox.send_mail("Chủ đề", "Nội dung", [""])
    assert not task_queue.waiting().exists()


def test_with_tasks_run_at_once_the_email_is_in_djangos_test_outbox(db):
    """What the other apps' tests see (tests/settings.py runs tasks at once)."""
    queue_answer_email()
    [message] = mail.outbox
    assert message.to == ["nguyen.van.a@example.vn"]
    assert message.alternatives[0][1] == "text/html"


SHOW_EMAIL = (
    "import django; django.setup(); import outbox;"
    "from django.conf import settings;"
    "print(outbox.configured(), settings.EMAIL_BACKEND.rsplit('.', 2)[1],"
    " settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_PORT)"
)


def settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    return load_settings(SHOW_EMAIL, DJANGO_SECRET_KEY="x" * 50, **env)


@pytest.mark.parametrize(
    "env, printed",
    [
        ({}, "False dummy True False 587"),
        ({"DJANGO_DEBUG": "true"}, "False console True False 587"),
        ({"DJANGO_EMAIL_HOST": "smtp.hanoi.gov.vn"}, "True smtp True False 587"),
        (
            {
                "DJANGO_EMAIL_HOST": "smtp.hanoi.gov.vn",
                "DJANGO_EMAIL_SECURITY": "tls",
                "DJANGO_EMAIL_PORT": "465",
            },
            "True smtp False True 465",
        ),
    ],
)
def test_configured_says_whether_an_smtp_server_is_set(env, printed):
    result = settings_in_subprocess(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DJANGO_EMAIL_PORT": "hai mươi lăm"}, "DJANGO_EMAIL_PORT must be a whole"),
        ({"DJANGO_EMAIL_PORT": "0"}, "DJANGO_EMAIL_PORT must be a port"),
        ({"DJANGO_EMAIL_SECURITY": "ssl3"}, "DJANGO_EMAIL_SECURITY must be"),
        ({"DJANGO_EMAIL_FROM": "ubnd"}, "DJANGO_EMAIL_FROM must be an address"),
    ],
)
def test_a_malformed_email_setting_stops_the_site(env, message):
    result = settings_in_subprocess(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_queued_emails_are_not_shown_in_the_admin(client, editor, task_queue):
    """The queue holds residents' addresses and answers; superusers
    included, nobody reads them in the admin (outbox/admin.py)."""
    queue_answer_email()
    client.force_login(editor)
    index = client.get("/admin/").text
    assert "Task Result" not in index and "Tasks Database" not in index
    listing = "/admin/django_tasks_database/dbtaskresult/"
    assert client.get(listing).status_code == 404
    assert "nguyen.van.a@example.vn" not in client.get(listing).text


def test_the_task_tables_permissions_are_named_in_vietnamese(db):
    names = set(
        Permission.objects.filter(
            content_type__app_label="django_tasks_database"
        ).values_list("name", flat=True)
    )
    assert names == {
        "Có thể thêm tác vụ nền",
        "Có thể sửa tác vụ nền",
        "Có thể xóa tác vụ nền",
        "Có thể xem tác vụ nền",
    }


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_sends_what_the_site_queued(settings, smtp_server):
    """`manage.py db_worker`, as the deploy kit runs it, with the settings
    read from the environment."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queue_answer_email()
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        )
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"]
        + ["--no-startup-delay"],
        cwd=PROJECT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "wardnews.settings",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": url,
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp_server.port),
            "DJANGO_EMAIL_SECURITY": "none",
            "DJANGO_EMAIL_FROM": "UBND phường Phúc Lợi <ubnd@phucloi.example>",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [message] = received(smtp_server)
    assert "ubnd@phucloi.example" in message["From"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_send_a_dead_worker_left_is_queued_again_once(task_queue, smtp_server):
    """A worker killed mid-send (a power cut) leaves its email taken and
    unfinished: resend_mail queues it again after an hour, not before."""
    queue_answer_email()
    queue_answer_email()
    taken = list(DBTaskResult.objects.all())
    for result in taken:
        result.claim("a worker that died")
    DBTaskResult.objects.filter(pk=taken[0].pk).update(
        started_at=taken[0].started_at - timedelta(hours=2)
    )
    call_command("resend_mail", stdout=open(os.devnull, "w"))
    assert task_queue.run() == 1
    assert len(smtp_server.messages) == 1
    # The one taken a moment ago may still be under way: left alone.
    assert DBTaskResult.objects.get(pk=taken[1].pk).status == TaskResultStatus.RUNNING
    with pytest.raises(CommandError):
        call_command("resend_mail", "--stuck-minutes", "0")
