"""A resident's personal data (Decree 13/2023/NĐ-CP): kept while the ward
needs it to answer, removed QUESTIONS_RETENTION_MONTHS after the item is
closed, and on the person's request exported or erased by the ward's
editors.

Removing it keeps what the public Q&A shows: the question, the answer and
the asker as initials and tổ dân phố ("Ông/bà N.V.A., tổ 5"), which is all
that is left of the name and the address.
"""

import calendar
import csv
import io
import json
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from files.spreadsheets import csv_text
from vietnamese.text import plain_text

from . import privacy
from .models import _GROUP, Status, Submission
from .privacy import phone_key

CLOSED = (Status.ANSWERED, Status.PUBLISHED, Status.PRIVATE)


def initials_only(name: str) -> str:
    """ "Nguyễn Văn An" -> "N.V.A.": what the public attribution shows."""
    letters = [word[0].upper() for word in re.split(r"[\s.]+", name) if word]
    return ".".join(letters) + "." if letters else ""


def group_only(group: str) -> str:
    """The tổ dân phố of an address ("Tổ 5, số 12 ngõ 34" -> "Tổ 5"); a
    street address alone leaves nothing."""
    match = _GROUP.search(group)
    return f"Tổ {match.group(1)}" if match else ""


# What the resident or staff wrote: a phone number, email, ID number or the
# resident's full name in them goes too, scrubbed as the public pages show
# them, while the full name is still known (after, the public pages have
# only the initials to go by).
TEXTS = ["title", "body", "public_question", "answer"]


def forget(item, now=None) -> None:
    """Remove the item's personal data: the name but for its initials, the
    address but for the tổ, the phone, the email and the files, and all
    of these from the texts."""
    with transaction.atomic():
        for attached in item.files.all():
            attached.delete()  # Its stored file goes once this commits.
        if item.personal_data_removed_at is None:
            known = item.known_personal_data()
            title = privacy.scrub(item.title, **known)
            item.title = title[: Submission._meta.get_field("title").max_length]
            item.body = privacy.scrub(item.body, **known)
            item.public_question = privacy.scrub(item.public_question, **known)
            item.answer = privacy.scrub_html(item.answer, **known)
        item.name = initials_only(item.name)
        item.group = group_only(item.group)
        item.phone = ""
        item.email = ""
        # A hash of the name and contact: of no use once they are gone.
        item.fingerprint = ""
        item.personal_data_removed_at = now or timezone.now()
        item.save(
            update_fields=[
                "name",
                "group",
                "phone",
                "email",
                "fingerprint",
                "personal_data_removed_at",
                "updated_at",
                *TEXTS,
                "search_folded",
            ]
        )


def months_before(moment, months: int):
    """The same day and time `months` months earlier (the month's last day
    when it has fewer days: 31 August less 6 months is 28 or 29 February)."""
    local = timezone.localtime(moment)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


def due_for_forgetting(now=None):
    """Items closed longer ago than the retention period that still hold a
    resident's personal data."""
    cutoff = months_before(now or timezone.now(), settings.QUESTIONS_RETENTION_MONTHS)
    return Submission.objects.filter(
        personal_data_removed_at__isnull=True,
        status__in=CLOSED,
        closed_at__lt=cutoff,
    )


# A person asking for their data ------------------------------------------


def person_items(queryset, *, phone: str = "", email: str = "", code: str = ""):
    """The items of `queryset` sent with this phone number or email, or
    under this lookup code (a commenter need give neither)."""
    ids = set()
    if code:
        ids |= set(queryset.filter(code=code).values_list("pk", flat=True))
    if email.strip():
        ids |= set(
            queryset.filter(email__iexact=email.strip()).values_list("pk", flat=True)
        )
    key = phone_key(phone)
    if len(key) >= 6:
        ids |= {
            pk
            for pk, stored in queryset.exclude(phone="").values_list("pk", "phone")
            if phone_key(stored) == key
        }
    return queryset.filter(pk__in=ids).select_related("ward", "document")


# What the ward holds about the person, one row an item.
EXPORT_COLUMNS = [
    ("code", "Mã tra cứu"),
    ("ward", "Phường"),
    ("kind", "Loại"),
    ("received_at", "Nhận lúc"),
    ("name", "Họ tên"),
    ("group", "Tổ dân phố hoặc địa chỉ"),
    ("phone", "Số điện thoại"),
    ("email", "Thư điện tử"),
    ("consent_at", "Đồng ý xử lý dữ liệu lúc"),
    ("topic", "Lĩnh vực"),
    ("title", "Tiêu đề"),
    ("body", "Nội dung"),
    ("place", "Địa điểm"),
    ("document", "Dự thảo được góp ý"),
    ("files", "Tệp đã gửi"),
    ("status", "Trạng thái"),
    ("answer", "Trả lời"),
    ("answered_at", "Trả lời lúc"),
    ("personal_data_removed_at", "Đã xóa dữ liệu cá nhân lúc"),
]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def export_row(item) -> dict:
    return {
        "code": item.code,
        "ward": item.ward.name,
        "kind": item.get_kind_display(),
        "received_at": _when(item.received_at),
        "name": item.name,
        "group": item.group,
        "phone": item.phone,
        "email": item.email,
        "consent_at": _when(item.consent_at),
        "topic": item.get_topic_display(),
        "title": item.title,
        "body": item.body,
        "place": item.place,
        "document": str(item.document) if item.document_id else "",
        "files": ", ".join(f.original_name for f in item.files.all()),
        "status": item.get_status_display(),
        "answer": plain_text(item.answer),
        "answered_at": _when(item.answered_at),
        "personal_data_removed_at": _when(item.personal_data_removed_at),
    }


def export_json(items) -> str:
    rows = [
        {label: row[key] for key, label in EXPORT_COLUMNS}
        for row in map(export_row, items)
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def export_csv(items) -> str:
    """CSV with a byte order mark, so that Excel reads Vietnamese right.
    Every cell is text a stranger may have typed into the form: none may
    reach the editor's Excel as a formula (csv_text)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([label for _, label in EXPORT_COLUMNS])
    for row in map(export_row, items):
        writer.writerow([csv_text(row[key]) for key, _ in EXPORT_COLUMNS])
    return out.getvalue()
