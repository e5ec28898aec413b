"""What makes the pages easy on residents' phones, as the server sends them:
the reader's tools on an article (text size, share, print), the header's
search box, the print stylesheet, headings in order, valid dates, lazy
pictures and compressed pages. How they behave in a browser is in
test_browser.py."""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from .conftest import png_bytes

PROJECT = Path(__file__).resolve().parent.parent


class Page(HTMLParser):
    """The elements of a page, each as (tag, attributes, text)."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self._open = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in {"meta", "link", "img", "input", "br", "source"}:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):  # <circle … />
        self.elements.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element[2] += data

    def find(self, tag, **attrs):
        return [
            (t, a, " ".join(text.split()))
            for t, a, text in self.elements
            if t == tag
            and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def buttons(self):
        """Each button's accessible name: its aria-label, else its text."""
        return {a.get("aria-label") or text for _, a, text in self.find("button")}

    def headings(self):
        return [int(t[1]) for t, _, _ in self.elements if re.fullmatch(r"h[1-6]", t)]


def page_of(response):
    assert response.status_code == 200, response.status_code
    return Page(response.text)


@pytest.fixture
def pages(make_article, category):
    """One of each reader page, with something on it."""
    article = make_article(
        title="Hội nghị sơ kết công tác Đảng",
        featured_image=ContentFile(png_bytes((640, 360)), "hoi-nghi.png"),
    )
    for n in range(3):
        make_article(featured_image=ContentFile(png_bytes(), f"anh-{n}.png"))
    return {
        "home": "/",
        "category": category.get_absolute_url(),
        "article": article.get_absolute_url(),
        "search": "/tim-kiem/?q=cong+tac+dang",
        "about": "/gioi-thieu/",
        "contact": "/lien-he/",
    }


# The reader's tools on an article


def test_an_article_has_text_size_share_and_print_buttons(reader, make_article):
    article = make_article()
    page = page_of(reader.get(article.get_absolute_url()))
    assert {
        "Giảm cỡ chữ",
        "Cỡ chữ mặc định",
        "Tăng cỡ chữ",
        "Chia sẻ",
        "In bài viết",
    } <= page.buttons()
    [(_, group, _)] = page.find("div", role="group")
    assert group["aria-label"] == "Cỡ chữ"
    # What the share button shares: the article's own address.
    [(_, share, _)] = [b for b in page.find("button") if "data-share" in b[1]]
    assert share["data-share"] == f"http://testserver{article.get_absolute_url()}"
    # Where "Đã sao chép liên kết" is said, for screen readers too.
    assert page.find("p", role="status")


def test_the_tools_hide_when_scripts_do_not_run(reader, make_article):
    page = page_of(reader.get(make_article().get_absolute_url()))
    [(_, tools, _)] = page.find("div", **{"class": "article-tools js-only"})
    assert tools
    # head.js, loaded before the page is drawn, says scripts run; site.js,
    # which makes the buttons work, and read-aloud.js ("Nghe bài viết")
    # wait for the page.
    scripts = [a for _, a, _ in page.find("script") if "src" in a]
    assert [s["src"] for s in scripts] == [
        "/static/js/head.js",
        "/static/js/site.js",
        "/static/js/read-aloud.js",
    ]
    assert "defer" not in scripts[0] and "async" not in scripts[0]
    assert all("defer" in script for script in scripts[1:])


def test_the_script_that_holds_the_page_back_is_tiny():
    # Every page waits for head.js before it is drawn.
    assert (PROJECT / "static" / "js" / "head.js").stat().st_size < 600


def test_an_article_prints_with_its_address_and_date(reader, make_article):
    article = make_article()
    page = page_of(reader.get(article.get_absolute_url()))
    [(_, _, source)] = page.find("p", **{"class": "print-only print-source"})
    assert f"http://testserver{article.get_absolute_url()}" in source
    published = timezone.localtime(article.published_at)
    assert f"đăng ngày {published:%d/%m/%Y} lúc {published:%H:%M}" in source


# Every page


