"""How the ward's pages show when shared in Zalo or Facebook and to search
engines: titles, descriptions, canonical addresses, OpenGraph and Twitter
tags, an article's NewsArticle JSON-LD, and each ward's card picture."""

import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

import redisclient
from articles import cards
from articles.models import Article

from .conftest import SECOND_HOST, png_bytes

CARD = "/anh-chia-se.png"


class Head(HTMLParser):
    """What a crawler reads in a page's <head>."""

    def __init__(self, html):
        super().__init__()
        self.title = ""
        self.meta = {}  # name or property -> [content, ...]
        self.links = {}  # rel -> [href, ...]
        self.json_ld = []  # the text of each application/ld+json script
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.setdefault(attrs["rel"], []).append(attrs["href"])
        elif tag == "title" or (
            tag == "script" and attrs.get("type") == "application/ld+json"
        ):
            self._in = tag
            if tag == "script":
                self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld[-1] += data

    def one(self, key):
        values = self.meta.get(key, [])
        assert len(values) == 1, f"{key}: {values}"
        return values[0]

    @property
    def canonical(self):
        assert len(self.links.get("canonical", [])) == 1, self.links
        return self.links["canonical"][0]


def head(response):
    assert response.status_code == 200, response.status_code
    return Head(response.text)


def assert_shared_as(page, *, url, title, site="Phường Phúc Lợi", kind="website"):
    """The tags every shareable page has."""
    assert page.canonical == url
    assert page.one("og:url") == url
    assert page.one("og:type") == kind
    assert page.one("og:title") == title
    assert page.one("og:description")
    assert page.one("og:site_name") == f"Cổng thông tin điện tử {site}"
    assert page.one("og:locale") == "vi_VN"
    assert page.one("og:image").startswith(url.split("/", 3)[0] + "//")
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("description")


# Articles


def test_an_article_is_shared_with_its_title_lead_and_photo(reader, make_article):
    article = make_article(
        title="Hội nghị sơ kết công tác Đảng quý I",
        lead="Sáng 20/3, Đảng ủy phường tổ chức hội nghị sơ kết.",
        featured_image=ContentFile(png_bytes((800, 450)), "hoi-nghi.png"),
        featured_image_alt="Quang cảnh hội nghị sơ kết",
    )
    page = head(reader.get(article.get_absolute_url()))
    url = f"http://testserver{article.get_absolute_url()}"
    assert page.title == "Hội nghị sơ kết công tác Đảng quý I | Phường Phúc Lợi"
    assert page.one("description") == article.lead
    assert_shared_as(page, url=url, title=article.title, kind="article")
    assert page.one("og:description") == article.lead
    # The photo's 1200x630 JPEG rendition, as large as an 800x450 photo
    # allows, with its size, so a crawler needs not fetch it first.
    assert page.one("og:image").startswith("http://testserver/media/renditions/")
    assert page.one("og:image").endswith(
        f"{article.featured_image.name}.800x420_q80_crop_replace_alpha-white.jpg"
    )
    assert page.one("og:image:width") == "800"
    assert page.one("og:image:height") == "420"
    assert page.one("og:image:alt") == "Quang cảnh hội nghị sơ kết"  # Mô tả ảnh.
    published = timezone.localtime(article.published_at)
    assert page.one("article:published_time") == published.isoformat(timespec="seconds")
    assert page.one("article:published_time").endswith("+07:00")
    assert page.one("article:section") == "Công tác Đảng"


def test_an_article_without_a_photo_is_shared_with_the_wards_card(reader, make_article):
    article = make_article()
    page = head(reader.get(article.get_absolute_url()))
    assert page.one("og:image") == "http://testserver/anh-chia-se.png"
    assert page.one("og:image:width") == "1200"
    assert page.one("og:image:height") == "630"
    assert page.one("og:image:alt") == "Cổng thông tin điện tử Phường Phúc Lợi"


def test_every_article_has_a_title_of_its_own(reader, make_article):
    first, second = make_article(), make_article()
    titles = {head(reader.get(a.get_absolute_url())).title for a in (first, second)}
    assert len(titles) == 2


