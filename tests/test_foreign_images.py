"""Pictures in article bodies and ward introductions come only from our own
media: no reader's browser is made to call another site. Staff learn before
saving which pictures would not reach readers, and lose nothing they wrote."""

import importlib
import re

import pytest
from django.apps import apps

from articles.models import Article
from richtext import sanitize
from wards.models import Ward

from .conftest import article_form

ADD_URL = "/admin/articles/article/add/"
OURS = "/media/uploads/phuc-loi/2026/01/02/hoi-nghi.png"

# Addresses that load from another site, written as browsers read them
# whatever the spelling, and addresses that load nothing of ours.
FOREIGN = [
    "//example.invalid/pixel.gif",
    "https://example.invalid/pixel.gif",
    "http://example.invalid/media/uploads/a.png",
    "/\\example.invalid/pixel.gif",
    "\\\\example.invalid/pixel.gif",
    " //example.invalid/pixel.gif",
    "\t//example.invalid/pixel.gif",
    "/\n/example.invalid/pixel.gif",
    "https:example.invalid/pixel.gif",
    "HTTPS://EXAMPLE.INVALID/pixel.gif",
    "https://localhost.example.invalid/media/a.png",
    "https://localhost@example.invalid/media/a.png",
    "http://[::1",
    "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "file:///C:/Users/a/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png",
    "media/uploads/a.png",
    "/static/articles/logo.png",
    "x",
    "",
]

# Our own site's addresses that are no picture of our media: each one makes
# every reader's browser fetch a page of the site (an uncached search).
# Kept before the address was resolved and normalised.
NOT_A_PICTURE = [
    "/media/../tim-kiem/?q=x",
    "/media/../tim-kiem/",
    "/media/%2e%2e/tim-kiem/?q=x",
    "/media/%2E%2E/tim-kiem/",
    "/media/.%2e/tim-kiem/",
    "/media/uploads/..%2f..%2ftim-kiem/",
    "/media/uploads/../../tim-kiem/",
    "/media/uploads/%252e%252e/%252e%252e/tim-kiem/",
    "/media/uploads/./anh.png",
    "/media/uploads//anh.png",
    "/media/uploads/anh.png?q=x",
    "/media/uploads/anh.png?",
    "/media/uploads/anh.png#x",
    "/media/attachments/phuc-loi/2026/01/quyet-dinh.pdf",
    "/media/anh.png",
    "http://localhost/media/../tim-kiem/?q=x",
    "http://localhost/media/uploads/anh.png?q=x",
    "/media/uploads/anh.png\\..\\..\\tim-kiem",
]


@pytest.mark.parametrize("src", NOT_A_PICTURE)
def test_an_address_of_ours_that_is_no_picture_is_dropped_on_save(src):
    html = f'<p>Trước.</p><p><img src="{src}" alt="Ảnh"></p><p>Sau.</p>'
    assert sanitize.sanitize(html) == "<p>Trước.</p><p></p><p>Sau.</p>"
    assert len(sanitize.foreign_pictures(html)) == 1


@pytest.mark.parametrize("src", NOT_A_PICTURE[:4])
def test_one_stored_before_is_dropped_on_render(make_article, reader, src):
    article = make_article(body="<p>Tin.</p>")
    # As stored before the rule: straight into the table.
    stored = f'<p>Tin.</p><p><img src="{src}" alt="Ảnh"></p><p><img src="{OURS}"></p>'
    Article.objects.filter(pk=article.pk).update(body=stored)
    page = reader.get(article.get_absolute_url())
    assert "tim-kiem" not in article_body(page)
    assert OURS in article_body(page)
    feed = reader.get("/rss/")
    assert feed.status_code == 200
    assert "tim-kiem" not in feed.text


def test_a_stored_srcset_reaching_elsewhere_is_dropped_on_render(make_article, reader):
    """A screen of 2x loads the srcset, not the src: both are held to the rule."""
    article = make_article(body="<p>Tin.</p>")
    stored = f'<p><img src="{OURS}" srcset="/tim-kiem/?q=r3 2x" alt="Ảnh"></p>'
    Article.objects.filter(pk=article.pk).update(body=stored)
    assert "tim-kiem" not in article_body(reader.get(article.get_absolute_url()))


