from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from activity.models import Entry


class Command(BaseCommand):
    help = (
        "Xoá các mục nhật ký hoạt động cũ hơn ACTIVITY_KEEP_DAYS ngày "
        "(DJANGO_ACTIVITY_KEEP_DAYS)."
    )

    def handle(self, *args, **options):
        cut = timezone.now() - timedelta(days=settings.ACTIVITY_KEEP_DAYS)
        removed, _ = Entry.objects.filter(at__lt=cut).delete()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Đã xoá {removed} mục nhật ký cũ hơn "
                f"{settings.ACTIVITY_KEEP_DAYS} ngày."
            )