def test_the_news_article_json_ld(reader, make_article):
    article = make_article(
        title="Lịch tiếp công dân tháng 12",
        lead="Lãnh đạo phường tiếp công dân vào sáng thứ Năm.",
        featured_image=ContentFile(png_bytes(), "lich.png"),
    )
    page = head(reader.get(article.get_absolute_url()))
    [text] = page.json_ld
    data = json.loads(text)
    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["description"] == article.lead
    assert data["image"] == [page.one("og:image")]
    assert data["datePublished"] == page.one("article:published_time")
    assert data["dateModified"] >= data["datePublished"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    ward = {
        "@type": "Organization",
        "name": "Cổng thông tin điện tử Phường Phúc Lợi",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/img/logo.png",
        },
    }
    assert data["author"] == ward
    assert data["publisher"] == ward


def test_the_json_ld_cannot_be_broken_out_of(reader, make_article):
    title = 'Tin </script><script>alert("x")</script> & <!-- chú thích'
    article = make_article(title=title, lead="", body="")
    response = reader.get(article.get_absolute_url())
    html = response.text
    start = html.index('<script type="application/ld+json">')
    end = html.index("</script>", start)
    text = html[start + len('<script type="application/ld+json">') : end]
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    assert data["headline"] == title
    assert data["description"] == title  # Without a lead or body, the title.
    assert "<script>alert" not in html


def test_a_scheduled_article_was_modified_when_it_came_out(reader, make_article):
    article = make_article()
    # Saved (updated_at) before its publish time, as a scheduled article is.
    Article.objects.filter(pk=article.pk).update(
        updated_at=article.published_at - timedelta(days=2)
    )
    data = json.loads(head(reader.get(article.get_absolute_url())).json_ld[0])
    assert data["dateModified"] == data["datePublished"]


def test_a_missing_photo_file_does_not_break_the_page(reader, make_article):
    article = make_article(featured_image=ContentFile(png_bytes(), "mat.png"))
    article.featured_image.storage.delete(article.featured_image.name)
    page = head(reader.get(article.get_absolute_url()))
    assert page.one("og:image").endswith(article.featured_image.url)
    assert "og:image:width" not in page.meta


def test_drafts_and_scheduled_articles_give_readers_nothing(reader, make_article):
    draft = make_article(title="Bản nháp bí mật", status=Article.Status.DRAFT)
    scheduled = make_article(
        title="Bài hẹn giờ bí mật",
        published_at=timezone.now() + timedelta(hours=1),
    )
    for article in (draft, scheduled):
        response = reader.get(article.get_absolute_url())
        assert response.status_code == 404
        page = Head(response.text)
        assert article.title not in response.text
        assert not page.json_ld
        assert "canonical" not in page.links
        assert not any(key.startswith("og:") for key in page.meta)
        assert page.one("robots") == "noindex"


def test_staffs_preview_of_a_draft_is_not_for_indexing(client, writer, make_article):
    draft = make_article(status=Article.Status.DRAFT, author=writer)
    client.force_login(writer)
    page = head(client.get(f"/admin/articles/article/{draft.pk}/xem-truoc/"))
    assert page.one("robots") == "noindex, nofollow"


def test_another_wards_article_is_shared_on_its_own_host(
    second_reader, second_ward, make_article
):
    category = second_ward.categories.get(slug="thong-bao")
    article = make_article(category=category, title="Thông báo của phường Bồ Đề")
    page = head(second_reader.get(article.get_absolute_url()))
    url = f"http://{SECOND_HOST}{article.get_absolute_url()}"
    assert_shared_as(
        page, url=url, title=article.title, site="Phường Bồ Đề", kind="article"
    )
    assert page.one("og:image") == f"http://{SECOND_HOST}/anh-chia-se.png"
    data = json.loads(page.json_ld[0])
    assert data["mainEntityOfPage"]["@id"] == url
    assert data["publisher"]["name"] == "Cổng thông tin điện tử Phường Bồ Đề"
    assert data["publisher"]["url"] == f"http://{SECOND_HOST}/"


def test_a_ward_logo_is_the_publishers_logo(reader, ward, make_article):
    ward.logo = ContentFile(png_bytes((200, 200)), "logo.png")
    ward.save()
    article = make_article()
    data = json.loads(head(reader.get(article.get_absolute_url())).json_ld[0])
    assert data["publisher"]["logo"]["url"] == f"http://testserver{ward.logo.url}"


def test_the_canonical_address_leaves_tracking_out(reader, make_article):
    article = make_article()
    page = head(reader.get(article.get_absolute_url(), {"fbclid": "IwAR0abc"}))
    assert page.canonical == f"http://testserver{article.get_absolute_url()}"
    assert page.one("og:url") == page.canonical


