"""The daily digest: to each ward's editors, the items new in its inbox and
those past the deadline to answer. Run each morning
(deploy/systemd/wardnews-questions.timer); a ward with nothing waiting gets
no email.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse

import outbox
from questions import deadlines, emails, handling
from questions.models import WHOLE_INBOX, Status, Submission
from wards.models import Ward


def editors_of(ward) -> list[str]:
    """The email addresses of the ward's staff who work its whole inbox."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            ward_memberships__ward=ward,
            ward_memberships__role__permissions__content_type__app_label="questions",
            ward_memberships__role__permissions__codename=WHOLE_INBOX,
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
    )
    return list(users.values_list("email", flat=True))


class Command(BaseCommand):
    help = (
        "Gửi email cho biên tập viên mỗi phường: các mục mới và quá hạn trong hộp thư."
    )

    def handle(self, *args, verbosity=1, **options):
        if not outbox.configured():
            self.stdout.write(
                "Chưa cấu hình máy chủ thư (DJANGO_EMAIL_HOST): không gửi bản tin."
            )
            return
        sent = 0
        for ward in Ward.objects.prefetch_related("hosts").order_by("name"):
            items = Submission.objects.filter(ward=ward).select_related("assignee")
            new = list(items.filter(status=Status.NEW).order_by("received_at"))
            late = list(handling.late(items).order_by("received_at"))
            if not (new or late):
                continue
            recipients = editors_of(ward)
            if not recipients:
                self.stderr.write(
                    f"{ward.name}: {len(new)} mục mới, {len(late)} mục quá hạn, "
                    "nhưng không biên tập viên nào có email để báo."
                )
                continue
            for item in late:
                item.due_on = deadlines.due_on(item.received_at)
                item.assignee_name = handling.person(item.assignee)
            inbox_url = emails.site_url(
                ward, reverse("admin:questions_submission_changelist")
            )
            message = emails.digest_message(
                ward, new=new, late=late, inbox_url=inbox_url
            )
            outbox.send_mail(recipients=recipients, **message)
            sent += 1
            if verbosity:
                self.stdout.write(
                    f"{ward.name}: {len(new)} mục mới, {len(late)} mục quá hạn, "
                    f"gửi tới {len(recipients)} biên tập viên."
                )
        if verbosity:
            self.stdout.write(f"Đã gửi bản tin cho {sent} phường.")
