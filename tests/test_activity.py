"""The staff activity log ("Nhật ký", activity/): sign-ins and failed ones,
failed second steps, publishing and withdrawing, role changes and exports
of personal data, each with who, when, which ward and from which address;
superusers only; old entries removed by prune_activity."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from activity.log import Action, current_request, record
from activity.models import Entry
from articles.models import Article
from wards import roles
from wards.models import Membership

from .conftest import article_form, make_staff
from .test_ward_admin import WARDS, ward_details

PASSWORD = "mat-khau-thu-nghiem"
ADDRESS = "203.0.113.21"
LOG = "/admin/activity/entry/"


def only(action) -> Entry:
    return Entry.objects.get(action=action)


def test_a_sign_in_is_recorded_with_its_address(writer):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.post("/admin/login/", {"username": "phongvien", "password": PASSWORD})

    entry = only(Action.SIGNED_IN)
    assert (entry.user, entry.username, entry.address) == (writer, "phongvien", ADDRESS)
    assert timezone.now() - entry.at < timedelta(minutes=1)


def test_a_wrong_password_is_recorded_under_the_name_typed(writer):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.post("/admin/login/", {"username": "phongvien", "password": "doan-mo"})
    client.post("/admin/login/", {"username": "khong-co-ai", "password": "doan"})

    entries = Entry.objects.filter(action=Action.SIGN_IN_FAILED).order_by("at")
    assert [(e.user, e.username, e.address) for e in entries] == [
        (None, "phongvien", ADDRESS),
        (None, "khong-co-ai", ADDRESS),
    ]
    assert not Entry.objects.filter(action=Action.SIGNED_IN).exists()


def test_a_wrong_second_step_is_recorded_and_not_as_a_wrong_password(
    settings, ward_editor
):
    from .test_twostep import enrolled, send_code, sign_in

    settings.TWO_STEP_REQUIRED_FOR = frozenset({"superusers", "editors"})
    enrolled(ward_editor)
    client = sign_in(ward_editor, Client(REMOTE_ADDR=ADDRESS))
    assert not Entry.objects.filter(action=Action.SIGNED_IN).exists()

    send_code(client, "000000x")

    entry = only(Action.SECOND_STEP_FAILED)
    assert (entry.user, entry.address) == (ward_editor, ADDRESS)
    assert not Entry.objects.filter(action=Action.SIGN_IN_FAILED).exists()


def test_publishing_and_withdrawing_are_recorded_with_the_ward(
    ward, category, ward_editor, make_article
):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(ward_editor)
    answer = client.post("/admin/articles/article/add/", article_form(category))
    assert answer.status_code == 302
    article = Article.objects.get()

    published = only(Action.PUBLISHED)
    assert (published.user, published.ward, published.target, published.address) == (
        ward_editor,
        ward,
        article.title,
        ADDRESS,
    )

    client.post(
        "/admin/articles/article/",
        {"action": "withdraw", "_selected_action": [article.pk], "post": "yes"},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    withdrawn = only(Action.WITHDRAWN)
    assert (withdrawn.user, withdrawn.ward, withdrawn.target) == (
        ward_editor,
        ward,
        article.title,
    )
    # Saving a draft is no event for the log.
    client.post(
        "/admin/articles/article/add/", article_form(category, step=None, title="Nháp")
    )
    assert (
        Entry.objects.filter(action__in=[Action.PUBLISHED, Action.WITHDRAWN]).count()
        == 2
    )


def test_a_role_given_in_the_admin_is_recorded_with_who_gave_it(
    editor, second_ward, writer
):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(editor)
    writer_role = roles.role_group(roles.WRITER)
    answer = client.post(
        f"{WARDS}{second_ward.pk}/change/",
        ward_details(
            second_ward,
            slug=second_ward.slug,
            **{
                "hosts-TOTAL_FORMS": "0",
                "hosts-INITIAL_FORMS": "0",
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "0",
                "memberships-0-ward": second_ward.pk,
                "memberships-0-user": writer.pk,
                "memberships-0-role": writer_role.pk,
            },
        ),
    )
    assert answer.status_code == 302, answer.context["errors"]

    entry = Entry.objects.get(action=Action.ROLE_CHANGED, ward=second_ward)
    assert (entry.user, entry.target, entry.address) == (editor, "phongvien", ADDRESS)
    assert entry.detail == "Giao vai trò Phóng viên tại Phường Bồ Đề"


def test_a_role_changed_or_taken_away_is_recorded(ward, editor):
    staff = make_staff("canbo", ward)
    request = RequestFactory().post("/", REMOTE_ADDR=ADDRESS)
    request.user = editor
    token = current_request.set(request)
    try:
        membership = Membership.objects.get(user=staff)
        membership.role = roles.role_group(roles.EDITOR)
        membership.save()
        membership.save()  # Nothing changed: nothing recorded.
        membership.delete()
    finally:
        current_request.reset(token)

    details = list(
        Entry.objects.filter(action=Action.ROLE_CHANGED, user=editor)
        .order_by("at", "pk")
        .values_list("detail", "address")
    )
    assert details == [
        (f"Đổi vai trò thành Biên tập viên tại {ward}", ADDRESS),
        (f"Bỏ vai trò Biên tập viên tại {ward}", ADDRESS),
    ]


def test_deleting_a_ward_with_staff_keeps_the_entries_it_leaves(second_ward):
    make_staff("canbobode", second_ward)
    second_ward.delete()
    entry = Entry.objects.filter(action=Action.ROLE_CHANGED).latest()
    assert entry.ward is None and "Phường Bồ Đề" in entry.detail


def test_an_export_of_personal_data_is_recorded(ward, ward_editor):
    request = RequestFactory().get("/", REMOTE_ADDR=ADDRESS)
    request.user = ward_editor

    record(
        request,
        Action.PERSONAL_DATA_EXPORTED,
        ward=ward,
        target="Phản ánh, kiến nghị",
        detail="12 phản ánh",
    )

    entry = only(Action.PERSONAL_DATA_EXPORTED)
    assert (entry.user, entry.ward, entry.address) == (ward_editor, ward, ADDRESS)


def test_only_superusers_read_the_log_and_filter_it(editor, ward_editor, ward):
    record(None, Action.PUBLISHED, user=ward_editor, ward=ward, target="Tin A")
    record(None, Action.SIGN_IN_FAILED, user="ai-do")
    client = Client()
    client.force_login(ward_editor)
    assert client.get(LOG).status_code == 403
    assert "Nhật ký" not in client.get("/admin/").content.decode()

    client.force_login(editor)
    page = client.get(LOG)
    assert page.status_code == 200
    assert "Tin A" in page.content.decode() and "ai-do" in page.content.decode()
    filtered = client.get(LOG, {"action": "published", "ward__id__exact": ward.pk})
    assert "Tin A" in filtered.content.decode()
    assert "ai-do" not in filtered.content.decode()
    by_user = client.get(LOG, {"user__id__exact": ward_editor.pk})
    assert "ai-do" not in by_user.content.decode()
    this_year = client.get(LOG, {"at__year": timezone.localdate().year})
    assert "Tin A" in this_year.content.decode()
    assert "Tin A" not in client.get(LOG, {"at__year": 2000}).content.decode()
    # Nobody edits or deletes an entry.
    entry = Entry.objects.first()
    assert client.post(f"{LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_prune_activity_removes_entries_older_than_kept(settings, db):
    settings.ACTIVITY_KEEP_DAYS = 365
    old = record(None, Action.SIGN_IN_FAILED, user="cu")
    Entry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=366))
    recent = record(None, Action.SIGN_IN_FAILED, user="moi")
    Entry.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=364))
    out = StringIO()

    call_command("prune_activity", stdout=out)

    assert list(Entry.objects.values_list("username", flat=True)) == ["moi"]
    assert "Đã xoá 1 mục nhật ký cũ hơn 365 ngày." in out.getvalue()


def test_the_kept_time_is_read_strictly():
    result = subprocess.run(
        [sys.executable, "-c", "import wardnews.settings"],
        env={
            "DJANGO_SECRET_KEY": "x",
            "DJANGO_ACTIVITY_KEEP_DAYS": "0",
            "PATH": "/usr/bin",
        },
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert "DJANGO_ACTIVITY_KEEP_DAYS must be 1 or more" in result.stderr


@pytest.mark.parametrize("path", ["/admin/", "/"])
def test_the_request_is_at_hand_only_while_it_is_answered(client, path, db):
    client.get(path)
    assert current_request.get() is None
