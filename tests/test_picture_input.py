"""The admin's picture fields (an article's featured photo, a ward's logo, a
person's photo) show the stored picture as a thumbnail, drawn from its
smallest rendition, not only its file name."""

import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from .test_photos import encode, gradient

ARTICLES = "/admin/articles/article/"


def thumbnails(page: str) -> list[dict]:
    """The attributes of each thumbnail <img> on the page."""
    return [
        dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        for tag in re.findall(r'<img[^>]*class="picture-thumbnail"[^>]*>', page)
    ]


@pytest.fixture
def as_editor(client, ward_editor):
    client.force_login(ward_editor)
    return client


def test_the_featured_photo_shows_as_a_thumbnail(as_editor, make_article, media_root):
    article = make_article(
        featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
        featured_image_alt="Quang cảnh hội nghị sơ kết",
    )
    page = as_editor.get(f"{ARTICLES}{article.pk}/change/").text
    [thumbnail] = thumbnails(page)
    # The smallest rendition, 400 wide, not the 1600-pixel original.
    assert "/renditions/" in thumbnail["src"]
    assert thumbnail["src"] != article.featured_image.url
    stored = media_root / thumbnail["src"].removeprefix("/media/")
    with Image.open(stored) as picture:
        assert picture.width == 400
    assert (thumbnail["width"], thumbnail["height"]) == ("240", "150")
    assert thumbnail["alt"] == "Ảnh đang dùng"
    # Still there: the file's name, a way to clear it and to change it.
    assert "hoi-nghi" in page
    assert 'name="featured_image"' in page


def test_no_photo_no_thumbnail(as_editor, make_article):
    article = make_article()
    page = as_editor.get(f"{ARTICLES}{article.pk}/change/").text
    assert thumbnails(page) == []
    assert 'name="featured_image"' in page


def test_a_writer_reading_a_published_article_sees_the_photo_too(
    client, writer, make_article
):
    article = make_article(
        author=writer,
        featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
        featured_image_alt="Quang cảnh hội nghị sơ kết",
    )
    client.force_login(writer)
    page = client.get(f"{ARTICLES}{article.pk}/change/").text
    [thumbnail] = thumbnails(page)
    assert "/renditions/" in thumbnail["src"]


def test_a_wards_logo_shows_as_a_thumbnail_too(client, editor, ward):
    ward.logo = ContentFile(encode(gradient((600, 600)), "PNG"), "bieu-trung.png")
    ward.save()
    client.force_login(editor)
    page = client.get(f"/admin/wards/ward/{ward.pk}/change/").text
    [thumbnail] = thumbnails(page)
    assert "/renditions/" in thumbnail["src"]
    assert (thumbnail["width"], thumbnail["height"]) == ("240", "240")
