"""One real Chromium for the browser tests (marker `browser`), and fresh
browser contexts that reach the local servers and nothing else.

Debian's Chromium through Playwright. .ci/system-packages installs it (make
test runs that first), so without /usr/bin/chromium the tests that ask for
it fail, naming the script. A pytest plugin of tests/conftest.py.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
# How long an action or an expect() waits for the page.
TIMEOUT_MS = 10_000
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# The article form's CKEditor, ready to type in (a function: the admin's
# CSP forbids the eval Playwright uses for a bare expression).
EDITOR_READY = (
    "() => window.CKEDITOR && CKEDITOR.instances.id_body"
    " && CKEDITOR.instances.id_body.status === 'ready'"
)

# The second ward's host too: Chromium sends any *.localhost to 127.0.0.1.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "bode.localhost"}
# A resident reading on an Android phone.
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the run. Sync Playwright keeps an event loop running
    in this thread, so the ORM must be told that calling it here is fine."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"the browser tests need Chromium at {CHROMIUM}: run"
            " .ci/system-packages as root (make test does), or apt-get install"
            " chromium"
        )
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (new_context): on a loaded CI
    # machine a save can take more than expect()'s own 5 seconds to answer.
    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            yield chromium
            chromium.close()


def local_only(route):
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def new_context(browser):
    """Fresh browser contexts (cookies and all), closed after the test: a
    phone's if asked, logged in as `user` on `site` if given."""
    contexts = []

    def new(phone=False, user=None, site=None, **options):
        if phone:
            options = {
                "viewport": PHONE,
                "user_agent": PHONE_UA,
                "is_mobile": True,
                "has_touch": True,
                **options,
            }
        context = browser.new_context(
            locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", local_only)
        if user is not None:
            client = Client()
            client.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            context.add_cookies(
                [{"name": name, "value": client.cookies[name].value, "url": site}]
            )
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


def paste_picture(page, png: bytes, name: str = "anh-dan.png") -> None:
    """A PNG pasted into the article's CKEditor, as a paste from another
    program gives it: a paste event whose clipboard holds the file."""
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.evaluate(
        """([bytes, name]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name,
                                    {type: 'image/png'}));
            CKEDITOR.instances.id_body.editable().$.dispatchEvent(new ClipboardEvent(
                'paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [list(png), name],
    )
