"""Two-step sign-in in Chromium: a new superuser signs in, is taken to
enrolment, adds the account to an "authenticator app" (here: the code
computed from the secret the page shows, RFC 6238), prints its backup
codes, and reaches the admin; the next sign-in asks for the code. No
console errors on the way (the admin's CSP: no inline script or style).
Screenshots go to /tmp/shots-otp/."""

from base64 import b32decode
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-otp")
PASSWORD = "mat-khau-thu-nghiem"
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(autouse=True)
def production_rule(settings):
    settings.TWO_STEP_REQUIRED_FOR = frozenset({"superusers", "editors"})


def app_code(secret: str, ahead: int = 0) -> str:
    """What an authenticator app given this secret shows now."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6, drift=ahead):06d}"


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def password_step(page, base):
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_new_superuser_enrols_then_signs_in_with_the_code(
    new_context, live_server, phone
):
    User.objects.create_superuser("quantri", password=PASSWORD)
    context = new_context(phone=phone, **({} if phone else {"viewport": DESKTOP}))
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    size = "phone" if phone else "desktop"

    password_step(page, live_server.url)

    expect(page).to_have_url(
        f"{live_server.url}/admin/xac-thuc-hai-buoc/dang-ky/?next=%2Fadmin%2F"
    )
    expect(page.locator("h1")).to_have_text("Đăng ký xác thực hai bước")
    expect(page.locator(".twostep-qr svg")).to_be_visible()
    shoot(page, f"enrol-{size}")
    secret = page.locator("#secret").inner_text()
    page.fill("#id_code", "000000" if app_code(secret) != "000000" else "111111")
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_contain_text("Mã chưa đúng")
    page.fill("#id_code", app_code(secret))
    page.click("input[type=submit]")

    expect(page.locator("h1")).to_have_text("Mã dự phòng")
    expect(page.locator(".twostep-codes li")).to_have_count(10)
    expect(page.get_by_role("button", name="In các mã")).to_be_visible()
    shoot(page, f"backup-codes-{size}")
    page.emulate_media(media="print")
    shoot(page, f"backup-codes-print-{size}")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Đã cất mã, tiếp tục").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")

    # Signed out, the next sign-in asks for the app's code.
    page.get_by_role("button", name="Đăng xuất").click()
    password_step(page, live_server.url)
    expect(page.locator("h1")).to_have_text("Xác thực hai bước")
    shoot(page, f"verify-{size}")
    page.fill("#id_code", app_code(secret, ahead=1))  # The next 30 seconds'.
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/xac-thuc-hai-buoc/")
    expect(page.locator("#content-main")).to_contain_text("đang bật")
    shoot(page, f"settings-{size}")
    # New backup codes and a new phone take a current code first.
    page.get_by_role("button", name="Tạo bộ mã dự phòng mới").click()
    expect(page.locator(".errornote")).to_contain_text("Hãy nhập mã")
    shoot(page, f"settings-no-code-{size}")
    page.get_by_role("link", name="Đổi sang điện thoại khác").click()
    expect(page.locator("h1")).to_have_text("Xác nhận bằng mã hiện tại")
    shoot(page, f"reconfirm-{size}")
    page.fill("#id_code", app_code(secret, ahead=-1) + "0")
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_contain_text("Mã không đúng")
    assert errors == []


def test_superusers_lists_of_devices_and_of_activity(
    new_context, live_server, settings
):
    from activity.log import Action, record
    from twostep import devices

    settings.TWO_STEP_REQUIRED_FOR = frozenset()  # Straight in, for the pictures.
    boss = User.objects.create_superuser("quantri", password=PASSWORD)
    colleague = User.objects.create_user("bientap", password=PASSWORD, is_staff=True)
    devices.confirm_app(devices.new_app(colleague))
    record(None, Action.SIGN_IN_FAILED, user="khach-la")
    record(None, Action.DEVICE_RESET, user=boss, target="bientap")
    context = new_context(user=boss, site=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    page.goto(f"{live_server.url}/admin/twostep/authenticatorapp/")
    expect(page.locator("#result_list")).to_contain_text("bientap")
    shoot(page, "devices-desktop")
    page.goto(f"{live_server.url}/admin/activity/entry/")
    expect(page.locator("#result_list")).to_contain_text("khach-la")
    expect(page.locator("#changelist-filter")).to_contain_text("Theo việc")
    shoot(page, "activity-desktop")
    assert errors == []
