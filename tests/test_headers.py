"""Security headers on every response, static files and media included
(wardnews/headers.py): a strict Content-Security-Policy for readers, the
admin's just wide enough for CKEditor, and in a real Chromium not one
violation on the pages readers and staff use.

The browser tests (marker `browser`) drive Debian's Chromium at
/usr/bin/chromium through Playwright (.ci/system-packages installs it).
"""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Category
from wardnews import headers

from .browsing import paste_picture
from .conftest import PHONE_UA, png_bytes

PASSWORD = "mat-khau-thu-nghiem"  # The conftest users' password.

EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: set(sources)
        for name, *sources in (part.split() for part in policy.split(";"))
    }


def assert_every_header(response):
    for name, value in EVERY_RESPONSE.items():
        assert response.get(name) == value, (name, response.get(name))
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def assert_reader_policy(response):
    policy = directives(response)
    assert policy["default-src"] == {"'none'"}
    assert policy["script-src"] == {"'self'"}
    # Our own stylesheets, and the error pages' own few rules by hash.
    assert "'unsafe-inline'" not in policy["style-src"]
    assert {s for s in policy["style-src"] if not s.startswith("'sha256-")} == {
        "'self'"
    }
    assert policy["img-src"] == {"'self'"}
    assert policy["connect-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["base-uri"] == {"'none'"}
    assert policy["form-action"] == {"'self'"}


@pytest.fixture
def article(make_article):
    return make_article(
        title="Hội nghị tổng kết năm",
        featured_image=ContentFile(png_bytes((800, 450)), "hoi-nghi.png"),
        featured_image_alt="Quang cảnh hội nghị",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "article",
        "category",
        "/tim-kiem/?q=h%E1%BB%99i+ngh%E1%BB%8B",
        "/gioi-thieu/",
        "/lien-he/",
        "/rss/",
        "/sitemap.xml",
        "/robots.txt",
        "/anh-chia-se.png",
        "/khong-co-trang-nay/",
    ],
)
def test_reader_pages_carry_every_header_and_the_strict_policy(reader, article, url):
    if url == "article":
        url = article.get_absolute_url()
    elif url == "category":
        url = article.category.get_absolute_url()
    response = reader.get(url)
    assert response.status_code in (200, 404)
    assert_every_header(response)
    assert_reader_policy(response)


@pytest.fixture
def static_client(settings):
    """WhiteNoise serving static files as in production, from the finders
    (the tests have no collectstatic)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client(headers={"user-agent": PHONE_UA})


@pytest.mark.parametrize(
    "path",
    ["css/site.css", "js/site.js", "img/logo.svg", "ckeditor/ckeditor/ckeditor.js"],
)
def test_static_files_carry_the_headers_too(static_client, path):
    response = static_client.get(f"/static/{path}")
    assert response.status_code == 200
    # Answered by WhiteNoise, before Django's own X-Frame-Options middleware.
    assert type(response).__name__ == "WhiteNoiseFileResponse"
    assert_every_header(response)
    assert_reader_policy(response)


def test_uploaded_pictures_carry_the_headers_too(reader, article):
    response = reader.get(article.featured_image.url)
    assert response.status_code == 200
    assert_every_header(response)
    assert_reader_policy(response)


def test_error_pages_may_use_their_own_inline_style_and_no_other():
    policy = headers.READER_POLICY
    for template in ["400.html", "403_csrf.html", "500.html"]:
        page = render_to_string(template)
        styles = re.findall(r"<style>(.*?)</style>", page, re.S)
        assert styles, template
        for style in styles:
            assert headers.source_hash(style) in policy, template
    assert headers.source_hash("body { display: none }") not in policy


@pytest.fixture
def superuser_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/wards/staff/",
        "/admin/thong-ke/",
        "/admin/password_change/",
    ],
)
def test_admin_pages_without_the_editor_run_no_inline_script(
    superuser_client, ward, url
):
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert_every_header(response)
    policy = directives(response)
    assert policy["script-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["default-src"] == {"'none'"}


def test_the_login_page_runs_no_inline_script(db):
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert directives(response)["script-src"] == {"'self'"}


@pytest.mark.parametrize("form", ["article_add", "article_change", "ward_change"])
def test_pages_with_the_editor_allow_what_ckeditor_needs(
    superuser_client, ward, article, form
):
    url = {
        "article_add": "/admin/articles/article/add/",
        "article_change": f"/admin/articles/article/{article.pk}/change/",
        "ward_change": f"/admin/wards/ward/{ward.pk}/change/",
    }[form]
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert b'data-type="ckeditortype"' in response.content
    assert_every_header(response)
    policy = directives(response)
    # CKEditor 4's toolbar buttons are inline event handlers; it never evals.
    assert policy["script-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["img-src"] == {"'self'", "data:"}
    assert policy["connect-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}


# In a real Chromium: every violation the browser reports, on readers' pages
# and while staff use the editor and its dialogs.

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
    window.__violations.push([event.effectiveDirective, event.blockedURI,
                              event.sourceFile + ':' + event.lineNumber].join(' '));
});
"""


