"""The organisation, its English page and "Liên hệ" in a real Chromium, on a
phone and a desktop: nothing scrolls sideways, the photos load at their
size, "Chức năng, nhiệm vụ" opens, and the screenshots are left in
/tmp/wardnews-shots/ to be looked at."""

import pytest
from playwright.sync_api import expect

from organisation import demo_content
from wards.models import WardLink

from .browsing import PHONE
from .test_browser import assert_no_sideways_scroll, screenshot, wait_for_images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def demo_ward(ward):
    """The default ward as the demo fills it: details, footer, organisation."""
    demo_content.load_demo_content()
    return ward


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_organisation_pages_look_right(new_context, live_server, demo_ward, phone):
    options = {} if phone else {"viewport": DESKTOP}
    page = new_context(phone=phone, **options).new_page()
    size = "phone" if phone else "desktop"

    page.goto(f"{live_server.url}/co-cau-to-chuc/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cơ cấu tổ chức")
    photos = wait_for_images(page, "main")
    assert photos and all(width > 0 for _, width in photos), photos
    functions = page.locator("#to-chuc-uy-ban-nhan-dan-phuong details")
    expect(functions.locator(".article-body")).to_be_hidden()
    functions.locator("summary").click()
    expect(functions.locator(".article-body")).to_contain_text("thủ tục hành chính")
    if phone:
        assert_no_sideways_scroll(page)
    screenshot(page, f"organisation-{size}")

    page.get_by_role(
        "link", name="English: organisation, functions and contacts"
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Phuc Loi Ward: organisation and contacts"
    )
    if phone:
        assert_no_sideways_scroll(page)
    screenshot(page, f"organisation-english-{size}")

    page.goto(f"{live_server.url}/lien-he/")
    expect(
        page.get_by_role("heading", name="Người phụ trách tiếp nhận liên hệ")
    ).to_be_visible()
    footer = page.locator(".site-footer")
    expect(footer).to_contain_text("Cơ quan chủ quản: Ủy ban nhân dân phường Phúc Lợi")
    expect(
        footer.get_by_role("link", name="Cổng Dịch vụ công quốc gia")
    ).to_be_visible()
    if phone:
        assert_no_sideways_scroll(page)
    screenshot(page, f"organisation-contact-{size}")
    assert WardLink.objects.filter(ward=demo_ward).count() == 4
    assert page.viewport_size["width"] == (PHONE["width"] if phone else 1366)
