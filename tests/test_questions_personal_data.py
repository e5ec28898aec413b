"""Residents' personal data: `forget_old_submissions` blanks it from items
closed longer ago than QUESTIONS_RETENTION_MONTHS and keeps the public Q&A;
on a person's request the ward's editors (or a superuser) export their items
as JSON or CSV, or erase their data, each step recorded."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.contrib import auth
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from activity.models import Entry
from questions import personal_data
from questions.models import Status, Submission, SubmissionFile
from wards import roles

from .conftest import make_staff
from .inbox import (
    LIST,
    editor_client_fixture,  # noqa: F401 - a fixture.
    make_item,
)

REQUESTS = f"{LIST}du-lieu-ca-nhan/"


def closed(ward, months_ago: float, **fields) -> Submission:
    when = timezone.now() - timedelta(days=30.5 * months_ago)
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("answer", "<p>Mang căn cước.</p>")
    fields.setdefault("slug", f"cau-hoi-{months_ago}".replace(".", "-"))
    fields.setdefault("published_at", when)
    return make_item(
        ward, received_at=when - timedelta(days=3), closed_at=when, **fields
    )


def with_file(item) -> SubmissionFile:
    return SubmissionFile.objects.create(
        submission=item,
        file=ContentFile(b"%PDF-1.4 so do", name="so-do.pdf"),
        original_name="Sơ đồ.pdf",
        size=14,
    )


def test_old_closed_items_lose_their_personal_data_and_keep_the_public_qa(
    ward, settings, django_capture_on_commit_callbacks
):
    settings.QUESTIONS_RETENTION_MONTHS = 24
    old = closed(ward, 25)
    attached = with_file(old)
    stored = attached.file.storage
    shown_before = old.initials
    recent = closed(ward, 23, slug="gan-day")
    still_open = make_item(ward, received_at=timezone.now() - timedelta(days=900))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("forget_old_submissions", stdout=io.StringIO())
    old.refresh_from_db()
    assert (old.name, old.group, old.phone, old.email) == ("N.V.A.", "Tổ 5", "", "")
    assert old.personal_data_removed_at is not None
    assert not old.files.exists() and not stored.exists(attached.file.name)
    # The public Q&A is as it was.
    assert old.initials == shown_before == "Ông/bà N.V.A., tổ 5"
    assert list(Submission.objects.published(ward).filter(pk=old.pk)) == [old]
    assert old.answer == "<p>Mang căn cước.</p>" and old.body
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.phone == "0912 345 678" and kept.name == "Nguyễn Văn An"
        assert kept.personal_data_removed_at is None


def test_a_dry_run_only_counts(ward):
    old = closed(ward, 30)
    out = io.StringIO()
    call_command("forget_old_submissions", "--dry-run", stdout=out)
    assert "1 mục kết thúc quá" in out.getvalue()
    old.refresh_from_db()
    assert old.phone == "0912 345 678"


def test_a_second_run_finds_nothing_more(ward):
    closed(ward, 30)
    call_command("forget_old_submissions", stdout=io.StringIO())
    out = io.StringIO()
    call_command("forget_old_submissions", stdout=out)
    assert "Đã xóa dữ liệu cá nhân của 0 mục" in out.getvalue()


def test_the_retention_period_is_the_setting(ward, settings):
    settings.QUESTIONS_RETENTION_MONTHS = 6
    item = closed(ward, 7)
    call_command("forget_old_submissions", stdout=io.StringIO())
    item.refresh_from_db()
    assert item.phone == ""


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 8, 31, 10), 6, datetime(2026, 2, 28, 10)),
        (datetime(2026, 3, 15, 10), 24, datetime(2024, 3, 15, 10)),
        (datetime(2026, 1, 10, 10), 1, datetime(2025, 12, 10, 10)),
    ],
)
def test_months_back_from_a_moment(moment, months, expected):
    result = personal_data.months_before(timezone.make_aware(moment), months)
    assert result == timezone.make_aware(expected)


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("Tổ 5, số 12 ngõ 34 Trần Phú", "Tổ 5"),
        ("số 8 tổ dân phố số 12A", "Tổ 12A"),
        ("12 ngõ 34 Trần Phú", ""),
    ],
)
def test_only_the_to_dan_pho_is_kept_of_an_address(address, kept):
    assert personal_data.group_only(address) == kept


# On request ------------------------------------------------------------------


def test_an_editor_exports_one_persons_items_however_the_phone_is_typed(
    editor_client, ward, second_ward
):
    first = make_item(ward, phone="0912 345 678", title="Tạm trú")
    second = make_item(ward, phone="+84 912.345.678", email="", title="Đèn đường")
    make_item(ward, phone="0987 654 321", email="khac@example.com", title="Khác")
    make_item(second_ward, phone="0912345678", title="Phường khác")
    response = editor_client.post(REQUESTS, {"phone": "0912345678", "json": ""})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    rows = json.loads(response.content)
    assert sorted(row["Mã tra cứu"] for row in rows) == sorted(
        [first.code, second.code]
    )
    assert {row["Số điện thoại"] for row in rows} == {"0912 345 678", "+84 912.345.678"}
    # Recorded in each item's history.
    for item in (first, second):
        entry = LogEntry.objects.get(object_id=str(item.pk))
        assert entry.change_message == "Xuất dữ liệu cá nhân theo yêu cầu (JSON)."


def test_the_csv_opens_in_excel_with_vietnamese(editor_client, ward):
    make_item(ward, email="an.nguyen@example.com")
    response = editor_client.post(
        REQUESTS, {"email": "AN.NGUYEN@example.com", "csv": ""}
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Mã tra cứu", "Phường"]
    assert rows[1][4] == "Nguyễn Văn An"


def test_an_editor_erases_one_persons_data(editor_client, ward):
    item = make_item(ward, email="an.nguyen@example.com")
    attached = with_file(item)
    other = make_item(ward, email="binh@example.com", phone="0987654321")
    page = editor_client.post(REQUESTS, {"email": "an.nguyen@example.com"})
    assert (
        item.code in page.content.decode() and other.code not in page.content.decode()
    )
    response = editor_client.post(
        REQUESTS, {"email": "an.nguyen@example.com", "erase": ""}, follow=True
    )
    assert "Đã xóa dữ liệu cá nhân của 1 mục" in response.content.decode()
    item.refresh_from_db()
    assert (item.name, item.phone, item.email) == ("N.V.A.", "", "")
    assert not SubmissionFile.objects.filter(pk=attached.pk).exists()
    assert LogEntry.objects.get(object_id=str(item.pk)).change_message == (
        "Xóa dữ liệu cá nhân theo yêu cầu."
    )
    other.refresh_from_db()
    assert other.email == "binh@example.com"


def test_writers_and_other_wards_cannot_reach_a_persons_data(
    client, ward, writer, second_ward
):
    item = make_item(ward, assignee=writer)
    client.force_login(writer)
    assert client.get(REQUESTS).status_code == 403
    assert client.post(REQUESTS, {"phone": "0912345678"}).status_code == 403
    assert (
        client.post(REQUESTS, {"phone": "0912345678", "erase": ""}).status_code == 403
    )
    client.force_login(make_staff("bientapbode", second_ward, role=roles.EDITOR))
    response = client.post(REQUESTS, {"phone": "0912345678", "json": ""})
    assert json.loads(response.content) == []
    client.post(REQUESTS, {"phone": "0912345678", "erase": ""})
    item.refresh_from_db()
    assert item.phone == "0912 345 678"


def test_a_superuser_may_handle_a_request(client, editor, ward):
    item = make_item(ward)
    client.force_login(editor)
    response = client.post(REQUESTS, {"phone": "0912 345 678", "json": ""})
    assert [row["Mã tra cứu"] for row in json.loads(response.content)] == [item.code]


def test_a_request_needs_a_phone_or_an_email(editor_client):
    page = editor_client.post(REQUESTS, {"phone": "12", "email": ""}).content.decode()
    assert "Hãy nhập số điện thoại" in page


def test_exports_and_erasures_are_in_the_staff_activity_log(editor_client, ward):
    """Superusers see in "Nhật ký" who took or erased a resident's data, for
    which items, from where (activity/)."""
    item = make_item(ward, email="an.nguyen@example.com")
    editor_client.post(REQUESTS, {"email": "an.nguyen@example.com", "csv": ""})
    editor_client.post(REQUESTS, {"email": "an.nguyen@example.com", "erase": ""})
    editor = auth.get_user(editor_client)
    entries = Entry.objects.filter(action__startswith="personal_data").order_by("at")
    assert [(e.action, e.user, e.ward_id, e.target) for e in entries] == [
        (Entry.Action.PERSONAL_DATA_EXPORTED, editor, ward.pk, item.code),
        (Entry.Action.PERSONAL_DATA_ERASED, editor, ward.pk, item.code),
    ]
    assert entries[0].detail == "CSV"
