"""manage.py resend_mail: queues again the emails that were given up on
(outbox/tasks.py: after the last try, or refused by the mail server), once
the cause is fixed. Each is queued once: its failed entry goes as its new
try is stored, in one transaction."""

from django.core.management.base import BaseCommand
from django.db import transaction
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

    def handle(self, *, dry_run: bool, **options):
        with transaction.atomic():
            given_up = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(
                    task_path=deliver.module_path,
                    status=TaskResultStatus.FAILED,
                    exception_class_path=UNDELIVERED,
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