# Lists and the ward's pages


def test_the_home_page(reader, make_article):
    make_article()
    page = head(reader.get("/", {"zarsrc": "30"}))
    assert page.title == "Trang chủ | Phường Phúc Lợi"
    assert_shared_as(
        page,
        url="http://testserver/",
        title="Cổng thông tin điện tử Phường Phúc Lợi",
    )
    assert page.one("og:image") == "http://testserver/anh-chia-se.png"
    assert not page.json_ld


def test_a_category_and_its_pages(reader, make_article, category):
    for _ in range(11):
        make_article()
    first = head(reader.get(category.get_absolute_url()))
    url = "http://testserver/chuyen-muc/cong-tac-dang/"
    assert_shared_as(first, url=url, title="Công tác Đảng – Phường Phúc Lợi")
    assert (
        first.one("description") == "Tin bài chuyên mục Công tác Đảng – Phường Phúc Lợi"
    )
    older = re.search(
        r'href="/chuyen-muc/cong-tac-dang/(\?cu-hon=\d+)"', reader.get(url).text
    )
    second = head(reader.get(url + older.group(1)))
    assert second.canonical == url + older.group(1)
    assert second.title.startswith("Công tác Đảng (các bài đăng từ ngày ")
    assert second.title.endswith(" trở về trước) | Phường Phúc Lợi")
    assert second.one("description") != first.one("description")


def test_a_categorys_description_is_its_meta_description(reader, category):
    category.description = "Tin về công tác xây dựng Đảng của Đảng bộ phường."
    category.save()
    page = head(reader.get(category.get_absolute_url()))
    assert page.one("description") == category.description
    assert page.one("og:description") == category.description


def test_search_pages(reader, make_article):
    make_article(title="Hội nghị công tác Đảng")
    page = head(reader.get("/tim-kiem/", {"q": "công tác", "utm_source": "x"}))
    # Results pages name the bare search page: their titles are whatever
    # someone typed, no page of ours for search engines to keep.
    url = "http://testserver/tim-kiem/"
    assert_shared_as(page, url=url, title="Tìm kiếm – Phường Phúc Lợi")
    assert page.title == "Tìm kiếm: công tác | Phường Phúc Lợi"
    assert "“công tác”" in page.one("description")
    # Indexable: a resident's search for a notice may be found by Google
    # too, and Lighthouse's SEO score asks for it.
    assert "robots" not in page.meta
    empty = head(reader.get("/tim-kiem/"))
    assert empty.canonical == "http://testserver/tim-kiem/"
    assert empty.title != page.title
    assert empty.one("description") != page.one("description")


@pytest.mark.parametrize(
    "path, title",
    [
        ("/gioi-thieu/", "Giới thiệu Phường Bồ Đề"),
        ("/lien-he/", "Liên hệ Phường Bồ Đề"),
    ],
)
def test_the_ward_pages_on_their_own_host(second_reader, path, title):
    page = head(second_reader.get(path))
    assert_shared_as(
        page, url=f"http://{SECOND_HOST}{path}", title=title, site="Phường Bồ Đề"
    )


def test_every_page_has_a_title_and_description_of_its_own(
    reader, make_article, category, other_category
):
    article = make_article()
    paths = [
        "/",
        category.get_absolute_url(),
        other_category.get_absolute_url(),
        article.get_absolute_url(),
        "/tim-kiem/",
        "/tim-kiem/?q=h%E1%BB%99i+ngh%E1%BB%8B",
        "/gioi-thieu/",
        "/lien-he/",
    ]
    pages = [head(reader.get(path)) for path in paths]
    assert len({page.title for page in pages}) == len(paths)
    assert len({page.one("description") for page in pages}) == len(paths)
    # Every page but a search's results is its own canonical page.
    assert len({page.canonical for page in pages}) == len(paths) - 1


def test_the_pages_keep_their_query_counts(
    reader, make_article, category, django_assert_num_queries, settings
):
    settings.PAGE_CACHE = False  # What rendering the pages costs.
    article = make_article(featured_image=ContentFile(png_bytes(), "anh.png"))
    make_article()
    reader.get("/")  # The host map is warm after the first request.
    # With a Redis buffer, the view is not stored in the database at once.
    with django_assert_num_queries(10 if not redisclient.enabled() else 8):
        reader.get(article.get_absolute_url())
    with django_assert_num_queries(3):
        reader.get(category.get_absolute_url())


