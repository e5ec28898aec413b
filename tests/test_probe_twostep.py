"""An intruder's attempts on the two-step sign-in (twostep/), the lockout
(logins/) and the activity log (activity/): each test is a way in, or a
leak, found by probing; it fails while the way is open."""

import re
import threading
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.db import connections
from django.test import Client

from twostep import devices, views

from .test_twostep import (
    ENROL,
    LIMIT,
    code_now,
    enrolled,
    send_code,
    sign_in,
)
from .test_twostep import (
    production_rule as production_rule,  # noqa: F401 (autouse fixture)
)

THIEF = "192.0.2.66"


def shown_secret(page) -> str:
    found = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page.content.decode())
    assert found, page.content.decode()[:800]
    return found.group(1)


def code_for(secret: str) -> str:
    """What an authenticator app fed the secret shown shows now."""
    from base64 import b32decode

    from django_otp.oath import totp

    return f"{totp(b32decode(secret.replace(' ', '')), 30, 0, 6, 0):06d}"


def test_a_reset_does_not_let_the_lost_phones_open_session_enrol_a_new_app(
    editor, ward_editor
):
    """The lost (stolen) phone's browser is still signed in; a superuser
    resets the colleague's device. That session must not be able to enrol
    the thief's own app with no password: today it only "owes enrolment",
    which it can pay with the QR code the enrol page shows it."""
    lost = enrolled(ward_editor)
    stolen = sign_in(ward_editor, Client(REMOTE_ADDR=THIEF))
    send_code(stolen, code_now(lost))
    assert stolen.get("/admin/").status_code == 200
    devices.reset(None, ward_editor)

    page = stolen.get(ENROL)
    if page.status_code == 200:
        stolen.post(ENROL, {"code": code_for(shown_secret(page)), "next": "/admin/"})

    assert stolen.get("/admin/").status_code != 200
    assert not devices.has_app(ward_editor)


def test_a_secret_shown_to_one_session_is_not_the_one_another_enrols(ward_editor):
    """Someone who had the editor's password before they enrolled opens the
    enrol page and only reads the secret, enrolling nothing, so nothing
    looks amiss. The editor then enrols: today the same pending secret is
    shown again and confirmed, and the onlooker keeps a working second
    factor for ever."""
    onlooker = sign_in(ward_editor, Client(REMOTE_ADDR=THIEF))
    seen = shown_secret(onlooker.get(ENROL))
    owner = sign_in(ward_editor)
    send_code(owner, code_for(shown_secret(owner.get(ENROL))), path=ENROL)
    assert devices.has_app(ward_editor)

    later = sign_in(ward_editor, Client(REMOTE_ADDR=THIEF))
    # A fresh 30 s window's code would be refused as a replay; the one
    # after it is within django-otp's tolerance of one step.
    from base64 import b32decode

    from django_otp.oath import totp

    ahead = f"{totp(b32decode(seen.replace(' ', '')), 30, 0, 6, 1):06d}"
    answer = send_code(later, ahead)

    assert later.get("/admin/").status_code != 200, answer.status_code


def test_a_wrong_code_typed_is_not_kept_in_the_lockout_records(editor):
    """django-axes keeps each failed attempt's POST data (shown to
    superusers under "Đăng nhập"); it masks only "password". A wrong code
    is often a near-miss of a backup code or a code of the next minute."""
    enrolled(editor)
    codes = devices.new_backup_codes(editor)
    client = sign_in(editor)
    near_miss = codes[0][:-1] + ("a" if codes[0][-1] != "a" else "b")

    send_code(client, near_miss)

    attempt = AccessAttempt.objects.get(username=editor.username)
    assert near_miss not in attempt.post_data


def test_no_admin_page_shows_a_colleagues_secret_or_backup_codes(editor, ward_editor):
    """twostep/admin.py means to take django-otp's own device admins away
    ("they show and edit the secret keys"), but runs before django-otp's
    plugins register them (twostep is first in INSTALLED_APPS), so they
    stay: a superuser (or anyone given their permissions) reads every
    colleague's TOTP key, its QR code and the backup codes in clear."""
    colleague = enrolled(ward_editor)
    codes = devices.new_backup_codes(ward_editor)
    own = enrolled(editor)
    boss = sign_in(editor)
    send_code(boss, code_now(own))
    assert boss.get("/admin/").status_code == 200
    backup = colleague.user.staticdevice_set.get()

    pages = [
        f"/admin/otp_totp/totpdevice/{colleague.pk}/change/",
        f"/admin/otp_totp/totpdevice/{colleague.pk}/config/",
        f"/admin/otp_static/staticdevice/{backup.pk}/change/",
    ]
    shown = {path: boss.get(path) for path in pages}

    for path, page in shown.items():
        text = page.content.decode(errors="replace")
        assert colleague.key not in text, path
        assert not any(code in text for code in codes), path
        assert page.status_code == 404, path


@pytest.mark.django_db(transaction=True)
def test_codes_sent_at_once_are_not_checked_beyond_the_limit(editor):
    """Each code is checked before its failure is counted, and the lockout
    is asked before the check: codes posted at the same moment, from as
    many half-signed-in sessions, are all checked. Measured on gunicorn
    (4 workers x 4 threads, PostgreSQL): 40 codes at once, 17 checked
    against a limit of 5. Here the threads meet inside the check, as
    requests racing on a busy server do."""
    enrolled(editor)
    racers = LIMIT + 3
    sessions = [
        sign_in(editor, Client(REMOTE_ADDR=f"198.51.100.{n}")) for n in range(racers)
    ]
    meet = threading.Barrier(racers, timeout=5)
    checked = []
    real_match = views.match_token

    def racing_match(user, code):
        checked.append(code)
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            pass  # Fewer got this far: the lockout held them back.
        return real_match(user, code)

    def guess(n):
        send_code(sessions[n], f"{100000 + n}")
        # Closed, not left to CONN_MAX_AGE: the test database is dropped
        # at the end of the run, and an open connection stops that.
        connections.close_all()

    with mock.patch.object(views, "match_token", racing_match):
        threads = [threading.Thread(target=guess, args=(n,)) for n in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(checked) <= LIMIT


def test_createsuperuser_without_questions_keeps_the_password_rules(db, monkeypatch):
    """The questions refuse a short password ("Nobody bypasses the rules for
    the admin's key"); --noinput takes DJANGO_SUPERUSER_PASSWORD as it is:
    "1" makes a superuser whose first sign-in enrols whoever guesses it."""
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "1")

    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", "--username", "quantri")

    made = get_user_model().objects.filter(username="quantri").first()
    assert made is None or not made.check_password("1")


def test_a_locked_out_guesser_cannot_grow_the_lockout_record_without_end(editor):
    """django-axes appends each failure's POST data (up to 1 KB, whatever
    fields the guesser adds) to the one record of its user name and
    address, and goes on appending while locked out: an anonymous client
    grows one row by a kilobyte a request, for ever (the superusers' list
    of attempts renders it whole)."""
    guesser = Client(REMOTE_ADDR="203.0.113.77")
    for n in range(60):
        guesser.post(
            "/admin/login/",
            {"username": editor.username, "password": f"doan-{n}", "x": "y" * 1000},
        )

    attempt = AccessAttempt.objects.get(username=editor.username)
    assert len(attempt.post_data) + len(attempt.get_data) < 16_000
