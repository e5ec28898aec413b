"""Remove residents' personal data from items closed longer ago than
QUESTIONS_RETENTION_MONTHS (personal_data.py says what goes and what
stays). Run daily (deploy/systemd/wardnews-questions.timer); safe to run
again, and `--dry-run` says what it would do.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from questions import personal_data


class Command(BaseCommand):
    help = (
        "Blank the personal data (name but initials, address but tổ dân phố, "
        "phone, email, files) of items closed more than "
        "QUESTIONS_RETENTION_MONTHS ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the items whose data would be removed.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        due = personal_data.due_for_forgetting(now).order_by("closed_at")
        months = settings.QUESTIONS_RETENTION_MONTHS
        if dry_run:
            self.stdout.write(
                f"{due.count()} item(s) closed more than {months} months ago "
                "still hold personal data."
            )
            return
        forgotten = 0
        for item in due.iterator(chunk_size=200):
            personal_data.forget(item, now=now)
            forgotten += 1
            if verbosity > 1:
                self.stdout.write(f"{item.code}: personal data removed.")
        if verbosity:
            self.stdout.write(
                f"Personal data removed from {forgotten} item(s) closed more "
                f"than {months} months ago."
            )
