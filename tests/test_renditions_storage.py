"""Renditions on object storage (django-storages' S3Storage): a storage with
no local path, reached only through Django's storage API."""

import io
import os
import threading
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.utils._os import safe_join
from PIL import Image

from pictures import renditions
from pictures.templatetags.pictures import body_with_renditions

from .test_photos import (
    Pictures,
    article_page_picture,
    encode,
    files_under,
    gradient,
    srcset,
)

PICTURE = "uploads/phuc-loi/2025/03/20/hoi-nghi.jpg"


class ObjectStorage(InMemoryStorage):
    """Like S3Storage: files only through the storage API, no path() (which
    InMemoryStorage itself uses to place names)."""

    # Set by a test: every worker waits here before each rendition it saves.
    barrier = None

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):
        return os.path.relpath(safe_join(self.location, name), self.location)

    def save(self, name, content, max_length=None):
        if self.barrier and name.startswith(renditions.RENDITIONS + "/"):
            self.barrier.wait()
        return super().save(name, content, max_length)


@pytest.fixture(autouse=True)
def object_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.ObjectStorage"},
    }
    assert default_storage.barrier is None  # The lazy default is ours now.
    return default_storage


def stored_files(folder: str) -> list[str]:
    """The names of the files under the storage's folder."""
    folders, files = default_storage.listdir(folder)
    names = [f"{folder}/{file}" for file in files]
    for sub in folders:
        names += stored_files(f"{folder}/{sub}")
    return names


def name_of(url: str) -> str:
    return unquote(url.removeprefix(default_storage.base_url))


def assert_stored(url, image_format, width):
    with default_storage.open(name_of(url)) as file, Image.open(file) as image:
        assert (image.format, image.width) == (image_format, width), url


def every_rendition(name: str) -> set[str]:
    names = set()
    for kind in renditions.KINDS:
        offered = renditions.offer(name, kind)
        names |= {file.name for file in offered.srcset + offered.webp}
    return names


def test_the_article_page_shows_renditions_kept_in_object_storage(
    reader, make_article, media_root
):
    default_storage.save(PICTURE, ContentFile(encode(gradient(), "JPEG")))
    article = make_article(
        featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
        featured_image_alt="Quang cảnh hội nghị",
        body=f'<p><img src="/media/{PICTURE}" alt="Đại biểu dự hội nghị"></p>',
    )
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    page = Pictures(response.text)
    pictures = [p for p in page.pictures if "/renditions/" in p["img"]["src"]]
    assert [p["img"]["alt"] for p in pictures] == [
        "Quang cảnh hội nghị",
        "Đại biểu dự hội nghị",
    ]
    for picture in pictures:
        [webp] = picture["sources"]
        for (url, width), wanted in zip(
            srcset(webp["srcset"]), [400, 800, 1200], strict=True
        ):
            assert width == wanted
            assert_stored(url, "WEBP", width)
        for url, width in srcset(picture["img"]["srcset"]):
            assert_stored(url, "JPEG", width)
        assert_stored(picture["img"]["src"], "JPEG", 800)
    assert 'content="http://testserver/media/renditions/articles/' in response.text
    # Nothing went to the disk.
    assert files_under(media_root) == []


def test_a_storage_that_fails_shows_the_picture_as_it_is(
    reader, make_article, monkeypatch
):
    article = make_article(
        featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
        featured_image_alt="Quang cảnh hội nghị",
    )

    def unreachable(self, name):
        raise RuntimeError("The bucket cannot be reached")  # Not an OSError.

    monkeypatch.setattr(ObjectStorage, "get_modified_time", unreachable)
    page, _ = article_page_picture(reader, article)  # Answered 200.
    [photo] = page.pictures
    assert photo["sources"] == []
    assert photo["img"]["src"] == article.featured_image.url


def test_workers_making_the_same_renditions_leave_one_file_each(db):
    default_storage.save(PICTURE, ContentFile(encode(gradient(), "JPEG")))
    html = f'<img src="/media/{PICTURE}" alt="">'
    errors = []

    def make():
        try:
            renditions.make_later.call(PICTURE)
        except Exception as error:  # Seen by the test, not lost in a thread.
            errors.append(error)

    # The picture queued twice (two app servers' pages), taken by two
    # workers at once: each saves each rendition at the same moment.
    default_storage.barrier = threading.Barrier(2, timeout=10)
    workers = [threading.Thread(target=make) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    default_storage.barrier = None
    assert errors == []
    assert "/renditions/" in body_with_renditions(html)
    made = every_rendition(PICTURE)
    assert len(made) == 11  # 3 + 2 + 1 JPEG, 3 + 2 WebP.
    assert sorted(stored_files(renditions.RENDITIONS)) == sorted(made)
    # A worker coming later makes them again: still one file each.
    renditions.make(PICTURE)
    assert sorted(stored_files(renditions.RENDITIONS)) == sorted(made)


def test_a_rendition_left_by_a_deleted_picture_is_replaced():
    made = renditions.rendition_name(
        PICTURE, renditions.KINDS["article"], (400, 250), "jpg"
    )
    default_storage.save(made, ContentFile(b"an older picture's rendition"))
    default_storage.save(PICTURE, ContentFile(encode(gradient(), "JPEG")))
    renditions.make(PICTURE)
    with default_storage.open(made) as file:
        assert Image.open(io.BytesIO(file.read())).size == (400, 250)
    assert made in stored_files(renditions.RENDITIONS)
    assert len(stored_files(renditions.RENDITIONS)) == 11