class Watcher:
    """What the browser said against the site's policies, in any page,
    popup or frame of a context."""

    def __init__(self, context):
        self.console = []
        context.add_init_script(script=WATCH)
        context.on("console", self._console)
        self.pages = []
        context.on("page", lambda page: self.pages.append(page))

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        # A step that failed (a dialog that never opened, a picture that
        # never loaded) most often failed because of a violation: say it.
        if error is not None:
            assert self.violations() == [], f"{kind.__name__}: {error}"

    def violations(self):
        found = list(self.console)
        for page in self.pages:
            if page.is_closed():
                continue
            for frame in page.frames:
                try:
                    found += frame.evaluate("() => window.__violations || []")
                except Exception:  # A frame gone meanwhile.
                    pass
        return found


@pytest.fixture
def reader_content(ward, media_root):
    Category.objects.create_defaults(ward)
    category = Category.objects.get(ward=ward, slug="tin-tuc-su-kien")
    picture = media_root / "uploads" / ward.upload_folder / "2024/12/20/le-hoi.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(png_bytes((800, 450), (30, 110, 170)))
    return Article.objects.create(
        category=category,
        title="Lễ hội truyền thống phường",
        lead="Phường tổ chức lễ hội truyền thống.",
        body=(
            "<p>Sáng nay, phường tổ chức lễ hội.</p>"
            f'<figure class="image"><img src="/media/uploads/{ward.upload_folder}'
            '/2024/12/20/le-hoi.png" alt="Lễ hội" width="800" height="450">'
            "<figcaption>Quang cảnh lễ hội.</figcaption></figure>"
        ),
        featured_image=ContentFile(png_bytes((1200, 675)), "le-hoi-anh-dai-dien.png"),
        featured_image_alt="Lễ hội truyền thống",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reader_pages_show_no_policy_violation_in_chromium(
    new_context, live_server, reader_content
):

    article = reader_content
    context = new_context(phone=True)
    with Watcher(context) as watcher:
        read_like_a_resident(context.new_page(), live_server, article)
    assert watcher.violations() == []


def read_like_a_resident(page, live_server, article):
    """Every kind of reader page; the article's pictures, text size, share."""
    for url in [
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        "/tim-kiem/?q=l%E1%BB%85+h%E1%BB%99i",
        "/gioi-thieu/",
        "/lien-he/",
        "/khong-co-trang-nay/",
    ]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        # Our scripts ran: head.js marks the page, site.js wires the buttons.
        expect(page.locator("html.js")).to_have_count(1)
    page.goto(live_server.url + article.get_absolute_url())
    for img in page.locator("main img").all():
        img.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth", arg=img.element_handle()
        )
    page.get_by_role("button", name="Tăng cỡ chữ").click()
    expect(page.locator("html")).to_have_attribute("data-text-size", "1")
    page.get_by_role("button", name="Chia sẻ").click()
    expect(page.locator("[data-share-status]")).not_to_be_empty()
    # The JSON-LD is data, not a script: the policy neither runs nor blocks it.
    ld = page.evaluate(
        "() => JSON.parse(document.querySelector("
        "'script[type=\"application/ld+json\"]').textContent)['@type']"
    )
    assert ld == "NewsArticle"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_its_dialogs_and_the_admin_show_no_policy_violation(
    new_context, live_server, editor, ward, reader_content, tmp_path
):

    context = new_context(viewport={"width": 1280, "height": 900})
    with Watcher(context) as watcher:
        work_like_staff(
            context.new_page(), live_server, editor, reader_content, tmp_path
        )
    assert watcher.violations() == []