def test_a_picture_of_another_ward_is_dropped_from_a_wards_article(
    make_article, second_ward
):
    theirs = "/media/uploads/bo-de/2026/01/02/hoi-nghi.png"
    article = make_article(
        body=f'<p>Tin.</p><p><img src="{theirs}" alt="a"></p>'
        f'<p><img src="{OURS}" alt="b"></p>'
        '<p><img src="/media/renditions/uploads/phuc-loi/2026/01/02/hoi-nghi.png'
        '.800x0_q85.webp" alt="c"></p>'
    )
    assert sources(article.body) == [
        OURS,
        "/media/renditions/uploads/phuc-loi/2026/01/02/hoi-nghi.png.800x0_q85.webp",
    ]
    assert sanitize.foreign_pictures(article.body, [second_ward.upload_folder]) == [
        OURS,
        "/media/renditions/uploads/phuc-loi/2026/01/02/hoi-nghi.png.800x0_q85.webp",
    ]


def test_the_first_wards_pictures_from_before_wards_are_kept(
    make_article, media_root, second_ward
):
    # Uploaded before there were wards: a date folder at the top of uploads.
    (media_root / "uploads/2021/05").mkdir(parents=True)
    old = "/media/uploads/2021/05/le-khanh-thanh.jpg"
    body = f'<p><img src="{old}" alt="Lễ khánh thành"></p>'
    assert sources(make_article(body=body).body) == [old]
    bode = second_ward.categories.get(slug="thong-bao")
    assert sources(make_article(category=bode, body=body).body) == []


def test_staff_are_told_of_a_picture_of_another_ward(client, writer, category):
    client.force_login(writer)
    body = '<p><img src="/media/uploads/bo-de/2026/01/anh.png" alt="1"></p>'
    response = client.post(ADD_URL, article_form(category, step=None, body=body))
    assert response.status_code == 200
    assert not Article.objects.exists()
    errors = response.context["adminform"].form.errors["body"]
    assert "ảnh không thuộc thư mục ảnh của phường" in errors[0]


def sources(html):
    return re.findall(r'<img[^>]*\ssrc="([^"]*)"', html)


def article_body(page):
    text = page.text
    body = text[text.index('<div class="article-body">') :]
    return body[: body.index("</div>")]


@pytest.mark.parametrize("src", FOREIGN)
def test_a_picture_not_from_our_media_is_dropped_on_save(src):
    html = f'<p>Trước.</p><p><img src="{src}" alt="Ảnh"></p><p>Sau.</p>'
    cleaned = sanitize.sanitize(html)
    assert "<img" not in cleaned
    assert "example.invalid" not in cleaned
    assert cleaned == "<p>Trước.</p><p></p><p>Sau.</p>"
    assert len(sanitize.foreign_pictures(html)) == 1


def test_the_found_pixel_never_reaches_a_reader(make_article, reader):
    article = make_article(
        body='<p>Tin.</p><img src="//example.invalid/pixel.gif">'
        f'<figure class="image"><img src="{OURS}" alt="Hội nghị">'
        "<figcaption>Hội nghị.</figcaption></figure>"
    )
    page = reader.get(article.get_absolute_url())
    assert page.status_code == 200
    assert "example.invalid" not in page.text
    assert OURS in article_body(page)
    article.refresh_from_db()
    assert sources(article.body) == [OURS]


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        (OURS, OURS),
        ("/media/uploads/2021/05/anh.png", "/media/uploads/2021/05/anh.png"),
        ("/media/uploads/anh%20moi.png", "/media/uploads/anh%20moi.png"),
        # Copied from the ward's own pages: full addresses of our hosts.
        ("http://localhost/media/uploads/anh.png", "/media/uploads/anh.png"),
        ("https://bode.localhost/media/uploads/a.png", "/media/uploads/a.png"),
    ],
)
def test_pictures_of_our_media_are_kept(src, kept):
    html = f'<p><img src="{src}" alt="Ảnh" width="640" height="400"></p>'
    assert sanitize.sanitize(html) == (
        f'<p><img src="{kept}" alt="Ảnh" width="640" height="400"></p>'
    )
    assert sanitize.foreign_pictures(html) == []


