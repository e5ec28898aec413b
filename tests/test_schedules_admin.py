"""Lịch công tác in the admin: a ward's clerk (a writer) enters the week's
entries as drafts, quickly; its editors publish them. A writer publishes
nothing, not by a crafted POST either; staff see only their wards' entries;
whatever is typed reaches readers as text; a restore never publishes."""

from datetime import date, time

import pytest
from django.utils import timezone
from reversion.models import Version

from schedules.forms import parse_time
from schedules.models import Entry
from schedules.weeks import Week
from wards import roles

pytestmark = pytest.mark.django_db

ADD = "/admin/schedules/entry/add/"
LIST = "/admin/schedules/entry/"


def change_url(entry):
    return f"/admin/schedules/entry/{entry.pk}/change/"


def entry_form(**fields):
    data = {
        "day": "01/12/2026",
        "start": "8h30",
        "end": "11:30",
        "kind": "work",
        "content": "Họp Ban Chỉ đạo chuyển đổi số",
        "chair": "Phó Chủ tịch UBND phường",
        "participants": "Thành viên Ban Chỉ đạo",
        "place": "Phòng họp số 1",
        "_save": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def editor_client(client, ward_editor):
    client.force_login(ward_editor)
    return client


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("08:00", time(8)),
        ("8", time(8)),
        ("8h", time(8)),
        ("8h30", time(8, 30)),
        ("8g30", time(8, 30)),
        ("14 giờ 30", time(14, 30)),
        ("14 giờ 30 phút", time(14, 30)),
        ("14.30", time(14, 30)),
        ("1430", time(14, 30)),
        ("23:59", time(23, 59)),
    ],
)
def test_times_are_read_as_staff_write_them(typed, parsed):
    assert parse_time(typed) == parsed


@pytest.mark.parametrize("typed", ["24:00", "8:60", "2 PM", "sáng", "8:5", "٨:٣٠"])
def test_what_is_no_time_is_refused(typed):
    assert parse_time(typed) is None


