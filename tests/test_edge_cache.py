"""What nginx's micro-cache may keep (wardnews/edgecache.py): the header
that lets it keep a page a second goes on readers' list pages under their
own address only, never on a counted article page, never for someone signed
in, never with a cookie; and nginx itself, with the deploy kit's
configuration, in front of a live server (`make scale-test` measures it)."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from wardnews.edgecache import HEADER, may_keep_at_edge

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


@pytest.mark.parametrize(
    "path", ["/chuyen-muc//tin-tuc/", "/chuyen-muc/./", "/x/../", "/a/.."]
)
def test_a_path_nginx_would_read_as_another_is_never_kept(path):
    """nginx keys its copies on the path normalised ($uri: slashes merged,
    dots resolved), the app reads it as sent: a page answered at such a path
    would be kept as another page's copy."""
    request = RequestFactory().get(path)
    response = HttpResponse("trang", headers={"Cache-Control": "public"})
    assert not may_keep_at_edge(request, response)
    assert may_keep_at_edge(RequestFactory().get("/chuyen-muc/tin-tuc/"), response)


# nginx itself -------------------------------------------------------------


def _nginx_in_front_of(live_server, folder):
    """nginx with the deploy kit's micro-cache (as bench/scale_test.py
    builds it from deploy/nginx/wardnews.conf), in front of the live
    server: its process and port."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import scale_test

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        pytest.fail("These tests need nginx (apt-get install nginx).")
    port = scale_test.free_port()
    (folder / "srv").mkdir()
    upstream = live_server.url.removeprefix("http://")
    site = "\n".join(
        "    " + line for line in scale_test.site_directives().splitlines()
    )
    text = scale_test.TEMPLATE.read_text()
    for word, value in (
        ("@HTTP@", scale_test.http_directives().strip("\n")),
        ("@SITE@", site.strip("\n")),
        ("@UPSTREAM_SERVERS@", f"        server {upstream};"),
        ("@PORT@", str(port)),
        ("@TEMP@", str(folder)),
        ("@SRV@", str(folder / "srv")),
        ("@MIME_TYPES@", "/etc/nginx/mime.types"),
    ):
        text = text.replace(word, value)
    (folder / "nginx.conf").write_text(text)
    process = subprocess.Popen(
        [nginx, "-p", folder, "-c", folder / "nginx.conf", "-e", folder / "error.log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, port


@pytest.fixture
def nginx_port(live_server):
    """nginx's port and its cache folder."""
    # nginx's workers run as nobody when started as root: a folder they read.
    folder = Path(tempfile.mkdtemp(prefix="wardnews-edge-"))
    folder.chmod(0o755)
    process, port = _nginx_in_front_of(live_server, folder)
    yield port, folder / "cache"
    process.terminate()
    process.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def _copies(cache):
    return sorted(p for p in cache.rglob("*") if p.is_file())


@pytest.mark.django_db(transaction=True)
def test_nginx_keeps_one_copy_of_a_list_page_however_its_path_is_spelled(
    nginx_port, make_article, category
):
    """Each percent-encoding of a path's letters (2^n of them, and %6e or
    %6E) is the same page: nginx serves them its one copy, and neither
    writes another nor passes them all to the app, so no client can skip
    the micro-cache or fill its keys and disk. A different path (%43, a
    capital C) is another page: here a 404, never kept."""
    make_article(title="Lịch tiếp công dân tháng 5")
    port, cache = nginx_port
    path = f"/chuyen-muc/{category.slug}/"
    status, body = _get(port, path)
    assert status == 200, (cache.parent / "error.log").read_text()[-2000:]
    time.sleep(0.3)
    first = _copies(cache)
    assert len(first) == 1
    spellings = [
        (path.replace("c", "%63", 1), 200),
        (path.replace("c", "%63", 2), 200),
        (path.replace(category.slug, category.slug.replace("d", "%64")), 200),
        # Not the same page (a capital letter): a 404, never kept.
        (path.replace("/c", "/%43"), 404),
        (path.replace(category.slug, category.slug.replace("d", "%44")), 404),
    ]
    for spelling, status in spellings:
        assert _get(port, spelling)[0] == status, spelling
    time.sleep(0.3)
    assert _copies(cache) == first, "nginx wrote a copy per spelling of one page"


def test_readers_pages_are_kept_by_nginx_under_the_production_allowances(
    settings, reader, make_article, make_document, category
):
    """The renders' allowance (429 past it) is on in production: telling
    staff, who have none, from readers must not load the session, else
    every reader's page varies on Cookie and nginx keeps none of them."""
    settings.RENDERS_PER_SECOND = 1000
    settings.SEARCHES_PER_SECOND = 1000
    make_article()
    make_document()
    for url in ("/", f"/chuyen-muc/{category.slug}/", "/van-ban/", "/hoi-dap/?q=a"):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert kept_until(response) is not None, url