def test_a_ward_introduction_keeps_no_foreign_picture(ward, reader):
    ward.introduction = (
        '<p>Phường Phúc Lợi.</p><p><img src="https://example.invalid/a.jpg"></p>'
        f'<p><img src="{OURS}" alt="Trụ sở"></p>'
    )
    ward.save()
    page = reader.get("/gioi-thieu/")
    assert "example.invalid" not in page.text
    assert OURS in page.text


# The admin: staff told before saving, nothing lost.


def test_staff_are_told_which_pictures_would_not_reach_readers(
    client, writer, category
):
    client.force_login(writer)
    body = (
        "<p>Bài dài viết cả buổi sáng.</p>"
        '<p><img src="https://baomoi.example/anh-1.jpg" alt="1"></p>'
        '<p><img src="//baomoi.example/anh-2.jpg" alt="2"></p>'
        '<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="3"></p>'
        f'<p><img src="{OURS}" alt="4"></p>'
    )
    response = client.post(ADD_URL, article_form(category, step=None, body=body))
    assert response.status_code == 200  # The form again, not a redirect.
    assert not Article.objects.exists()
    errors = response.context["adminform"].form.errors["body"]
    assert errors == [
        "Bài có 3 ảnh lấy từ nơi khác (baomoi.example, dán trực tiếp). Bạn đọc "
        "chỉ xem được ảnh đã tải lên trang của phường: hãy xoá các ảnh đó khỏi "
        "bài, tải ảnh lên bằng nút “Ảnh” trên thanh công cụ rồi lưu lại."
    ]
    # Everything written comes back, the pictures in place to be replaced.
    form = response.content.decode()
    assert "Bài dài viết cả buổi sáng." in form
    assert "https://baomoi.example/anh-1.jpg" in form


def test_an_article_with_our_pictures_only_saves(client, writer, category):
    client.force_login(writer)
    body = f'<p>Tin.</p><p><img src="{OURS}" alt="Hội nghị"></p>'
    response = client.post(ADD_URL, article_form(category, step=None, body=body))
    assert response.status_code == 302
    assert sources(Article.objects.get().body) == [OURS]


# What was stored before.


def test_the_migration_drops_stored_foreign_pictures_and_says_which(
    make_article, ward, capsys
):
    migration = importlib.import_module(
        "articles.migrations.0013_drop_foreign_pictures"
    )
    article = make_article()
    untouched = make_article()
    stored = (
        '<p>Cũ.</p><p><img src="https://example.invalid/a.jpg" alt="a"></p>'
        f'<p><img src="{OURS}" alt="b"></p>'
    )
    # As saved before the rule: straight into the table.
    Article.objects.filter(pk=article.pk).update(body=stored)
    Ward.objects.filter(pk=ward.pk).update(
        introduction='<p><img src="//example.invalid/b.jpg"></p>'
    )
    before = Article.objects.values_list("body", flat=True).get(pk=untouched.pk)

    migration.drop_foreign_pictures(apps, None)

    article.refresh_from_db()
    ward.refresh_from_db()
    assert sources(article.body) == [OURS]
    assert "<p>Cũ.</p>" in article.body
    assert "example.invalid" not in ward.introduction
    assert Article.objects.values_list("body", flat=True).get(pk=untouched.pk) == (
        before
    )
    said = capsys.readouterr().out
    assert f"Bài #{article.pk}: bỏ 1 ảnh lấy từ nơi khác: " in said
    assert "https://example.invalid/a.jpg" in said
    assert f"Giới thiệu phường #{ward.pk}" in said
