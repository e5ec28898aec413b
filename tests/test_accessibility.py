"""Every reader page, on a phone and on a desktop, gives axe-core nothing to
report against WCAG 2.2 AA (the tags below): checked in Chromium on the demo
content, with the real seed article given a photo and an attachment, a
category long enough to have a second page, and the second ward's site.
The admin's login page too, which staff see.

axe-core is the npm package `make test` installs under .venv/node (pinned
in the Makefile: AXE_CORE_VERSION). The site's Content-Security-Policy
forbids the injected script, so these contexts, and only these, bypass it.
Marked `browser`; without Chromium or axe.min.js it fails, saying how to
get them.

One test per viewport, each reusing its browser context for every page and
reporting every page's violations together: one run shows all there is to
fix, and the demo content is loaded twice rather than once per page.
"""

import io
import re
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from articles.demo_content import SEED_FILE as DEMO_SEED_FILE
from articles.demo_content import load_demo_content
from articles.models import Article, Attachment
from questions.demo_content import load_demo_questions
from schedules.demo_content import load_schedule_demo

from .conftest import SECOND_HOST, SEED_FILE
from .test_attachments import pdf_bytes
from .test_html_valid import error_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT = Path(__file__).resolve().parent.parent
AXE = PROJECT / ".venv/node/node_modules/axe-core/axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the house rule.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    }
}
# What of axe's answer a failure message needs.
RUN_AXE = """async options => {
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map(node => node.target.join(' ')),
    }));
}"""
DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = {
    "phone": {"phone": True},
    "desktop": {"viewport": DESKTOP},
}
SHOWN_TARGETS = 3


@pytest.fixture(autouse=True)
def axe_core():
    """axe.min.js, or a failure that says how to get it: checked before the
    content is made."""
    if not AXE.is_file():
        pytest.fail(f"the accessibility test needs {AXE}: make test installs it")
    return AXE


