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
        "Xóa dữ liệu cá nhân (họ tên chỉ còn chữ cái đầu, địa chỉ chỉ còn tổ "
        "dân phố; số điện thoại, email, tệp) của các mục đã kết thúc quá "
        "QUESTIONS_RETENTION_MONTHS tháng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ đếm các mục sẽ bị xóa dữ liệu cá nhân.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        due = personal_data.due_for_forgetting(now).order_by("closed_at")
        months = settings.QUESTIONS_RETENTION_MONTHS
        if dry_run:
            self.stdout.write(
                f"{due.count()} mục kết thúc quá {months} tháng vẫn còn dữ liệu "
                "cá nhân."
            )
            return
        forgotten = 0
        for item in due.iterator(chunk_size=200):
            personal_data.forget(item, now=now)
            forgotten += 1
            if verbosity > 1:
                self.stdout.write(f"{item.code}: đã xóa dữ liệu cá nhân.")
        if verbosity:
            self.stdout.write(
                f"Đã xóa dữ liệu cá nhân của {forgotten} mục kết thúc quá "
                f"{months} tháng."
            )
