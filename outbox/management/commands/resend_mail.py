"""manage.py resend_mail: queues again the emails that were given up on
(outbox/tasks.py: after the last try, or refused by the mail server), once
the cause is fixed, and those a worker took and never finished (killed
mid-send: a power cut; `--stuck-minutes`, an hour by default, after it took
them). Each is queued once: its old entry goes as its new try is stored,
in one transaction. One the server did take before the worker died goes
out again, with the same Message-ID."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox.tasks import Undelivered, deliver

UNDELIVERED = f"{Undelivered.__module__}.{Undelivered.__qualname__}"


class Command(BaseCommand):
    help = "Queue again the emails that were not sent (outbox/tasks.py)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count them.",
        )
        parser.add_argument(
            "--stuck-minutes",
            type=int,
            default=60,
            help="A send a worker started this long ago and never finished "
            "is queued again (default: %(default)s; a try gives up after "
            "20 seconds).",
        )

    def handle(self, *, dry_run: bool, stuck_minutes: int, **options):
        if stuck_minutes < 1:
            raise CommandError("--stuck-minutes must be 1 or more.")
        stuck_since = timezone.now() - timedelta(minutes=stuck_minutes)
        with transaction.atomic():
            given_up = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(task_path=deliver.module_path)
                .filter(
                    Q(status=TaskResultStatus.FAILED, exception_class_path=UNDELIVERED)
                    | Q(status=TaskResultStatus.RUNNING, started_at__lt=stuck_since)
                )
                .order_by("enqueued_at")
            )
            count = 0
            for failed in given_up:
                count += 1
                if dry_run:
                    continue
                kwargs = dict(failed.args_kwargs["kwargs"], attempt=1)
                deliver.enqueue(**kwargs)
                failed.delete()
        verb = "would be queued again" if dry_run else "queued again"
        self.stdout.write(f"{count} email(s) {verb}.")
