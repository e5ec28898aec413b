"""A resident asks from a phone in Chromium: the proof of work runs in our
own worker under the site's CSP, the code comes back, and what they typed
survives a 503 (kept in the browser, restored on return, cleared once the
ward has it). Screenshots go to /tmp/shots-ask/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from questions import door
from questions.models import Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-ask")
BODY = "Hồ sơ đăng ký tạm trú cho người thuê trọ cần những giấy tờ gì ạ?"


@pytest.fixture(autouse=True)
def quick_door(settings, monkeypatch):
    settings.QUESTIONS_WORK_PREFIX = "00"
    monkeypatch.setattr(door, "TOKEN_MIN_AGE", 0)
    door.clear_local()
    yield
    door.clear_local()


def work_done(page):
    """The widget solved its challenge (while the resident typed)."""
    page.wait_for_function(
        "() => document.querySelector('altcha-widget')?.getState?.() === 'verified'"
    )


def fill(page):
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Tổ dân phố hoặc địa chỉ").fill("Tổ 5")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Lĩnh vực").select_option("cu-tru")
    page.get_by_label("Tiêu đề").fill("Đăng ký tạm trú")
    page.get_by_label("Nội dung").fill(BODY)


def test_a_resident_asks_from_a_phone(new_context, live_server, ward):
    SHOTS.mkdir(exist_ok=True)
    page = new_context(phone=True).new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{live_server.url}/hoi-dap/gui-cau-hoi/")
    fill(page)
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    work_done(page)
    page.screenshot(path=SHOTS / "ask-phone.png", full_page=True)
    page.get_by_role("button", name="Gửi").click()
    expect(
        page.get_by_role("heading", name=re.compile("Phường đã nhận"))
    ).to_be_visible()
    item = Submission.objects.get()
    expect(page.get_by_text(item.code)).to_be_visible()
    page.screenshot(path=SHOTS / "sent-phone.png", full_page=True)
    assert not item.held, "the proof of work did not run in the browser"
    assert not errors


def test_a_503_loses_nothing_typed(new_context, live_server, ward):
    context = new_context(phone=True)
    page = context.new_page()
    url = f"{live_server.url}/hoi-dap/gui-cau-hoi/"
    page.goto(url)
    fill(page)
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    work_done(page)

    def outage(route):
        if route.request.method == "POST":
            route.fulfill(
                status=503,
                content_type="text/html; charset=utf-8",
                body="<!doctype html><title>503</title><p>Hệ thống đang bận</p>",
            )
        else:
            route.continue_()

    page.route("**/hoi-dap/gui-cau-hoi/", outage)
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Hệ thống đang bận")).to_be_visible()
    assert not Submission.objects.exists()

    page.unroute("**/hoi-dap/gui-cau-hoi/")
    page.goto(url)  # The resident comes back later.
    expect(page.get_by_label("Nội dung")).to_have_value(BODY)
    expect(page.get_by_label("Họ và tên")).to_have_value("Nguyễn Văn An")
    expect(page.get_by_text(re.compile("đã được điền lại"))).to_be_visible()
    page.screenshot(path=SHOTS / "restored-phone.png", full_page=True)

    page.get_by_label(re.compile("Tôi đồng ý")).check()
    work_done(page)
    page.get_by_role("button", name="Gửi").click()
    expect(
        page.get_by_role("heading", name=re.compile("Phường đã nhận"))
    ).to_be_visible()
    assert Submission.objects.get().body == BODY
    page.wait_for_function("() => localStorage.getItem('wn-cau-hoi') === null")
    page.goto(url)
    expect(page.get_by_label("Nội dung")).to_have_value("")


def test_a_failed_proof_of_work_never_stops_the_resident(
    new_context, live_server, ward
):
    page = new_context(phone=True).new_page()
    page.route("**/hoi-dap/thu-thach/", lambda route: route.fulfill(status=500))
    page.goto(f"{live_server.url}/hoi-dap/gui-cau-hoi/")
    fill(page)
    page.get_by_label(re.compile("Tôi đồng ý")).check()
    expect(page.get_by_text(re.compile("Chưa xác minh tự động được"))).to_be_visible()
    page.get_by_role("button", name="Gửi").click()
    expect(
        page.get_by_role("heading", name=re.compile("Phường đã nhận"))
    ).to_be_visible()
    assert Submission.objects.get().held
