"""RSS feeds: the ward's news and each category's, as a feed reader gets them."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles.feeds import FEED_ITEMS, absolute_urls
from articles.models import Article, Category

from .conftest import SECOND_HOST, png_bytes

FEED = "/rss/"
PICTURE = "/media/uploads/phuc-loi/2025/01/24/hoi-nghi.jpg"


def channel(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return root.find("channel")


def item_titles(response):
    return [item.findtext("title") for item in channel(response).iter("item")]


@pytest.fixture
def second_category(second_ward):
    """The second ward's "Công tác Đảng": same name and slug as the default's."""
    return Category.objects.get(ward=second_ward, slug="cong-tac-dang")


def test_it_lists_the_wards_published_articles_newest_first(
    reader, make_article, second_category
):
    make_article(title="Tin hôm qua", published_at=timezone.now() - timedelta(days=1))
    make_article(title="Tin sáng nay", published_at=timezone.now() - timedelta(hours=2))
    make_article(title="Bản nháp chưa duyệt", status=Article.Status.DRAFT)
    make_article(
        title="Bài hẹn giờ ngày mai", published_at=timezone.now() + timedelta(days=1)
    )
    make_article(category=second_category, title="Tin của phường Bồ Đề")
    assert item_titles(reader.get(FEED)) == ["Tin sáng nay", "Tin hôm qua"]


def test_it_keeps_to_the_newest_articles(reader, make_article):
    for _ in range(FEED_ITEMS + 3):
        make_article()
    titles = item_titles(reader.get(FEED))
    assert titles == [f"Bài viết số {n}" for n in range(1, FEED_ITEMS + 1)]


def test_each_ward_gets_its_own_news(
    reader, second_reader, make_article, second_category
):
    make_article(title="Tin Phúc Lợi")
    make_article(category=second_category, title="Tin Bồ Đề")
    assert item_titles(reader.get(FEED)) == ["Tin Phúc Lợi"]
    feed = channel(second_reader.get(FEED))
    assert feed.findtext("title") == "Tin mới – Phường Bồ Đề"
    assert [item.findtext("title") for item in feed.iter("item")] == ["Tin Bồ Đề"]


def test_vietnamese_text_comes_through_intact(reader, make_article, ward):
    title = "Hội nghị Ban Chấp hành Đảng bộ phường lần thứ mười một"
    make_article(
        title=title,
        lead="Sáng 24/01, Đảng ủy phường tổng kết công tác năm.",
        body="<p>Đồng chí Bí thư phát biểu chỉ đạo hội nghị.</p>",
    )
    response = reader.get(FEED)
    feed = channel(response)
    assert feed.findtext("title") == f"Tin mới – {ward.name}"
    assert feed.findtext("language") == "vi"
    item = feed.find("item")
    assert item.findtext("title") == title
    assert item.findtext("category") == "Công tác Đảng"
    description = item.findtext("description")
    assert "<strong>Sáng 24/01, Đảng ủy phường tổng kết công tác năm.</strong>" in (
        description
    )
    assert "<p>Đồng chí Bí thư phát biểu chỉ đạo hội nghị.</p>" in description


def test_links_and_pictures_are_absolute_on_the_wards_host(
    second_reader, second_category
):
    picture = PICTURE.replace("phuc-loi", "bo-de")  # The ward's own folder.
    Article.objects.create(
        category=second_category,
        title="Ra mắt câu lạc bộ dưỡng sinh",
        slug="ra-mat-clb",
        body=f'<p><img src="{picture}" alt="Hội nghị"></p>'
        '<p>Xem thêm <a href="/bai-viet/tin-truoc/">tin trước</a> và '
        '<a href="https://hanoi.gov.vn/">thành phố</a>.</p>',
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )
    feed = channel(second_reader.get(FEED))
    origin = f"http://{SECOND_HOST}"
    assert feed.findtext("link") == f"{origin}/"
    item = feed.find("item")
    assert item.findtext("link") == f"{origin}/bai-viet/ra-mat-clb/"
    assert item.findtext("guid") == f"{origin}/bai-viet/ra-mat-clb/"
    description = item.findtext("description")
    assert f'src="{origin}{picture}"' in description
    assert f'href="{origin}/bai-viet/tin-truoc/"' in description
    assert 'href="https://hanoi.gov.vn/"' in description
    assert '="/' not in description


def test_over_https_the_links_are_https(reader, make_article):
    make_article(slug="tin-https", body=f'<p><img src="{PICTURE}" alt=""></p>')
    feed = channel(reader.get(FEED, secure=True))
    item = feed.find("item")
    assert item.findtext("link") == "https://testserver/bai-viet/tin-https/"
    assert f'src="https://testserver{PICTURE}"' in item.findtext("description")


def test_the_featured_image_is_in_the_description(reader, make_article):
    article = make_article(
        featured_image=SimpleUploadedFile("anh.png", png_bytes(), "image/png"),
        featured_image_alt="Đại biểu dự hội nghị & biểu quyết",
    )
    description = channel(reader.get(FEED)).find("item").findtext("description")
    assert (
        f'<img src="http://testserver{article.featured_image.url}" '
        'alt="Đại biểu dự hội nghị &amp; biểu quyết">'
    ) in description


def test_markup_in_a_title_stays_text(reader, make_article):
    make_article(title='Tin <b>in đậm</b> & "trích dẫn"')
    # Escaped once more, as Django does: feed readers read titles as HTML.
    assert item_titles(reader.get(FEED)) == [
        "Tin &lt;b&gt;in đậm&lt;/b&gt; &amp; &quot;trích dẫn&quot;"
    ]


def test_absolute_urls_leave_other_addresses_alone():
    html = (
        '<a href="/bai-viet/a/">a</a><img src="//cdn.example.vn/b.jpg">'
        '<a href="https://x.vn/c">c</a><a href="mailto:ubnd@phucloi.vn">d</a>'
        '<p>src="/khong-phai-thuoc-tinh"</p>'
    )
    assert absolute_urls(html, "https://phucloi.vn") == (
        '<a href="https://phucloi.vn/bai-viet/a/">a</a>'
        '<img src="https://cdn.example.vn/b.jpg">'
        '<a href="https://x.vn/c">c</a><a href="mailto:ubnd@phucloi.vn">d</a>'
        '<p>src="/khong-phai-thuoc-tinh"</p>'
    )


# One category's feed.


def test_a_category_feed_has_only_that_categorys_articles(
    reader, make_article, category, other_category
):
    make_article(category=category, title="Tin Đảng")
    make_article(category=other_category, title="Thông báo lịch tiếp dân")
    make_article(category=category, title="Nháp Đảng", status=Article.Status.DRAFT)
    response = reader.get(f"/chuyen-muc/{category.slug}/rss/")
    feed = channel(response)
    assert feed.findtext("title") == "Công tác Đảng – Phường Phúc Lợi"
    assert feed.findtext("link") == "http://testserver/chuyen-muc/cong-tac-dang/"
    assert item_titles(response) == ["Tin Đảng"]


def test_a_category_with_the_same_slug_in_two_wards_has_two_feeds(
    reader, second_reader, make_article, category, second_category
):
    make_article(category=category, title="Tin Đảng Phúc Lợi")
    make_article(category=second_category, title="Tin Đảng Bồ Đề")
    url = "/chuyen-muc/cong-tac-dang/rss/"
    assert item_titles(reader.get(url)) == ["Tin Đảng Phúc Lợi"]
    assert item_titles(second_reader.get(url)) == ["Tin Đảng Bồ Đề"]


def test_another_wards_category_has_no_feed_here(reader, second_ward):
    Category.objects.create(ward=second_ward, name="Khu phố văn hóa", slug="khu-pho")
    assert reader.get("/chuyen-muc/khu-pho/rss/").status_code == 404
    assert reader.get("/chuyen-muc/khong-co/rss/").status_code == 404


# Where readers find the feeds.


def test_every_page_names_the_wards_feed(reader, make_article, category):
    article = make_article()
    link = (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Tin mới – Phường Phúc Lợi" href="/rss/">'
    )
    for url in ["/", category.get_absolute_url(), article.get_absolute_url()]:
        assert link in reader.get(url).text
    # The footer's "Tin RSS" is the page that explains them (test_feeds_page.py).
    assert 'href="/tin-rss/">Tin RSS</a>' in reader.get("/").text


def test_a_category_page_names_its_own_feed_too(reader, make_article, category):
    article = make_article()
    link = (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Công tác Đảng – Phường Phúc Lợi" href="/chuyen-muc/cong-tac-dang/rss/">'
    )
    assert link in reader.get(category.get_absolute_url()).text
    assert "/chuyen-muc/cong-tac-dang/rss/" not in reader.get("/").text
    assert "/chuyen-muc/cong-tac-dang/rss/" not in (
        reader.get(article.get_absolute_url()).text
    )


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/rss/", 1),  # Articles with their categories.
        ("/chuyen-muc/cong-tac-dang/rss/", 2),  # The category, its articles.
    ],
)
def test_it_runs_a_fixed_number_of_queries(
    reader,
    make_article,
    category,
    other_category,
    django_assert_num_queries,
    url,
    queries,
):
    for n in range(25):
        make_article(category=category if n % 2 else other_category)
    reader.get("/")  # The host map is warm after the first request.
    with django_assert_num_queries(queries):
        response = reader.get(url)
    assert len(item_titles(response)) in (12, 20)


def test_readers_get_no_cookies(reader, make_article):
    make_article()
    assert reader.get(FEED).cookies == {}