def test_every_page_has_the_header_search_and_the_print_stylesheet(reader, pages):
    for name, path in pages.items():
        page = page_of(reader.get(path))
        [(_, form, _)] = page.find(
            "form", role="search", **{"class": "header-search-form"}
        )
        assert form["action"] == "/tim-kiem/" and form["method"] == "get", name
        [(_, field, _)] = page.find("input", id="o-tim-kiem")
        assert field["name"] == "q" and field["type"] == "search"
        [(_, _, label)] = page.find("label", **{"for": "o-tim-kiem"})
        assert label.startswith("Tìm tin bài"), name
        # The disclosure that opens it has a name of its own (the other one
        # is the phone's menu button).
        summaries = [text for _, _, text in page.find("summary")]
        assert summaries == ["Tìm kiếm", "Danh mục"], name
        stylesheets = {
            a["href"]: a.get("media") for _, a, _ in page.find("link", rel="stylesheet")
        }
        assert stylesheets == {
            "/static/css/site.css": None,
            "/static/css/print.css": "print",
        }, name


def test_the_header_search_finds(reader, make_article):
    make_article(title="Hội nghị sơ kết Công tác Đảng quý I")
    response = reader.get("/tim-kiem/", {"q": "cong tac dang"})
    assert "<mark>Công</mark> <mark>tác</mark> <mark>Đảng</mark>" in response.text


def test_pages_are_in_vietnamese_with_a_skip_link(reader, pages):
    for path in pages.values():
        response = reader.get(path)
        assert '<html lang="vi">' in response.text
        page = page_of(response)
        first_link = next(a for t, a, _ in page.elements if t == "a")
        assert first_link["href"] == "#noi-dung"
        assert page.find("main", id="noi-dung")


def test_headings_go_down_one_level_at_a_time(reader, pages):
    for name, path in pages.items():
        levels = page_of(reader.get(path)).headings()
        assert levels[0] == 1 and levels.count(1) == 1, (name, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (
            name,
            levels,
        )


def test_a_categorys_article_titles_are_h2(reader, pages):
    page = page_of(reader.get(pages["category"]))
    assert page.headings() == [1, 2, 2, 2, 2]


def test_dates_are_machine_readable_html_dates(reader, pages):
    # HTML allows at most three digits of a second's fraction: none here.
    # A day alone (the header's today) is a valid date too.
    for name, path in pages.items():
        for _, attrs, _ in page_of(reader.get(path)).find("time"):
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d{4})?", attrs["datetime"]
            ), (name, attrs["datetime"])


# Page weight


def test_pictures_below_the_top_load_lazily_with_their_box_size(reader, pages):
    page = page_of(reader.get(pages["home"]))
    cards = [a for _, a, _ in page.find("img") if a["src"].startswith("/media/")]
    # The lead story's picture at once, the others as they are scrolled to.
    assert "loading" not in cards[0]
    assert all(a.get("loading") == "lazy" for a in cards[1:])
    assert all(int(a["width"]) * 9 == int(a["height"]) * 16 for a in cards)
    category = page_of(reader.get(pages["category"]))
    first, *rest = [a for _, a, _ in category.find("img") if "/media/" in a["src"]]
    assert "loading" not in first
    assert all(a.get("loading") == "lazy" for a in rest)


def test_an_articles_photo_has_its_size_and_comes_first(reader, pages):
    page = page_of(reader.get(pages["article"]))
    [photo] = [a for _, a, _ in page.find("img") if a["src"].startswith("/media/")]
    assert (photo["width"], photo["height"]) == ("640", "360")
    assert photo["fetchpriority"] == "high"
    assert "loading" not in photo


@pytest.mark.parametrize("name", ["home", "category", "article", "search", "about"])
def test_pages_are_compressed_for_browsers_that_accept_it(reader, pages, name):
    plain = reader.get(pages[name])
    assert "Content-Encoding" not in plain
    response = reader.get(pages[name], headers={"accept-encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<title>" in html
    assert len(response.content) < len(plain.content) / 2


def test_pictures_are_sent_as_they_are_not_gzipped(reader, make_article, media_root):
    picture = media_root / "uploads" / "phuc-loi" / "anh.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(png_bytes())
    response = reader.get(
        "/media/uploads/phuc-loi/anh.png", headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == picture.read_bytes()
