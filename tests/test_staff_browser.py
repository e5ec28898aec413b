""" "Cán bộ" in Chromium: the city's IT adds a writer on a server without
email, hands over the link shown once; the writer sets a password and signs
in. Screenshots of the form, the list and the pages go to
/tmp/wardnews-shots/staff-*."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from wards import roles

from .conftest import make_staff
from .test_accessibility import AXE, AXE_OPTIONS, RUN_AXE
from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/wardnews-shots")
NEW_PASSWORD = "Hoa-sen-no-giua-ho-2026"
AXE_ON_THE_WARDS = """async options => {
    const result = await axe.run(document.querySelector('.inline-group'), options);
    return result.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target));
}"""


def test_the_city_it_adds_a_writer_who_sets_a_password_and_signs_in(
    settings, new_context, live_server, editor, ward, second_ward
):
    settings.EMAIL_HOST = ""
    SHOTS.mkdir(exist_ok=True)
    make_staff("bientapphuong", ward, role=roles.EDITOR)
    make_staff("phongvienbode", second_ward)
    for user in User.objects.filter(username__in=["bientapphuong", "phongvienbode"]):
        user.last_name, user.first_name = "Lê Văn", user.username[:4].title()
        user.save()

    page = new_context(bypass_csp=True).new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, editor)
    page.get_by_role("link", name="Cán bộ").first.click()
    page.get_by_role("link", name="Thêm cán bộ").click()
    # The superuser's own choice is folded away under "Nâng cao".
    expect(page.get_by_label("Quản trị viên thành phố")).not_to_be_visible()
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Thu Hà")
    page.get_by_label("Email").fill("thuha@phucloi.gov.vn")
    page.locator("#id_ward").select_option(label=ward.name)
    page.get_by_label("Vai trò").select_option(label=roles.WRITER)
    page.screenshot(path=SHOTS / "staff-add-desktop.png", full_page=True)
    page.get_by_role("button", name="Lưu lại").click()

    link_box = page.locator("input.invitation-link")
    expect(link_box).to_be_visible()
    link = link_box.input_value()
    assert re.search(r"/admin/dat-mat-khau/[^/]+/[^/]+/$", link)
    page.screenshot(path=SHOTS / "staff-added-desktop.png", full_page=True)
    expect(page.locator(".inline-group")).to_contain_text("Thêm phường làm việc")
    # The wards' table (Django's own breadcrumbs are not ours to judge).
    page.add_script_tag(path=AXE)
    assert page.evaluate(AXE_ON_THE_WARDS, AXE_OPTIONS) == []

    page.goto(f"{live_server.url}/admin/wards/staff/")
    expect(page.locator("#result_list")).to_contain_text("Phường Phúc Lợi – Phóng viên")
    expect(page.locator("#result_list")).to_contain_text("Chưa đặt mật khẩu")
    page.screenshot(path=SHOTS / "staff-list-desktop.png", full_page=True)

    # The new writer, on their phone, with the link handed over.
    phone = new_context(phone=True, bypass_csp=True).new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Đặt mật khẩu")).to_be_visible()
    # Staff's first page of the site, often on a phone: WCAG 2.2 AA.
    phone.add_script_tag(path=AXE)
    assert phone.evaluate(RUN_AXE, AXE_OPTIONS) == []
    expect(phone.locator("body")).to_contain_text("thuha@phucloi.gov.vn")
    phone.screenshot(path=SHOTS / "staff-set-password-phone.png", full_page=True)
    phone.get_by_label("Mật khẩu mới:", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đặt mật khẩu").click()
    expect(phone.get_by_role("heading", name="Đã đặt mật khẩu")).to_be_visible()
    phone.get_by_role("link", name="Đăng nhập").click()
    phone.get_by_label("Tên đăng nhập").fill("thuha@phucloi.gov.vn")
    phone.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    expect(phone.get_by_role("heading", name="Quản lý nội dung")).to_be_visible()
    expect(phone.locator("#content-main")).not_to_contain_text("Cán bộ")

    # The list on a phone, and the ward's editor's own view of it.
    ward_editor = new_context(phone=True).new_page()
    log_in(ward_editor, live_server, User.objects.get(username="bientapphuong"))
    ward_editor.goto(f"{live_server.url}/admin/wards/staff/")
    expect(ward_editor.locator("#result_list")).to_contain_text("Nguyễn Thị Thu Hà")
    expect(ward_editor.locator("#result_list")).not_to_contain_text("Phường Bồ Đề")
    ward_editor.screenshot(path=SHOTS / "staff-list-editor-phone.png", full_page=True)
    ward_editor.goto(f"{live_server.url}/admin/wards/staff/add/")
    ward_editor.screenshot(path=SHOTS / "staff-add-editor-phone.png", full_page=True)