def test_a_writer_enters_a_draft(writer_client, ward):
    response = writer_client.post(ADD, entry_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Entry.objects.get()
    assert entry.ward == ward
    assert entry.status == Entry.Status.DRAFT
    assert (entry.start, entry.end) == (time(8, 30), time(11, 30))
    assert response["Location"] == f"{LIST}?tuan=2026-W49"


def test_a_bad_time_gets_a_vietnamese_message(writer_client):
    response = writer_client.post(ADD, entry_form(start="8 giờ sáng", end="07:00"))
    assert response.status_code == 200
    assert "Hãy nhập giờ theo 24 giờ" in response.text


def test_an_end_before_the_start_is_refused(writer_client):
    response = writer_client.post(ADD, entry_form(start="14:00", end="08:00"))
    assert "Giờ kết thúc phải sau giờ bắt đầu." in response.text
    assert not Entry.objects.exists()


def test_save_and_add_another_keeps_the_day(writer_client, ward):
    response = writer_client.post(
        ADD, entry_form(_save="", _addanother="", day="02/12/2026")
    )
    assert response["Location"] == f"{ADD}?day=2026-12-02&ward={ward.pk}"
    form = writer_client.get(response["Location"]).context["adminform"].form
    assert form.initial["day"] == date(2026, 12, 2)


def test_the_add_form_starts_on_a_working_day(writer_client):
    form = writer_client.get(ADD).context["adminform"].form
    assert form.initial["day"].weekday() < 5
    assert form.initial["day"] >= timezone.localdate()
    junk = writer_client.get(ADD + "?day=junk")
    assert junk.status_code == 200


def test_a_writer_cannot_publish_by_crafted_post(writer_client, writer, ward):
    writer_client.post(ADD, entry_form(status="published"))
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.DRAFT and entry.published_at is None
    writer_client.post(change_url(entry), entry_form(status="published"))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT
    response = writer_client.post(
        LIST, {"action": "publish", "_selected_action": [entry.pk]}
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.DRAFT
    assert response.status_code in (200, 302)


def test_a_writer_cannot_change_or_delete_a_published_entry(writer_client, ward):
    entry = Entry.objects.create(
        ward=ward,
        day=date(2026, 12, 1),
        start=time(8),
        content="Đã đăng",
        status=Entry.Status.PUBLISHED,
    )
    response = writer_client.post(change_url(entry), entry_form(content="Sửa lén"))
    assert response.status_code == 403
    response = writer_client.post(
        f"/admin/schedules/entry/{entry.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.content == "Đã đăng"


def test_an_editor_publishes_the_week_from_the_list(editor_client, ward):
    entries = [
        Entry.objects.create(
            ward=ward, day=date(2026, 12, n), start=time(8), content=f"Mục {n}"
        )
        for n in (1, 2)
    ]
    editor_client.post(
        LIST,
        {"action": "publish", "_selected_action": [e.pk for e in entries]},
    )
    assert set(Entry.objects.values_list("status", flat=True)) == {"published"}
    assert all(e.published_at for e in Entry.objects.all())


def test_an_editor_publishes_from_the_form(editor_client):
    response = editor_client.post(ADD, entry_form(status="published"))
    assert response.status_code == 302
    assert Entry.objects.get().is_visible


def test_staff_see_only_their_wards_entries(client, second_ward, second_writer, ward):
    mine = Entry.objects.create(
        ward=second_ward, day=date(2026, 12, 1), start=time(8), content="Bồ Đề"
    )
    theirs = Entry.objects.create(
        ward=ward, day=date(2026, 12, 1), start=time(8), content="Phúc Lợi nháp"
    )
    client.force_login(second_writer)
    listed = client.get(LIST + "?tuan=2026-W49")
    assert "Bồ Đề" in listed.text and "Phúc Lợi nháp" not in listed.text
    assert client.get(change_url(theirs)).status_code in (302, 404)
    response = client.post(change_url(theirs), entry_form(content="Sửa hộ"))
    theirs.refresh_from_db()
    assert theirs.content == "Phúc Lợi nháp"
    assert response.status_code in (302, 403, 404)
    assert client.get(change_url(mine)).status_code == 200
    assert client.get(f"/admin/schedules/entry/{theirs.pk}/history/").status_code in (
        302,
        404,
    )


def test_a_crafted_ward_is_ignored(writer_client, ward, second_ward):
    writer_client.post(ADD, entry_form(ward=second_ward.pk))
    assert Entry.objects.get().ward == ward


HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(2)>"
    '<a href="javascript:alert(3)">x</a>'
)


def test_hostile_input_reaches_readers_as_text(editor_client, reader):
    today = timezone.localdate()
    fields = dict.fromkeys(("content", "chair", "participants", "place"), HOSTILE)
    response = editor_client.post(
        ADD,
        entry_form(
            day=today.strftime("%d/%m/%Y"),
            kind="reception",
            status="published",
            **fields,
        ),
    )
    assert response.status_code == 302
    for path in ("/lich-cong-tac/", "/lich-tiep-cong-dan/", LIST):
        page = (editor_client if path == LIST else reader).get(path).text
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert 'href="javascript:' not in page
    text = reader.get("/lich-cong-tac/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_overlong_text_is_refused(writer_client):
    response = writer_client.post(ADD, entry_form(content="x" * 1001, place="y" * 201))
    assert response.status_code == 200
    assert not Entry.objects.exists()


def test_copying_to_next_week_makes_drafts(writer_client, ward):
    entry = Entry.objects.create(
        ward=ward,
        day=date(2026, 12, 3),
        start=time(8),
        end=time(11, 30),
        kind=Entry.Kind.RECEPTION,
        content="Tiếp công dân định kỳ",
        chair="Chủ tịch UBND phường",
        place="Phòng tiếp công dân",
        status=Entry.Status.PUBLISHED,
    )
    response = writer_client.post(
        LIST,
        {"action": "copy_to_next_week", "_selected_action": [entry.pk]},
    )
    assert response["Location"] == f"{LIST}?tuan=2026-W50"
    copy = Entry.objects.exclude(pk=entry.pk).get()
    assert copy.day == date(2026, 12, 10)
    assert copy.status == Entry.Status.DRAFT
    assert (copy.kind, copy.chair, copy.place, copy.end) == (
        entry.kind,
        entry.chair,
        entry.place,
        entry.end,
    )


def test_the_list_shows_a_week_with_a_button_a_day(writer_client, ward):
    Entry.objects.create(
        ward=ward, day=date(2026, 12, 1), start=time(8), content="Trong tuần 49"
    )
    Entry.objects.create(
        ward=ward, day=date(2026, 12, 8), start=time(8), content="Trong tuần 50"
    )
    text = writer_client.get(LIST + "?tuan=2026-W49").text
    assert "Trong tuần 49" in text and "Trong tuần 50" not in text
    assert "Tuần 49 (30/11/2026 – 06/12/2026)" in text
    assert f"{ADD}?day=2026-12-01" in text
    assert "?tuan=2026-W50" in text
    every = writer_client.get(LIST + "?tuan=tat-ca").text
    assert "Trong tuần 50" in every
    assert writer_client.get(LIST + "?tuan=junk").status_code == 200
    this = writer_client.get(LIST).context["cl"]
    assert all(
        Week.of(e.day) == Week.of(timezone.localdate()) for e in this.result_list
    )


def test_a_restore_brings_back_the_text_never_the_state(editor_client, ward):
    editor_client.post(ADD, entry_form(content="Nội dung cũ", status="draft"))
    entry = Entry.objects.get()
    editor_client.post(
        change_url(entry), entry_form(content="Nội dung mới", status="published")
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED
    versions = Version.objects.get_for_object(entry).order_by("pk")
    assert versions.count() == 2
    old = versions.first()
    page = editor_client.get(f"/admin/schedules/entry/{entry.pk}/history/{old.pk}/")
    assert page.status_code == 200
    assert "Nội dung cũ" in page.text
    entry.refresh_from_db()
    assert entry.content == "Nội dung mới"  # Looking changes nothing.
    assert "status" not in old.field_dict and "ward" not in old.field_dict


def test_a_restore_of_another_wards_entry_is_refused(client, ward, second_writer):
    entry = Entry.objects.create(
        ward=ward, day=date(2026, 12, 1), start=time(8), content="Phúc Lợi"
    )
    client.force_login(second_writer)
    response = client.get(f"/admin/schedules/entry/{entry.pk}/history/1/")
    assert response.status_code in (302, 404)


def test_deleted_entries_are_not_listed_for_recovery(editor_client):
    assert editor_client.get(f"{LIST}recover/").status_code == 404


def test_roles_have_the_schedules_permissions(writer, ward_editor, ward):
    assert writer.has_perm("schedules.add_entry", ward)
    assert not writer.has_perm("schedules.publish_entry", ward)
    assert ward_editor.has_perm("schedules.publish_entry", ward)
    for role, permissions in roles.ROLE_PERMISSIONS.items():
        group = roles.role_group(role)
        names = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert {p for p in permissions if p.startswith("schedules.")} <= names
