"""Under `make run` (DEBUG), Django's own debug pages (the technical 404 and
500) keep their inline style: the site's CSP allows exactly those style
blocks, by hash, in DEBUG only. In production the headers stay as they were,
byte for byte."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from articles.views import ArticleDetailView
from wardnews import headers

from .browsing import PHONE

# The reader and admin policies as production sent them before debug pages
# were styled: they must not move.
PRODUCTION_READER_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' "
    "'sha256-SAm0fH7IWeX4OzP0TyjLphy5it8zY0Mc+wzZtDM7K9E='; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
PRODUCTION_ADMIN_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MISSING = "/khong-co-trang-nay/"


def styles_of(page: str) -> list[str]:
    return re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)


def assert_styles_allowed(response) -> str:
    """Each <style> of the page is allowed by its policy: the policy."""
    policy = response.headers["Content-Security-Policy"]
    styles = styles_of(response.text)
    assert styles
    for style in styles:
        assert headers.source_hash(style) in policy
        assert headers.source_hash(style) not in PRODUCTION_READER_POLICY
    return policy


@pytest.mark.django_db
def test_production_headers_are_unchanged(settings, reader, article_page_url):
    settings.DEBUG = False
    for url in ["/", article_page_url, MISSING]:
        policy = reader.get(url).headers["Content-Security-Policy"]
        assert policy == PRODUCTION_READER_POLICY, url
    assert headers.READER_POLICY == PRODUCTION_READER_POLICY
    assert headers.ADMIN_POLICY == PRODUCTION_ADMIN_POLICY
    page = reader.get(MISSING)
    assert page.status_code == 404
    for style in styles_of(page.text):  # The site's own 404 page.
        assert headers.source_hash(style) in PRODUCTION_READER_POLICY


@pytest.mark.django_db
def test_under_debug_the_technical_404_gets_its_style(settings, reader, ward):
    settings.DEBUG = True
    response = reader.get(MISSING)
    assert response.status_code == 404
    assert "Page not found" in response.text  # Django's technical 404.
    policy = assert_styles_allowed(response)
    # Its style, and no door opened wider: no inline script, no other style.
    assert "'unsafe-inline'" not in policy
    assert headers.source_hash("body { display: none }") not in policy


@pytest.mark.django_db
def test_under_debug_the_technical_500_gets_its_style(
    settings, monkeypatch, article_page_url
):
    def crash(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(ArticleDetailView, "get", crash)
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get(article_page_url)
    assert response.status_code == 500
    assert "RuntimeError" in response.text  # Django's technical 500.
    assert_styles_allowed(response)


@pytest.fixture
def article_page_url(make_article):
    return make_article().get_absolute_url()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_technical_404_is_styled_in_chromium(settings, new_context, live_server):
    settings.DEBUG = True
    page = new_context(viewport=PHONE).new_page()
    blocked = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security" in m.text else None,
    )
    page.goto(f"{live_server.url}{MISSING}")
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    # Django's technical 404 page styles it "#summary { background: #ffc; }".
    colour = summary.evaluate("e => getComputedStyle(e).backgroundColor")
    page.screenshot(path="/tmp/wardnews-shots/debug-404.png", full_page=True)
    assert colour == "rgb(255, 255, 204)"
    assert blocked == []
