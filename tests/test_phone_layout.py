"""What a resident sees on a 390 px phone, in a real Chromium: the whole
menu one tap away (no section hidden off the edge of a strip that gives no
sign it scrolls), and "Lượt xem: N" never split across two lines."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Category

from .browsing import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/wardnews-shots")
DESKTOP = {"width": 1366, "height": 768}
# The ward's own pages the menu names after its categories (other sections
# may join them: every link is checked).
WARD_PAGES = [
    "Văn bản",
    "Lịch công tác",
    "Thủ tục hành chính",
    "Giới thiệu",
    "Cơ cấu tổ chức",
    "Liên hệ",
]

MENU_LINKS = """() => [...document.querySelectorAll('.site-nav ul a')].map(a => {
    const box = a.getBoundingClientRect();
    return {text: a.textContent.trim(), left: box.left, right: box.right,
            width: box.width, top: box.top, bottom: box.bottom,
            hidden: !a.checkVisibility()};
})"""


@pytest.fixture
def menu(ward, make_article):
    Category.objects.create_defaults(ward)
    make_article(category=Category.objects.get(slug="thong-bao"))
    return ["Trang chủ", *ward.categories.values_list("name", flat=True), *WARD_PAGES]


def assert_all_on_screen(page, names, width):
    """Every link of the menu (the named ones among them) on the screen."""
    links = page.evaluate(MENU_LINKS)
    assert set(names) <= {link["text"] for link in links}
    for link in links:
        assert not link["hidden"] and link["width"] > 0, link
        assert link["left"] >= 0 and link["right"] <= width, link
        # A finger's target (WCAG 2.5.8 asks 24 px; we give 44).
        assert link["bottom"] - link["top"] >= 44, link


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_every_section_of_the_menu_is_one_tap_from_a_phones_menu_button(
    new_context, live_server, menu, scripts
):
    page = new_context(phone=True, java_script_enabled=scripts).new_page()
    page.goto(live_server.url + "/")
    button = page.get_by_text("Danh mục", exact=True)
    expect(button).to_be_visible()
    button.tap()
    # Every section at once, on the screen's width: nothing to scroll to.
    assert_all_on_screen(page, menu, PHONE["width"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"phone-menu-{'js' if scripts else 'nojs'}.png")
    page.locator(".site-nav").get_by_role("link", name="Liên hệ").tap()
    expect(page.locator("h1")).to_have_text("Liên hệ")
    # Closed again on the next page, the content right under the button.
    expect(page.locator(".site-nav ul a").first).to_be_hidden()
    expect(page.get_by_text("Danh mục", exact=True)).to_be_visible()


def test_on_a_desktop_the_whole_menu_shows_without_a_button(
    new_context, live_server, menu
):
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_text("Danh mục", exact=True)).to_be_hidden()
    links = page.evaluate(MENU_LINKS)
    assert set(menu) <= {link["text"] for link in links}
    assert all(
        not link["hidden"] and link["right"] <= DESKTOP["width"] for link in links
    )
    page.locator(".site-nav").get_by_role("link", name="Giới thiệu").click()
    expect(page.locator("h1")).to_contain_text("Giới thiệu")


# Where "Lượt xem: N" starts and ends on screen, at the reader's text size.
VIEWS_LINES = """() => {
    const line = document.querySelector('.date-line');
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let node, started = false;
    while ((node = walker.nextNode())) {
        const at = node.data.indexOf('Lượt xem');
        if (!started && at >= 0) { range.setStart(node, at); started = true; }
        if (started) range.setEnd(node, node.data.length);
    }
    return new Set([...range.getClientRects()]
        .filter(r => r.width > 0).map(r => Math.round(r.bottom))).size;
}"""


def test_the_view_count_stays_beside_its_label_at_every_text_size(
    new_context, live_server, make_article
):
    article = make_article(
        published_at=timezone.now() - timedelta(hours=3), view_count=1_234_567
    )
    page = new_context(phone=True).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    for size in ["-1", "0", "1", "2", "3"]:
        page.evaluate(
            "size => document.documentElement.setAttribute('data-text-size', size)",
            size,
        )
        assert page.evaluate(VIEWS_LINES) == 1, f"text size {size}"
        # The reader's own view counts too.
        expect(page.locator(".date-line")).to_contain_text("Lượt xem: 1.234.56")
