"""The admin's login under a guessing attack (logins/, django-axes):
failures counted per user name and per client address, a Vietnamese lockout
page, no password hashed while locked out; superusers see the attempts;
staff passwords of at least 12 characters; the admin's address moves with
DJANGO_ADMIN_URL."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-thu-nghiem"  # The conftest users' password.
LOGIN = "/admin/login/"
LIMIT = 5  # AXES_FAILURE_LIMIT's default.


def attempt(client, username, password, address="203.0.113.7", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def logged_in(client) -> bool:
    return get_user(client).is_authenticated


@pytest.fixture
def hashes():
    """How many times a password was hashed: the costly step of checking
    one (or of pretending to, for an unknown user name)."""
    hasher = type(get_hasher())
    with mock.patch.object(
        hasher, "encode", autospec=True, side_effect=hasher.encode
    ) as encode:
        yield lambda: encode.call_count


def test_fifty_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    ward_editor, hashes
):
    client = Client()
    answers = [attempt(client, ward_editor.username, f"doan-{n}") for n in range(50)]
    assert [a.status_code for a in answers[: LIMIT - 1]] == [200] * (LIMIT - 1)
    assert {a.status_code for a in answers[LIMIT - 1 :]} == {429}
    guessed = hashes()

    right = attempt(client, ward_editor.username, PASSWORD)

    assert right.status_code == 429
    assert "Tạm khóa đăng nhập" in right.content.decode()
    assert not logged_in(client)
    # Only the attempts before the lockout cost a password hash.
    assert guessed == LIMIT
    assert hashes() == LIMIT


def test_the_lockout_page_says_when_to_try_again_and_names_no_account(ward_editor):
    client = Client()
    for n in range(LIMIT):
        answer = attempt(client, ward_editor.username, f"doan-{n}")

    page = answer.content.decode()
    assert answer.status_code == 429
    assert answer["Content-Type"].startswith("text/html")
    assert "<h1>Tạm khóa đăng nhập</h1>" in page
    assert "Vui lòng đợi 15 phút rồi thử lại." in page
    assert ward_editor.username not in page
    assert 'name="password"' not in page


def test_one_address_is_locked_whatever_user_names_it_tries(ward_editor, writer):
    client = Client()
    for n in range(LIMIT):
        attempt(client, f"nguoi-dung-{n}", "doan-bua")

    assert attempt(client, writer.username, PASSWORD).status_code == 429
    assert not logged_in(client)
    # Another address is not held back by that one.
    other = Client()
    assert (
        attempt(other, writer.username, PASSWORD, address="198.51.100.9").status_code
        == 302
    )
    assert logged_in(other)


def test_an_ipv6_client_is_its_64_as_for_the_view_cap(ward_editor, writer):
    """An IPv6 subscriber holds a whole /64: failures from two of its
    addresses add up to a lockout, and another /64 is not held back."""
    client = Client()
    for n in range(LIMIT):
        address = f"2001:db8:1:2::{n + 1:x}" if n % 2 else f"2001:db8:1:2:ffff::{n}"
        attempt(client, f"nguoi-dung-{n}", "doan-bua", address=address)
    answer = attempt(client, writer.username, PASSWORD, address="2001:db8:1:2::abcd")
    assert answer.status_code == 429
    assert not logged_in(client)
    other = Client()
    answer = attempt(other, writer.username, PASSWORD, address="2001:db8:1:3::1")
    assert answer.status_code == 302
    assert logged_in(other)


def test_one_user_name_is_locked_from_every_address(ward_editor):
    client = Client()
    for n in range(LIMIT):
        attempt(client, ward_editor.username, "doan-bua", address=f"198.51.100.{n}")

    answer = attempt(client, ward_editor.username, PASSWORD, address="192.0.2.1")
    assert answer.status_code == 429
    assert not logged_in(client)


def test_a_few_mistakes_then_the_right_password_logs_in_and_clears_them(
    ward_editor,
):
    client = Client()
    for n in range(LIMIT - 1):
        attempt(client, ward_editor.username, f"doan-{n}")

    assert attempt(client, ward_editor.username, PASSWORD).status_code == 302
    assert logged_in(client)
    assert not AccessAttempt.objects.exists()


def test_the_lockout_ends_after_the_lockout_time(ward_editor):
    client = Client()
    for n in range(LIMIT):
        attempt(client, ward_editor.username, f"doan-{n}")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert attempt(client, ward_editor.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_without_a_proxy_a_claimed_forwarded_address_changes_nothing(ward_editor):
    client = Client()
    for n in range(LIMIT):
        attempt(
            client,
            f"nguoi-dung-{n}",
            "doan-bua",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    answer = attempt(
        client, ward_editor.username, PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert answer.status_code == 429


def test_behind_the_proxy_each_reader_address_it_reports_counts_apart(
    settings, ward_editor
):
    settings.BEHIND_PROXY = True
    client = Client()
    proxy = "127.0.0.1"
    for n in range(LIMIT):
        # The proxy appends the address it saw to whatever the client sent.
        attempt(
            client,
            f"nguoi-dung-{n}",
            "doan-bua",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, 192.0.2.{n}",
        )
    answer = attempt(
        client,
        ward_editor.username,
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert answer.status_code == 302

    locked = Client()
    for n in range(LIMIT):
        attempt(
            locked,
            f"nguoi-khac-{n}",
            "doan-bua",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 192.0.2.77",
        )
    assert AccessAttempt.objects.filter(ip_address="192.0.2.77").count() == LIMIT
    answer = attempt(
        locked,
        ward_editor.username,
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert answer.status_code == 429


def test_a_lockout_is_logged_with_the_user_name_and_address(ward_editor, caplog):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="axes"):
        for n in range(LIMIT):
            attempt(client, ward_editor.username, f"doan-{n}")

    lockouts = [
        r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()
    ]
    assert len(lockouts) == 1
    assert ward_editor.username in lockouts[0]
    assert "203.0.113.7" in lockouts[0]
    assert "doan-" not in caplog.text  # Passwords are never logged.


def test_superusers_see_attempts_and_lockouts_in_vietnamese(editor, ward_editor):
    for n in range(LIMIT):
        attempt(Client(), ward_editor.username, f"doan-{n}")
    client = Client()
    client.force_login(editor)

    index = client.get("/admin/").content.decode()
    assert "Đăng nhập" in index
    assert "Đăng nhập sai đang tính" in index
    page = client.get("/admin/axes/accessattempt/?locked_out=yes")
    assert page.status_code == 200
    text = page.content.decode()
    assert ward_editor.username in text
    assert "Địa chỉ IP" in text
    assert "203.0.113.7" in text
    assert "Đang bị khóa" in text


def test_ward_staff_do_not_see_the_attempts(ward_editor):
    attempt(Client(), "ai-do", "doan-bua")
    client = Client()
    client.force_login(ward_editor)

    assert "Đăng nhập sai" not in client.get("/admin/").content.decode()
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert client.get("/admin/axes/accesslog/").status_code == 403


def test_a_superuser_lifts_a_lockout_by_deleting_the_attempts(editor, ward_editor):
    for n in range(LIMIT):
        attempt(Client(), ward_editor.username, f"doan-{n}")
    admin = Client()
    admin.force_login(editor)
    pks = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )

    client = Client()
    assert attempt(client, ward_editor.username, PASSWORD).status_code == 302


# Staff passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ngan11kytu!", "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 12 ký tự."),
        ("Du-12-ky-tu!", None),
    ],
)
def test_a_staff_password_has_at_least_12_characters(db, password, problem):
    with translation.override("vi"):
        try:
            validate_password(password, User(username="phongvien"))
        except ValidationError as error:
            assert error.messages == [problem]
        else:
            assert problem is None


def test_the_admin_refuses_a_short_password_for_an_account(editor, writer):
    """Where a superuser sets a colleague's password ("Nâng cao"); staff
    set their own from the invitation, under the same rules
    (tests/test_staff_accounts.py)."""
    client = Client()
    client.force_login(editor)
    answer = client.post(
        f"/admin/wards/staff/{writer.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Ngan11kytu!",
            "password2": "Ngan11kytu!",
        },
    )

    assert answer.status_code == 200
    assert "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 12 ký tự." in (
        answer.content.decode()
    )
    writer.refresh_from_db()
    assert not writer.check_password("Ngan11kytu!")


# The admin's address (DJANGO_ADMIN_URL)

SHOW_ADMIN = """
import django
django.setup()
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
print(reverse("admin:index"), reverse("admin:login"), reverse("statistics"))
try:
    print(resolve("/admin/").view_name)
