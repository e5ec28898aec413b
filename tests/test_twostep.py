"""Two-step sign-in for the admin (twostep/, django-otp): who must enrol,
what a half-signed-in session can reach (nothing but the step), wrong codes
locking out like wrong passwords, backup codes, a superuser's reset, and
`createsuperuser` in Vietnamese."""

import re
from io import StringIO
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.models import Entry
from twostep import devices

PASSWORD = "mat-khau-thu-nghiem"
ADDRESS = "203.0.113.9"
VERIFY = "/admin/xac-thuc-hai-buoc/ma-xac-thuc/"
ENROL = "/admin/xac-thuc-hai-buoc/dang-ky/"
BACKUP = "/admin/xac-thuc-hai-buoc/ma-du-phong/"
LIMIT = 5  # AXES_FAILURE_LIMIT's default.


@pytest.fixture(autouse=True)
def production_rule(settings):
    settings.TWO_STEP_REQUIRED_FOR = frozenset({"superusers", "editors"})


def sign_in(user, client=None):
    """The admin's login form, password right: the first step only."""
    client = client or Client(REMOTE_ADDR=ADDRESS)
    answer = client.post(
        "/admin/login/",
        {"username": user.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    return client


def code_now(device, ahead=0) -> str:
    """What the authenticator app shows now (RFC 6238, django-otp's own)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, ahead):06d}"


def enrolled(user) -> TOTPDevice:
    device = devices.new_app(user)
    devices.confirm_app(device)
    return device


def secret_on(page) -> str:
    return re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page.content.decode())[1]


def send_code(client, code, path=VERIFY):
    return client.post(path, {"code": code, "next": "/admin/"})


# Who must


def test_superusers_and_editors_must_by_default_writers_may():
    from wardnews import settings as production

    assert production.TWO_STEP_REQUIRED_FOR == {"superusers", "editors"}


def test_a_misspelt_rule_stops_the_site(monkeypatch):
    from wardnews.settings import env_set

    monkeypatch.setenv("DJANGO_TWO_STEP_REQUIRED_FOR", "editors,bientapvien")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_TWO_STEP_REQUIRED_FOR"):
        env_set(
            "DJANGO_TWO_STEP_REQUIRED_FOR",
            "",
            allowed={"superusers", "editors", "writers"},
        )


# Enrolment before anything else


ADMIN_PAGES = [
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/article/add/",
    "/admin/wards/staff/",
    "/admin/thong-ke/",
    "/admin/password_change/",
    "/admin/xac-thuc-hai-buoc/",
    "/admin/login/",
]


def test_an_editor_without_a_device_reaches_no_admin_page_but_enrolment(
    ward_editor,
):
    client = sign_in(ward_editor)

    for path in ADMIN_PAGES:
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith(ENROL), path
    # Staff pages outside the admin treat the session as a reader's.
    assert client.get("/ckeditor/browse/").status_code in (302, 403)
    # A crafted POST for backup codes gets none.
    answer = client.post(BACKUP)
    assert answer.status_code == 302 and answer["Location"].startswith(ENROL)
    assert not StaticToken.objects.filter(device__user=ward_editor).exists()

    page = client.get(ENROL)
    assert page.status_code == 200
    assert "Tài khoản của bạn cần xác thực hai bước" in page.content.decode()


def test_enrolling_shows_a_qr_code_and_the_secret_and_then_opens_the_admin(
    ward_editor,
):
    client = sign_in(ward_editor)
    page = client.get(f"{ENROL}?next=/admin/articles/article/")
    html = page.content.decode()
    assert "<svg" in html and "<script" not in html.split("</header>")[-1]
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', html).group(1)
    device = TOTPDevice.objects.get(user=ward_editor)
    assert secret.replace(" ", "") == devices.secret(device).replace(" ", "")
    assert "style=" not in devices.qr_svg(device)  # CSP: no inline style.

    wrong = send_code(client, "000000" if code_now(device) != "000000" else "1", ENROL)
    assert "Mã chưa đúng" in wrong.content.decode()
    codes_page = client.post(
        ENROL, {"code": code_now(device), "next": "/admin/articles/article/"}
    )

    assert codes_page.status_code == 200
    shown = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode()
    )
    assert len(shown) == 10
    assert client.get("/admin/articles/article/").status_code == 200
    assert Entry.objects.filter(action=Entry.Action.ENROLLED, user=ward_editor).exists()


def test_the_secret_shown_is_this_sessions_own(ward_editor):
    """Reloading keeps the QR code; opening enrolment elsewhere (another
    attempt, or someone with the password) makes a new one and the first
    session's can no longer be confirmed: it is told to scan again."""
    first = sign_in(ward_editor)
    shown = secret_on(first.get(ENROL))
    assert secret_on(first.get(ENROL)) == shown
    first_device = TOTPDevice.objects.get(user=ward_editor)

    other = sign_in(ward_editor, Client(REMOTE_ADDR="198.51.100.20"))
    assert secret_on(other.get(ENROL)) != shown

    answer = send_code(first, code_now(first_device), ENROL)
    assert answer.status_code == 200
    assert "Mã QR bạn đã quét không còn dùng được" in answer.content.decode()
    assert secret_on(answer) not in (shown, secret_on(other.get(ENROL)))
    assert not devices.has_app(ward_editor)
    # Only the last attempt is kept, unconfirmed.
    assert TOTPDevice.objects.filter(user=ward_editor).count() == 1


def test_a_superuser_with_a_device_types_its_code_after_the_password(editor):
    device = enrolled(editor)
    client = sign_in(editor)
    assert client.get("/admin/")["Location"].startswith(VERIFY)

    answer = send_code(client, code_now(device))

    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    assert client.get("/admin/wards/staff/").status_code == 200


def test_crafted_ways_round_the_second_step_fail(editor):
    device = enrolled(editor)
    client = sign_in(editor)

    for path in ADMIN_PAGES:
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith(VERIFY)
    # Enrolling a new phone would replace the one the step asks for.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": code_now(device)})["Location"].startswith(VERIFY)
    # Nor new backup codes, nor a POST to a change form.
    assert client.post(BACKUP)["Location"].startswith(VERIFY)
    answer = client.post(
        f"/admin/wards/staff/{editor.pk}/change/", {"username": "doiten"}
    )
    assert answer.status_code == 302
    editor.refresh_from_db()
    assert editor.username == "bientapvien"
    # An outside "next" is not followed after the step.
    answer = client.post(
        VERIFY, {"code": code_now(device), "next": "https://x.example/"}
    )
    assert answer["Location"] == "/admin/"


# Lockout


def test_wrong_codes_lock_out_like_wrong_passwords(editor):
    device = enrolled(editor)
    client = sign_in(editor)

    answers = [send_code(client, "12345" + str(n)) for n in range(LIMIT)]

    assert [a.status_code for a in answers[:-1]] == [200] * (LIMIT - 1)
    assert answers[-1].status_code == 429
    assert "Tạm khóa đăng nhập" in answers[-1].content.decode()
    assert not get_user(client).is_authenticated
    # Locked out: the right password and the right code get nowhere.
    again = Client(REMOTE_ADDR="198.51.100.4")
    answer = again.post(
        "/admin/login/", {"username": editor.username, "password": PASSWORD}
    )
    assert answer.status_code == 429
    assert not get_user(again).is_authenticated
    assert send_code(again, code_now(device)).status_code == 302  # to the login
    assert not get_user(again).is_authenticated


def test_a_right_code_after_one_wrong_code_fewer_than_the_limit_signs_in(editor):
    device = enrolled(editor)
    client = sign_in(editor)
    for n in range(LIMIT - 1):
        assert send_code(client, f"99999{n}x").status_code == 200

    assert send_code(client, code_now(device))["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_passwords_and_wrong_codes_add_up(editor):
    enrolled(editor)
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(LIMIT - 1):
        client.post(
            "/admin/login/", {"username": editor.username, "password": f"doan-{n}"}
        )
    sign_in(editor, Client(REMOTE_ADDR="198.51.100.5"))
    second = Client(REMOTE_ADDR="198.51.100.6")
    sign_in(editor, second)

    assert send_code(second, "999999x").status_code == 429


def test_a_right_password_does_not_wipe_the_count_of_wrong_codes(editor):
    """Otherwise a guesser who has the password would log in again after
    each few wrong codes and guess for ever."""
    enrolled(editor)
    first = sign_in(editor)
    for n in range(LIMIT - 2):
        assert send_code(first, f"99999{n}").status_code == 200

    second = sign_in(editor, Client(REMOTE_ADDR="198.51.100.10"))

    assert send_code(second, "999998").status_code == 200
    assert send_code(second, "999997").status_code == 429


def test_the_code_clears_the_failures_when_the_sign_in_is_complete(editor):
    device = enrolled(editor)
    client = sign_in(editor)
    send_code(client, "000001x")
    assert AccessAttempt.objects.filter(username=editor.username).exists()

    send_code(client, code_now(device))

    assert not AccessAttempt.objects.filter(username=editor.username).exists()


# Backup codes


def test_a_backup_code_works_once(editor):
    device = enrolled(editor)
    codes = devices.new_backup_codes(editor)
    first = sign_in(editor)
    assert send_code(first, codes[0].upper()[:4] + " " + codes[0][4:])["Location"] == (
        "/admin/"
    )
    assert "còn 9 mã" in first.get("/admin/").content.decode()

    second = sign_in(editor, Client(REMOTE_ADDR="198.51.100.7"))
    answer = send_code(second, codes[0])
    assert answer.status_code == 200
    assert "Mã không đúng hoặc đã dùng" in answer.content.decode()
    assert send_code(second, codes[1])["Location"] == "/admin/"
    assert devices.backup_codes_left(editor) == 8
    assert device.pk  # The app is still there.


def test_new_backup_codes_replace_the_old_ones_and_show_once(editor):
    device = enrolled(editor)
    old = devices.new_backup_codes(editor)
    client = sign_in(editor)
    send_code(client, code_now(device))

    page = client.post(BACKUP, {"code": old[0]})

    fresh = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(fresh) == 10 and not set(fresh) & set(old)
    assert "In các mã" in page.content.decode()
    settings_page = client.get("/admin/xac-thuc-hai-buoc/").content.decode()
    assert "Còn <strong>10</strong> mã dự phòng" in settings_page
    assert fresh[0] not in settings_page


def test_new_backup_codes_and_a_new_phone_take_a_current_code(editor):
    """A session left open (or taken) without the phone can neither make
    new backup codes nor swap in another app; wrong codes count."""
    device = enrolled(editor)
    old = devices.new_backup_codes(editor)
    client = sign_in(editor)
    send_code(client, code_now(device))

    for sent in ({}, {"code": "000000x"}):
        page = client.post(BACKUP, sent)
        assert page.status_code == 200
        assert "<li><code>" not in page.content.decode()
    assert "Mã không đúng hoặc đã dùng" in page.content.decode()
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)
    assert AccessAttempt.objects.get(username=editor.username).failures_since_start

    answer = client.get(ENROL)
    assert answer["Location"].startswith("/admin/xac-thuc-hai-buoc/xac-nhan/")
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(
        "/admin/xac-thuc-hai-buoc/xac-nhan/"
    )
    assert TOTPDevice.objects.filter(user=editor).count() == 1
    wrong = client.post(answer["Location"], {"code": "000000x", "next": ENROL})
    assert "Mã không đúng hoặc đã dùng" in wrong.content.decode()
    right = client.post(answer["Location"], {"code": old[0], "next": ENROL})
    assert right["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200 and '<code id="secret">' in page.content.decode()
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.post(ENROL, {"code": code_now(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]


def test_too_many_wrong_codes_for_new_backup_codes_lock_out(editor):
    device = enrolled(editor)
    client = sign_in(editor)
    send_code(client, code_now(device))

    answers = [client.post(BACKUP, {"code": f"99999{n}x"}) for n in range(LIMIT)]

    assert answers[-1].status_code == 429
    assert not get_user(client).is_authenticated


# Writers


def test_writers_may_go_without_or_choose_the_second_step(writer):
    client = sign_in(writer)
    assert client.get("/admin/").status_code == 200
    assert "chưa bật" in client.get("/admin/xac-thuc-hai-buoc/").content.decode()

    client.get(ENROL)
    device = TOTPDevice.objects.get(user=writer)
    assert client.post(ENROL, {"code": code_now(device)}).status_code == 200

    # Chosen once, asked every time.
    device.refresh_from_db()
    later = sign_in(writer, Client(REMOTE_ADDR="198.51.100.8"))
    assert later.get("/admin/")["Location"].startswith(VERIFY)


def test_writers_must_when_the_site_says_so(settings, writer):
    settings.TWO_STEP_REQUIRED_FOR = frozenset({"superusers", "editors", "writers"})
    client = sign_in(writer)
    assert client.get("/admin/")["Location"].startswith(ENROL)


# Reset


def test_a_superuser_resets_a_colleagues_device(editor, ward_editor):
    lost = enrolled(ward_editor)
    devices.new_backup_codes(ward_editor)
    colleague = sign_in(ward_editor, Client(REMOTE_ADDR="198.51.100.9"))
    send_code(colleague, code_now(lost))
    assert colleague.get("/admin/").status_code == 200
    admin_device = enrolled(editor)
    boss = sign_in(editor)
    send_code(boss, code_now(admin_device))
    listing = boss.get("/admin/twostep/authenticatorapp/")
    assert "bientapphuong" in listing.content.decode()

    answer = boss.post(
        "/admin/twostep/authenticatorapp/",
        {"action": "reset", "_selected_action": [lost.pk]},
        follow=True,
    )

    assert "Đã đặt lại xác thực hai bước của: bientapphuong" in answer.content.decode()
    assert not TOTPDevice.objects.filter(user=ward_editor).exists()
    assert not StaticToken.objects.filter(device__user=ward_editor).exists()
    assert TOTPDevice.objects.filter(user=editor).exists()
    entry = Entry.objects.get(action=Entry.Action.DEVICE_RESET)
    assert (entry.user, entry.target) == (editor, "bientapphuong")
    # The colleague's open session is over (a lost phone's may be one of
    # them): enrolling again takes the password first.
    answer = colleague.get("/admin/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/")
    assert not get_user(colleague).is_authenticated
    assert colleague.get(ENROL)["Location"].startswith("/admin/login/")
    assert sign_in(ward_editor, colleague).get("/admin/")["Location"].startswith(ENROL)
    # The superuser's own session goes on.
    assert boss.get("/admin/").status_code == 200


def test_django_otps_own_device_admins_answer_nowhere(editor):
    """They show and edit the secret keys and the backup codes: only our
    list (who, since when, reset) is in the admin."""
    from django.contrib import admin

    device = enrolled(editor)
    client = sign_in(editor)
    send_code(client, code_now(device))
    assert client.get("/admin/").status_code == 200

    assert not [
        model
        for model in admin.site._registry
        if model._meta.app_label in ("otp_totp", "otp_static")
    ]
    for path in [
        "/admin/otp_totp/",
        "/admin/otp_totp/totpdevice/",
        "/admin/otp_totp/totpdevice/add/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        "/admin/otp_static/",
        "/admin/otp_static/staticdevice/",
        "/admin/otp_static/staticdevice/add/",
    ]:
        assert client.get(path).status_code == 404, path


def test_a_reset_ends_half_signed_in_sessions_and_optional_ones_too(editor, writer):
    """A session that had typed the password but not yet the code, and a
    writer's (whose second step is optional: without a device the password
    alone would do), both end: the password comes first again."""
    enrolled(editor)
    half = sign_in(editor)
    writers_device = enrolled(writer)
    writers = sign_in(writer, Client(REMOTE_ADDR="198.51.100.21"))
    send_code(writers, code_now(writers_device))
    assert writers.get("/admin/").status_code == 200

    call_command("reset_two_step", editor.username, stdout=StringIO())
    call_command("reset_two_step", writer.username, stdout=StringIO())

    for client in (half, writers):
        assert client.get(ENROL)["Location"].startswith("/admin/login/")
        assert client.get("/admin/")["Location"].startswith("/admin/login/")
        assert not get_user(client).is_authenticated
    assert sign_in(writer, writers).get("/admin/").status_code == 200


def test_only_superusers_see_or_reset_devices(ward_editor, writer):
    device = enrolled(writer)
    client = sign_in(ward_editor)
    client.get(ENROL)
    own = TOTPDevice.objects.get(user=ward_editor, confirmed=False)
    client.post(ENROL, {"code": code_now(own)})
    assert client.get("/admin/").status_code == 200

    assert client.get("/admin/twostep/authenticatorapp/").status_code == 403
    client.post(
        "/admin/twostep/authenticatorapp/",
        {"action": "reset", "_selected_action": [device.pk]},
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# createsuperuser


def test_createsuperuser_asks_in_vietnamese_and_says_how_to_enrol(db):
    out, err = StringIO(), StringIO()
    prompts = []
    answers = iter(["", "quantri@phuong.gov.vn"])

    def fake_input(prompt):
        prompts.append(prompt)
        return next(answers)

    passwords = iter(["ngan", "ngan", "mat-khau-rat-dai-2026", "mat-khau-rat-dai-2026"])

    def fake_getpass(prompt):
        prompts.append(prompt)
        return next(passwords)

    stdin = mock.Mock(isatty=lambda: True)
    with (
        mock.patch("builtins.input", fake_input),
        mock.patch("getpass.getpass", fake_getpass),
        mock.patch(
            "django.contrib.auth.management.get_system_username",
            return_value="root",
        ),
    ):
        call_command("createsuperuser", stdin=stdin, stdout=out, stderr=err)

    assert prompts[0] == "Tên đăng nhập (để trống để dùng “root”): "
    assert prompts[1] == "Email (có thể để trống): "
    assert prompts[2:4] == ["Mật khẩu: ", "Nhập lại mật khẩu: "]
    assert "Mật khẩu quá ngắn" in err.getvalue()
    said = out.getvalue()
    assert "Đã tạo tài khoản quản trị viên “root”." in said
    assert "đăng ký xác thực hai bước" in said
    assert not re.search(
        r"\b(Password|leave blank|successfully)\b", said + err.getvalue()
    )
    from django.contrib.auth.models import User

    assert User.objects.get(username="root").is_superuser


def test_createsuperuser_without_questions(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "mat-khau-rat-dai-2026")
    out = StringIO()
    call_command("createsuperuser", "--noinput", "--username", "admin", stdout=out)
    assert "Đã tạo tài khoản quản trị viên “admin”." in out.getvalue()
    with pytest.raises(Exception, match="đã có người dùng"):
        call_command("createsuperuser", "--noinput", "--username", "admin")


def test_createsuperuser_without_questions_refuses_a_weak_password(db, monkeypatch):
    """The script's password meets the rules a typed one does: refused in
    Vietnamese, the command fails (exit status 1), no account."""
    from django.contrib.auth.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "quantri2026")
    with pytest.raises(CommandError, match="Mật khẩu quá ngắn") as refused:
        call_command("createsuperuser", "--noinput", "--username", "quantri")

    assert "DJANGO_SUPERUSER_PASSWORD" in str(refused.value)
    assert refused.value.returncode == 1
    assert not User.objects.filter(username="quantri").exists()


def test_reset_two_step_from_the_server_when_no_superuser_can_sign_in(editor):
    enrolled(editor)
    devices.new_backup_codes(editor)
    out = StringIO()

    call_command("reset_two_step", "bientapvien", stdout=out)

    assert "Đã đặt lại xác thực hai bước của “bientapvien”" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert devices.backup_codes_left(editor) == 0
    assert Entry.objects.get(action=Entry.Action.DEVICE_RESET).target == "bientapvien"
    client = sign_in(editor)
    assert client.get("/admin/")["Location"].startswith(ENROL)
    with pytest.raises(Exception, match="Không có tài khoản “ai”"):
        call_command("reset_two_step", "ai")


def test_a_code_opens_one_sign_in_only(editor):
    """Read over a shoulder and typed again within its 30 seconds: refused."""
    device = enrolled(editor)
    code = code_now(device)
    assert send_code(sign_in(editor), code)["Location"] == "/admin/"

    again = sign_in(editor, Client(REMOTE_ADDR="198.51.100.12"))

    assert send_code(again, code).status_code == 200
    assert again.get("/admin/")["Location"].startswith(VERIFY)