# The ward's card picture


def card_of(client):
    response = client.get(CARD)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    return response, image


@pytest.fixture
def card_font():
    """The bold face the card's name is drawn in: Noto Sans Bold from
    fonts-noto-core, which .ci/system-packages installs (make test runs it)."""
    font = cards._font_file()
    if font is None:
        pytest.fail(
            "the card's text needs a font: run .ci/system-packages as root"
            " (make test does), or apt-get install fonts-noto-core"
        )
    return font


needs_font = pytest.mark.usefixtures("card_font")


@needs_font
def test_each_ward_has_a_card_with_its_name(reader, second_reader):
    _, ours = card_of(reader)
    _, theirs = card_of(second_reader)
    assert ours.text["Title"] == "Cổng thông tin điện tử Phường Phúc Lợi"
    assert theirs.text["Title"] == "Cổng thông tin điện tử Phường Bồ Đề"
    # The names are drawn: the pictures differ where they are written.
    assert ours.convert("RGB").tobytes() != theirs.convert("RGB").tobytes()


@needs_font
def test_the_card_draws_what_the_name_says(reader, ward):
    _, image = card_of(reader)
    font = cards._font_file()
    drawn = Image.open(io.BytesIO(cards.draw_card(ward.name, font, _star())))
    assert image.convert("RGB").tobytes() == drawn.convert("RGB").tobytes()
    # White letters in the middle band, where the name is written.
    band = image.convert("RGB").crop((100, 380, 1100, 520))
    assert (255, 255, 255) in {colour for _, colour in band.getcolors(1 << 20)}


def _star():
    return Image.open(finders.find(cards.DEFAULT_LOGO)).convert("RGBA")


@needs_font
def test_a_renamed_ward_gets_a_new_card(reader, ward):
    first, _ = card_of(reader)
    ward.name = "Phường Phúc Lợi Mới"
    ward.save()
    second, image = card_of(reader)
    assert first["ETag"] != second["ETag"]
    assert image.text["Title"] == "Cổng thông tin điện tử Phường Phúc Lợi Mới"


def test_the_card_is_cached_long_and_revalidated_cheaply(reader, ward):
    response, _ = card_of(reader)
    assert "public" in response["Cache-Control"]
    assert f"max-age={7 * 24 * 3600}" in response["Cache-Control"]
    again = reader.get(CARD, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert reader.head(CARD).status_code == 200
    assert reader.post(CARD).status_code == 405


def test_the_card_runs_no_query(reader, ward, django_assert_num_queries):
    reader.get("/")  # The host map is warm after the first request.
    with django_assert_num_queries(0):
        reader.get(CARD)


def test_a_wards_own_logo_is_on_its_card(reader, ward):
    _, before = card_of(reader)
    ward.logo = ContentFile(png_bytes((300, 300), (20, 140, 60)), "logo.png")
    ward.save()
    _, after = card_of(reader)
    assert before.convert("RGB").tobytes() != after.convert("RGB").tobytes()


def test_a_damaged_logo_gives_the_default_card(reader, ward):
    ward.logo = ContentFile(png_bytes((300, 300)), "logo.png")
    ward.save()
    with ward.logo.storage.open(ward.logo.name, "wb") as file:
        file.write(b"not a picture")
    card_of(reader)


def test_without_a_font_the_card_is_the_portals_own(reader, ward, monkeypatch):
    monkeypatch.setattr(cards, "FONT_FILES", [Path("/khong/co/phong.ttf")])
    cards._font_file.cache_clear()
    cards._card.cache_clear()
    try:
        _, image = card_of(reader)
        assert image.text["Title"] == "Cổng thông tin điện tử"
    finally:
        cards._font_file.cache_clear()
        cards._card.cache_clear()


def test_an_article_without_a_lead_is_shared_with_its_first_words(reader, make_article):
    article = make_article(
        title="Thông báo tạm dừng cấp nước",
        lead="",
        body="<p>Công ty cấp nước tạm dừng cấp nước từ 8 giờ ngày 2/12.</p>",
    )
    page = head(reader.get(article.get_absolute_url()))
    first_words = "Công ty cấp nước tạm dừng cấp nước từ 8 giờ ngày 2/12."
    assert page.one("description") == first_words
    assert page.one("og:description") == first_words