except Resolver404:
    print("404")
print(render_to_string("robots.txt", {"sitemap_url": "/sitemap.xml"}))
"""


def show_admin(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings", DJANGO_DEBUG="true", **env
    )
    return subprocess.run(
        [sys.executable, "-c", SHOW_ADMIN],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_admin_is_at_admin_unless_told_otherwise():
    result = show_admin()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "/admin/ /admin/login/ /admin/thong-ke/"
    assert lines[1] == "admin:index"
    assert "Disallow: /admin/" in lines


def test_the_admin_moves_to_the_address_the_deployment_gives():
    result = show_admin(DJANGO_ADMIN_URL="quan-tri-phuong/")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == "/quan-tri-phuong/ /quan-tri-phuong/login/ /quan-tri-phuong/thong-ke/"
    )
    assert lines[1] != "admin:index"
    # robots.txt does not give the moved address away.
    assert not any("quan-tri" in line or "/admin/" in line for line in lines[2:])
    assert "Disallow: /ckeditor/" in lines


@pytest.mark.parametrize("value", ["/quan-tri/", "quan-tri", "Quản-trị/", "", "../x/"])
def test_a_malformed_admin_address_stops_the_site(value):
    result = show_admin(DJANGO_ADMIN_URL=value)
    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL must be a path such as quan-tri/" in result.stderr


def test_a_staff_login_does_not_reset_the_count_on_another_account(ward_editor, writer):
    """Four guesses at the editor's password, then the guesser's own writer
    login, over and over: the editor's account still locks."""
    client = Client()
    for n in range(LIMIT - 1):
        attempt(client, ward_editor.username, f"doan-{n}")
    # The guesser's own account logs in: its own failures (none) are cleared.
    assert attempt(Client(), writer.username, PASSWORD).status_code == 302
    for n in range(LIMIT - 1):
        attempt(client, ward_editor.username, f"doan-lai-{n}")
        attempt(Client(), writer.username, PASSWORD)
    assert attempt(client, ward_editor.username, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_a_record_keeps_the_attempts_up_to_the_lockout_and_then_only_counts(
    ward_editor,
):
    """A locked-out guesser goes on failing (each failure extending the
    lockout): the record counts them all but stops growing."""
    client = Client()
    for n in range(40):
        client.post(
            LOGIN,
            {
                "username": ward_editor.username,
                "password": f"doan-{n}",
                "csrfmiddlewaretoken": f"the-token-{n}",
                "note": f"lan-{n}-" + "y" * 900,
            },
            REMOTE_ADDR="203.0.113.7",
        )

    record = AccessAttempt.objects.get()
    assert record.failures_since_start == 40
    assert "lan-0-" in record.post_data and f"lan-{LIMIT - 1}-" in record.post_data
    assert "lan-39-" not in record.post_data
    assert len(record.post_data) <= LIMIT * 1035
    assert "the-token" not in record.post_data and "doan-" not in record.post_data
