""" "Gỡ bài" in Chromium with JavaScript off: the link on the article's form
leads to a page that says what readers will lose, and its button takes the
article down; nothing on the way is blocked by the CSP. Screenshots go to
/tmp/wardnews-shots/takedown-*."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article

from .browsing import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/wardnews-shots")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 768}])
def test_an_editor_confirms_gỡ_bài_without_javascript(
    new_context, live_server, ward_editor, make_article, viewport
):
    article = make_article(title="Thông báo lịch cắt điện tháng 12")
    context = new_context(
        user=ward_editor,
        site=live_server.url,
        java_script_enabled=False,
        viewport=viewport,
    )
    page = context.new_page()
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security" in m.text else None,
    )
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    SHOTS.mkdir(exist_ok=True)
    page.locator(".submit-row").screenshot(
        path=SHOTS / f"takedown-form-{viewport['width']}.png"
    )
    page.get_by_role("link", name="Gỡ bài…").click()

    expect(page.get_by_role("heading", name="Gỡ bài khỏi trang?")).to_be_visible()
    expect(page.get_by_text("Bạn đọc sẽ không còn:")).to_be_visible()
    page.screenshot(path=SHOTS / f"takedown-{viewport['width']}.png", full_page=True)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    page.get_by_role("button", name="Có, gỡ bài").click()
    expect(page.get_by_text("Bài đã gỡ, bạn đọc không còn xem được.")).to_be_visible()
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert blocked == []
