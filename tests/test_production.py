"""`gunicorn wardnews.wsgi` from the project root serves the site as deployed:
DEBUG off, static files through WhiteNoise, Vietnamese error pages."""

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from pages.decorators import ARTICLE_SECONDS

from .browsing import EDITOR_READY
from .conftest import PHONE_UA, redis_for_tests
from .serving import Gunicorn, deployed_env, free_port, manage
from .test_editor import ADD_URL, open_dialog

pytestmark = pytest.mark.gunicorn

PASSWORD = "mat-khau-thu-nghiem"
SEED_SLUG = (
    "thuong-truc-dang-uy-phuong-phuc-loi-lam-viec-voi-mttq-va-cac-doan-the-ctxh"
    "-phuong-ve-nhiem-vu-nam-2022"
)


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    env = deployed_env(
        folder,
        free_port(),
        DJANGO_SECRET_KEY="production-test-" + "k" * 40,
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        GUNICORN_WORKERS="2",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,bode.localhost",
        # The admin over plain HTTP, for the editor's test below.
        DJANGO_SECURE_COOKIES="false",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        # The editor's test signs in with the password alone: two-step
        # sign-in has a browser test of its own (test_twostep_browser.py).
        DJANGO_TWO_STEP_REQUIRED_FOR="",
        # As in production: the workers share pages and count in Redis.
        REDIS_URL=redis_for_tests(db=14),
    )
    manage(
        env,
        ["migrate", "--no-input"],
        ["load_demo"],
        # The photos' renditions, as the worker beside the site makes them.
        ["db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        ["collectstatic", "--no-input"],
        ["createsuperuser", "--no-input", "--username", "quantri", "--email", "a@b.vn"],
    )
    server = Gunicorn(env, folder)
    yield server.base
    server.stop()


def test_it_serves_the_home_page_with_the_seed_article(site):
    status, headers, page = fetch(site + "/")
    assert status == 200
    assert "Thường trực Đảng ủy phường Phúc Lợi làm việc với MTTQ" in page
    assert "Set-Cookie" not in headers


def test_each_ward_is_served_on_its_own_host(site):
    status, _, page = fetch(site + "/", Host="bode.localhost")
    assert status == 200
    assert "Phường Bồ Đề ra quân tổng vệ sinh môi trường" in page
    assert "Thường trực Đảng ủy phường Phúc Lợi" not in page
    status, _, _ = fetch(site + "/bai-viet/" + SEED_SLUG + "/", Host="bode.localhost")
    assert status == 404
    status, _, _ = fetch(site + "/", Host="evil.example.com")
    assert status == 400


def test_static_files_come_from_whitenoise_with_long_caching(site):
    _, _, page = fetch(site + "/")
    css = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert css.startswith("/static/css/site.") and css.endswith(".css")
    status, headers, body = fetch(site + css)
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    assert ".site-header" in body


def test_errors_are_vietnamese_pages_without_debug_details(site):
    status, _, page = fetch(site + "/bai-viet/khong-co-bai-nay/")
    assert status == 404
    assert "Không tìm thấy trang" in page
    assert "Traceback" not in page and "URLconf" not in page


def test_800_readers_at_once_are_all_counted(site):
    """800 different readers (no cookies between them) hit the seed article on
    the real server at once; every one of them is counted."""
    url = site + "/bai-viet/" + SEED_SLUG + "/"

    def read(_):
        request = urllib.request.Request(url, headers={"User-Agent": PHONE_UA})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(read, range(800)))
    assert statuses == [200] * 800

    # The page a reader sees may trail by the few seconds the page cache
    # keeps an article page (ARTICLE_SECONDS), no more.
    crawler = urllib.request.Request(url, headers={"User-Agent": "Googlebot/2.1"})
    deadline = time.monotonic() + ARTICLE_SECONDS + 2
    while True:
        with urllib.request.urlopen(crawler, timeout=10) as response:
            page = response.read().decode()
        shown = (  # 75 + 800
            'Ngày đăng 24/01/2022 | 10:15 | <span class="nowrap">Lượt xem: 875</span>'
            in page
        )
        if shown or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert shown


# The editor as deployed: collected, hashed files served by WhiteNoise.


@pytest.mark.browser
def test_the_editor_works_from_the_collected_files(site, new_context):
    """Every file the editor and its dialogs load is among the collected
    ones (wardnews/staticfiles.py leaves the rest of CKEditor out)."""
    page = new_context().new_page()
    answers = []
    page.on("response", lambda r: answers.append((r.status, r.url)))
    page.goto(site + "/admin/login/?next=" + ADD_URL)
    page.locator("#id_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    # A superuser of several wards first picks the ward.
    page.locator(".choose-ward-list a").first.click()
    page.wait_for_function(EDITOR_READY)
    for button in ["image", "link", "table"]:
        open_dialog(page, button)
        page.evaluate("CKEDITOR.dialog.getCurrent().hide()")
    plugins = page.evaluate("Object.keys(CKEDITOR.instances.id_body.plugins)")
    assert "image2" in plugins and "image" not in plugins
    static = [(status, url) for status, url in answers if "/static/" in url]
    assert any(
        "/static/ckeditor/ckeditor/plugins/image2/dialogs/" in u for _, u in static
    )
    assert [(s, u) for s, u in static if s >= 400] == []


def test_a_client_claiming_https_is_not_believed_without_a_proxy(site):
    """gunicorn takes X-Forwarded-Proto (or -Ssl) from 127.0.0.1 as the
    scheme unless told otherwise: without DJANGO_BEHIND_PROXY a local
    process could make the site think a plain request is HTTPS."""
    for header in ({"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}):
        status, headers, _ = fetch(
            f"{site}/bai-viet/{SEED_SLUG}/", **{"User-Agent": PHONE_UA, **header}
        )
        assert status == 200
        assert "wn_seen" in headers.get("Set-Cookie", "")
        assert "Secure" not in headers["Set-Cookie"], header