def jpeg(size=(1200, 675), colour=(165, 27, 27)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def demo_site(ward, live_server):
    """The demo content (`manage.py load_demo`'s: both wards), the seed
    article with a photo, a caption and a PDF, and enough articles in its
    category for a second page. Returns (name, url, status) of each page."""
    assert SEED_FILE == DEMO_SEED_FILE
    load_demo_content()
    load_schedule_demo()
    load_demo_questions(ward)
    # The seed article: the demo's only one from 2022.
    seed = Article.objects.get(ward=ward, published_at__year=2022)
    seed.featured_image = ContentFile(jpeg(), "hoi-nghi.jpg")
    seed.featured_image_alt = "Quang cảnh buổi làm việc tại trụ sở Đảng ủy phường"
    seed.featured_image_caption = "Thường trực Đảng ủy phường làm việc với MTTQ."
    seed.save()
    Attachment.objects.create(
        article=seed,
        name="Chương trình công tác năm 2022.pdf",
        file=ContentFile(pdf_bytes(), "chuong-trinh.pdf"),
    )
    now = timezone.now()
    for n in range(12):
        Article.objects.create(
            category=seed.category,
            title=f"Chi bộ tổ dân phố số {n + 1} sinh hoạt chuyên đề tháng 12",
            lead=f"Chi bộ tổ dân phố số {n + 1} đã tổ chức sinh hoạt chuyên đề.",
            body="<p>Các đảng viên đã thảo luận sôi nổi.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=n + 1),
        )

    category = seed.category.get_absolute_url()
    # Its second page: where the first one's "Cũ hơn" leads.
    first = Client().get(category).text
    older = re.search(r'<a href="([^"]+)" rel="next"', first)
    assert older, "the category has no second page"
    site = live_server.url
    second_site = f"http://{SECOND_HOST}:{urlsplit(site).port}"
    return [
        ("home", f"{site}/", 200),
        ("home-search-open", f"{site}/", 200),
        ("category", f"{site}{category}", 200),
        ("category-page-2", f"{site}{unescape(older[1])}", 200),
        ("article-seed", f"{site}{seed.get_absolute_url()}", 200),
        ("search-results", f"{site}/tim-kiem/?q=h%E1%BB%99i+ngh%E1%BB%8B", 200),
        ("search-no-results", f"{site}/tim-kiem/?q=xyzzyqx", 200),
        ("about", f"{site}/gioi-thieu/", 200),
        ("contact", f"{site}/lien-he/", 200),
        ("feeds", f"{site}/tin-rss/", 200),
        ("schedule-week", f"{site}/lich-cong-tac/", 200),
        ("schedule-receptions", f"{site}/lich-tiep-cong-dan/", 200),
        ("questions", f"{site}/hoi-dap/", 200),
        ("question-form", f"{site}/hoi-dap/gui-cau-hoi/", 200),
        ("report-form", f"{site}/hoi-dap/gui-phan-anh/", 200),
        ("answer", f"{site}/hoi-dap/ho-so-dang-ky-tam-tru/", 200),
        ("status", f"{site}/hoi-dap/tra-cuu/", 200),
        ("privacy", f"{site}/chinh-sach-bao-ve-du-lieu-ca-nhan/", 200),
        ("not-found", f"{site}/bai-viet/khong-co-bai-nay/", 404),
        ("second-ward-home", f"{second_site}/", 200),
        ("admin-login", f"{site}/admin/login/", 200),
    ]


# What a reader sees on a page that shows it is the page meant (the others
# are told apart by their status alone); the header's search is opened.
SIGNS = {
    "home-search-open": ["#o-tim-kiem"],
    "category-page-2": ["a[rel=prev]"],
    "article-seed": [".article-image img", ".article-image figcaption", "a.attachment"],
    "search-results": [".search-results li"],
    "search-no-results": [".search-note[role=status]"],
    "second-ward-home": [".brand-name:has-text('Bồ Đề')"],
    "admin-login": ["#login-form"],
    "schedule-week": ['[aria-current="date"]', ".schedule-entry"],
    "schedule-receptions": [".schedule-entry"],
    "questions": [".ask-item"],
    "question-form": ["altcha-widget input[type=checkbox]"],
    "answer": [".ask-reply .article-body li"],
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_on_any_reader_page(
    new_context, demo_site, axe_core, viewport
):
    # axe's "incomplete" (needs review: text on the header's gradient, links
    # beside a pseudo-element) are not failures; only its violations are.
    page = new_context(bypass_csp=True, **VIEWPORTS[viewport]).new_page()
    size = page.viewport_size
    failures = []
    for name, url, status in demo_site:
        response = page.goto(url)
        assert response.status == status, (name, url, response.status)
        if name == "home-search-open":
            page.locator(".header-search summary").click()
        for sign in SIGNS.get(name, []):
            expect(page.locator(sign).first).to_be_visible()
        page.add_script_tag(path=axe_core)
        violations = page.evaluate(RUN_AXE, AXE_OPTIONS)
        if violations:
            failures.append(describe(name, url, violations))
    assert not failures, (
        f"axe-core finds WCAG 2.2 AA violations on {len(failures)} of"
        f" {len(demo_site)} pages at {viewport} size"
        f" ({size['width']}x{size['height']}):\n" + "\n".join(failures)
    )


def describe(name, url, violations):
    """A page's violations, each with the first few elements it names."""
    lines = [f"{name} {url}"]
    for violation in violations:
        targets = violation["targets"]
        shown = ", ".join(targets[:SHOWN_TARGETS])
        more = len(targets) - SHOWN_TARGETS
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']}"
            f" – {shown}" + (f" (+{more} more)" if more > 0 else "")
        )
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_on_the_error_pages(new_context, axe_core, viewport):
    """The pages rendered without a request (an outage, "Trang đang được
    chuẩn bị" while a slow page renders, too many requests, a server
    error...): one layout of their own, held to WCAG 2.2 AA too."""
    page = new_context(bypass_csp=True, **VIEWPORTS[viewport]).new_page()
    failures = []
    for template, html in error_pages():
        page.set_content(html)
        expect(page.locator("h1")).to_be_visible()
        page.add_script_tag(path=axe_core)
        violations = page.evaluate(RUN_AXE, AXE_OPTIONS)
        if violations:
            failures.append(describe(template, "(no URL)", violations))
    assert not failures, "\n".join(failures)
