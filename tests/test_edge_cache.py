"""What nginx's micro-cache may keep (wardnews/edgecache.py): the header
that lets it keep a page a second goes on readers' list pages under their
own address only, never on a counted article page, never for someone signed
in, never with a cookie. `make scale-test` checks nginx itself."""

import time

import pytest
from django.test import Client

from wardnews.edgecache import HEADER

from .conftest import PHONE_UA


def kept_until(response):
    """The second nginx may keep the response to, or None."""
    value = response.headers.get(HEADER)
    return None if value is None else int(value.removeprefix("@"))


@pytest.mark.parametrize("served_by_page_cache", [False, True])
def test_list_pages_are_kept_by_nginx_to_the_end_of_the_second(
    reader, make_article, category, make_document, served_by_page_cache
):
    make_article(title="Lịch tiếp công dân tháng 5")
    make_document()
    for url in ("/", f"/chuyen-muc/{category.slug}/", "/van-ban/", "/sitemap.xml"):
        if served_by_page_cache:
            reader.get(url)
        before = int(time.time())
        response = reader.get(url)
        assert response.status_code == 200, url
        assert before <= kept_until(response) <= int(time.time()), url


def test_a_declared_parameter_is_kept_under_its_canonical_address(reader, ward):
    response = reader.get("/hoi-dap/?q=thu%E1%BA%BF")
    assert response.status_code == 200
    assert kept_until(response) is not None


@pytest.mark.parametrize(
    "query",
    ["fbclid=IwAR0abc", "utm_source=zalo", "xem=1", "q=thu%E1%BA%BF&q=thu%E1%BA%BF"],
)
def test_tracking_and_made_up_parameters_are_not_kept_by_nginx(reader, ward, query):
    """Each such address would be a copy of its own in nginx: the page cache
    serves them instead, as without nginx."""
    path = "/hoi-dap/" if query.startswith("q=") else "/"
    response = reader.get(f"{path}?{query}")
    assert response.status_code in (200, 301)  # 301: to the one spelling.
    assert kept_until(response) is None
    assert kept_until(reader.get(path)) is not None


def test_article_pages_are_never_kept_by_nginx(reader, make_article):
    """Each view is counted by the app: nginx must pass every one."""
    article = make_article()
    for _ in range(2):  # Rendered, then from the page cache.
        response = reader.get(article.get_absolute_url())
        assert response.status_code == 200
        assert kept_until(response) is None


def test_nothing_is_kept_by_nginx_for_someone_signed_in(client, writer, make_article):
    make_article()
    client.force_login(writer)
    response = client.get("/")
    assert response.status_code == 200
    assert kept_until(response) is None


def test_a_response_that_sets_a_cookie_is_never_kept_by_nginx(db):
    """A stale session cookie is deleted on the way out: that answer goes to
    its client only."""
    response = Client(headers={"user-agent": PHONE_UA}).get(
        "/", HTTP_COOKIE="sessionid=khongconhieuluc12345678"
    )
    assert response.status_code == 200
    assert kept_until(response) is None


def test_forms_search_and_errors_are_never_kept_by_nginx(reader, ward):
    for url, status in [
        ("/tim-kiem/?q=c%C3%B4ng+t%C3%A1c", 200),
        ("/hoi-dap/gui-cau-hoi/", 200),
        ("/khong-co-trang-nay/", 404),
    ]:
        response = reader.get(url)
        assert response.status_code == status, url
        assert kept_until(response) is None, url


def test_a_head_request_gets_the_same_word_as_a_get(reader, make_article):
    make_article()
    assert kept_until(reader.head("/")) is not None
