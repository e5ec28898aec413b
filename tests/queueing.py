"""Fixtures for the background task queue and email: the queue kept in the
database as in production, run when the test says so, and a real SMTP
server on 127.0.0.1 (aiosmtpd) that a test can stop and start."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


class TaskQueue:
    """The worker, in the test's own thread and transaction: run() does
    every task that is due now, as `manage.py db_worker` would."""

    def __init__(self):
        self.worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="tests",
            excluded_queue_names=[],
        )

    def run(self) -> int:
        """Runs the due tasks, those they queue included; how many ran."""
        ran = 0
        while True:
            with transaction.atomic():
                result = DBTaskResult.objects.ready().get_locked()
                if result is None:
                    return ran
                result.claim(self.worker.worker_id)
            self.worker.run_task(result)
            ran += 1

    def waiting(self, path: str = ""):
        """The tasks queued for later (or now), of one task if named."""
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        return waiting.filter(task_path=path) if path else waiting

    def pass_time(self, delta: timedelta) -> None:
        """Moves every waiting task's time `delta` nearer, as if it passed."""
        for result in self.waiting():
            if result.run_after.year < 9999:  # Not "as soon as possible".
                result.run_after -= delta
                result.save(update_fields=["run_after"])


@pytest.fixture
def task_queue(settings, db):
    """Tasks stored in the database in the caller's transaction (as in
    production) instead of run the moment they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return TaskQueue()


class Handler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


class SMTPServer:
    """An SMTP server on 127.0.0.1 that keeps what it receives in
    `messages` (aiosmtpd envelopes); stop() and start() it to make an
    outage."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.handler = Handler()
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server the site sends through (DJANGO_EMAIL_HOST set)."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()