def work_like_staff(page, live_server, editor, article, tmp_path):
    """Log in, write with the editor and every dialog staff use, save twice,
    and open the history, preview, list, statistics, ward and user forms."""
    # The login form, then the admin's index.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Tên đăng nhập").fill(editor.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    page.get_by_label("Chuyên mục").select_option(str(article.category.pk))
    page.get_by_label("Tiêu đề").fill("Thông báo lịch tiếp công dân")
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.keyboard.type("Ủy ban nhân dân phường thông báo lịch tiếp công dân.")
    page.locator("a.cke_button__bold").click()
    page.keyboard.type(" Chữ đậm.")

    def dialog(button):
        page.locator(f"a.cke_button__{button}").click()
        page.wait_for_function("() => CKEDITOR.dialog.getCurrent()")
        shown = page.locator(".cke_dialog:visible")
        shown.wait_for()
        return shown

    # The link dialog.
    link = dialog("link")
    link.get_by_label("Địa chỉ (URL)").fill("hanoi.gov.vn/")
    link.get_by_role("button", name="Đồng ý").click()
    expect(link).to_be_hidden()
    # The table dialog.
    table = dialog("table")
    table.get_by_role("button", name="Đồng ý").click()
    expect(table).to_be_hidden()
    # The image dialog: a picture uploaded from the computer, then the
    # image browser's popup.
    picture = tmp_path / "hoi-nghi.png"
    picture.write_bytes(png_bytes((640, 400)))
    image = dialog("image")
    upload = image.frame_locator("iframe.cke_dialog_ui_input_file")
    upload.locator("input[type=file]").set_input_files(picture)
    expect(image.locator(".editor-upload-status")).to_have_text(
        re.compile("^Đã tải ảnh lên.")
    )
    with page.expect_popup() as opened:
        image.get_by_role("button", name="Chọn ảnh đã tải lên").click()
    browser_window = opened.value
    browser_window.wait_for_load_state("networkidle")
    with browser_window.expect_event("close"):
        browser_window.locator("button.browse-picture").first.click()
    page.keyboard.type("Quang cảnh hội nghị")
    image.get_by_role("button", name="Đồng ý").click()
    expect(image).to_be_hidden()
    # A picture pasted into the text goes up by itself.
    paste_picture(page, png_bytes((320, 200)))
    page.wait_for_function(
        "() => /anh-dan-[0-9a-f]{10}[.]png/.test(CKEDITOR.instances.id_body.getData())"
    )
    page.locator('.submit-row [name="_continue"]').click()
    expect(page.locator(".messagelist")).to_be_visible()
    saved = Article.objects.get(title="Thông báo lịch tiếp công dân")
    assert "<strong>" in saved.body and "<table>" in saved.body

    # Saved twice: a history to compare.
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.keyboard.type(" Thêm một câu.")
    page.locator('.submit-row [name="_continue"]').click()
    expect(page.locator(".messagelist")).to_be_visible()
    admin = f"{live_server.url}/admin/articles/article/{saved.pk}"
    page.goto(f"{admin}/history/")
    page.get_by_role("button", name="So sánh hai bản đã chọn").click()
    page.wait_for_url(re.compile("/history/compare/"))
    for url in [
        f"{admin}/xem-truoc/",
        f"{live_server.url}/admin/articles/article/",
        f"{live_server.url}/admin/thong-ke/",
        f"{live_server.url}/admin/wards/ward/{article.ward_id}/change/",
        f"{live_server.url}/admin/wards/staff/{editor.pk}/change/",
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
