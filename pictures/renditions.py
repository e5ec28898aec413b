"""The sizes of a stored picture that readers' browsers are offered.

A picture staff store (a featured photo, a picture in an article's text) is
shown through renditions: copies as wide as the page shows it (400, 800,
1200 pixels, never wider than the picture), cut to the shape a card or a
shared link needs, upright and in sRGB, as WebP with a JPEG beside it for
browsers without WebP (PNG when the picture is see-through). A phone fetches
tens of kilobytes where the photo is megabytes.

easy-thumbnails resizes, crops and names them. Its bookkeeping (a database
row per thumbnail, a query to read each one's size) would cost a reader page
a query per picture, so it is not used: a rendition's name follows from the
picture's name and the rendition's size, its size from the picture's, and
the picture's size is read from its file's header once per process and file
version (Django's cache).

Renditions take about half a second a photo, so no request waits for them:
a picture saved is queued for the task queue's worker (make_soon(), once
the upload's transaction commits; `manage.py db_worker`), and one stored
before without them is queued when a page first shows it. Until the
worker has made them, pages show the picture as it is stored.

Everything goes through Django's storage API, so renditions work on the local
disk (FileSystemStorage) and on object storage (django-storages' S3Storage)
alike; a storage that fails shows the picture as it is, never an error page.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import transaction
from django_tasks import task
from easy_thumbnails import engine
from easy_thumbnails.files import Thumbnailer
from PIL import Image, ImageOps

from . import pixels, writing
from .checks import MAX_IMAGE_PIXELS, SAME_FORMAT, open_picture

logger = logging.getLogger(__name__)

JPEG_QUALITY = 80
# The folder (under MEDIA_ROOT) renditions are written to.
RENDITIONS = "renditions"
# Bump when the renditions' look changes: new names, made again on demand.
VERSION = 1
CACHE_SECONDS = 24 * 3600
# A picture whose renditions the worker has yet to make is looked at again
# this soon, so pages show them shortly after they are made; and a process
# queues it again at most this often, should the task have been lost.
PENDING_SECONDS = 30
QUEUED_AGAIN_SECONDS = 15 * 60


@dataclass(frozen=True)
class Kind:
    """One use of a picture: the widths offered and, if cut, the shape."""

    widths: tuple[int, ...]
    shape: tuple[int, int] | None = None  # Cut to this ratio; else the photo's.
    webp: bool = True
    opaque: bool = False  # Always JPEG, on white if the picture is see-through.
    src_width: int = 800  # The <img src> for browsers that read no srcset.


KINDS = {
    # Article cards on the home and category pages (16:9, as site.css cuts).
    "card": Kind(widths=(400, 800), shape=(16, 9)),
    # A link shared in Zalo or Facebook: their card is 1200x630, and JPEG is
    # what every crawler reads.
    "social": Kind(widths=(1200,), shape=(1200, 630), webp=False, opaque=True),
    # The article's photo and the pictures in its text, uncut. Last: its
    # widest fallback file is made last, so its presence says all are there.
    "article": Kind(widths=(400, 800, 1200)),
}

# How wide each place shows a picture (site.css), so a browser picks the
# smallest file that is sharp there.
SIZES = {
    # The home page's lead story: 3/5 of the grid from 48rem.
    "lead": "(min-width: 72rem) 40rem, (min-width: 48rem) calc(60vw - 3rem), "
    "calc(100vw - 3.5rem)",
    # The home page's other latest articles: a 7.5rem picture beside the title.
    "small": "7.5rem",
    # A home page category block's first article: half the page from 48rem.
    "block": "(min-width: 72rem) 33rem, (min-width: 48rem) calc(50vw - 3.5rem), "
    "calc(100vw - 4rem)",
    # A category page's list: a 14rem picture beside the text from 48rem.
    "list": "(min-width: 48rem) 14rem, calc(100vw - 3.5rem)",
    # The article's text column.
    "article": "(min-width: 72rem) 66rem, (min-width: 48rem) calc(100vw - 6rem), "
    "calc(100vw - 4rem)",
}
SIZES["card"] = SIZES["list"]  # Where a card is unless told otherwise.


@dataclass(frozen=True)
class Rendition:
    """A file readers are sent, with its size (None when it could not be
    read)."""

    name: str
    width: int | None
    height: int | None

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


@dataclass(frozen=True)
class Offer:
    """What a <picture> offers: the <img>'s own file, and the files of each
    format by width (none when the picture is shown as stored: an animation,
    or a file that could not be read)."""

    img: Rendition
    srcset: tuple[Rendition, ...] = ()
    webp: tuple[Rendition, ...] = ()


@dataclass(frozen=True)
class _Source:
    """A stored picture: its size upright, and the extension of its
    renditions' fallback files ("" when it has none)."""

    width: int | None
    height: int | None
    fallback: str
    pending: bool = False  # Renditions queued, not made yet.


def offer(name: str, kind: str) -> Offer | None:
    """The renditions of the stored picture for one use; None when there is
    no such file."""
    source = _source(name)
    if source is None:
        return None
    if not source.fallback:
        return Offer(Rendition(name, source.width, source.height))
    usage = KINDS[kind]
    files = tuple(
        Rendition(rendition_name(name, usage, box, source.fallback), *box)
        for box in boxes(usage, source.width, source.height)
    )
    img = max(
        (file for file in files if file.width <= usage.src_width),
        key=lambda file: file.width,
        default=files[0],
    )
    webp = tuple(
        Rendition(file.name + ".webp", file.width, file.height) for file in files
    )
    return Offer(img, files, webp if usage.webp else ())


def social(name: str) -> Rendition | None:
    """The picture as a shared link shows it: 1200x630 JPEG (smaller if the
    photo is), or the picture itself if it has no renditions."""
    shared = offer(name, "social")
    return shared.img if shared else None


def boxes(usage: Kind, width: int, height: int) -> list[tuple[int, int]]:
    """The sizes of a picture's renditions for one use, never larger than
    the picture."""
    sizes = []
    for target in usage.widths:
        if usage.shape:
            box_width = target
            box_height = round(target * usage.shape[1] / usage.shape[0])
            if box_width > width or box_height > height:
                scale = min(width / box_width, height / box_height)
                box_width, box_height = int(box_width * scale), int(box_height * scale)
        else:
            box_width = min(target, width)
            box_height = round(height * box_width / width)
        box = (max(box_width, 1), max(box_height, 1))
        if box not in sizes:
            sizes.append(box)
    return sizes


class _Namer(Thumbnailer):
    """easy-thumbnails' names, fixed here rather than by settings: a
    rendition's name must not change under a stored page."""

    thumbnail_basedir = RENDITIONS
    thumbnail_subdir = ""
    thumbnail_prefix = ""
    thumbnail_extension = "jpg"
    thumbnail_transparency_extension = "png"
    thumbnail_preserve_extensions = ()
    thumbnail_namer = "easy_thumbnails.namers.default"


def _options(usage: Kind, box: tuple[int, int]) -> dict:
    options = {"size": box, "crop": True, "quality": JPEG_QUALITY}
    if usage.opaque:
        options["replace_alpha"] = "white"
    if VERSION > 1:
        options["v"] = VERSION
    return options


def rendition_name(name: str, usage: Kind, box: tuple[int, int], fallback: str):
    """renditions/<the picture's folder>/<its name>.<width>x<height>_q80_crop.jpg
    (easy-thumbnails' default namer); the WebP one adds ".webp"."""
    namer = _Namer(name=name, source_storage=default_storage)
    return namer.get_thumbnail_name(
        _options(usage, box), transparent=fallback == "png" and not usage.opaque
    )


# --- Reading a picture once -------------------------------------------------


def _source(name: str) -> _Source | None:
    """The stored picture's size and renditions; None when there is no such
    file or the storage cannot be reached (the picture is shown as it is)."""
    try:
        key = _version(name)
    except (OSError, SuspiciousFileOperation):  # No such file.
        return None
    except Exception:  # S3Storage raises botocore's errors, not OSError.
        logger.warning("Picture %s cannot be read from storage", name, exc_info=True)
        return None
    source = _remembered(key)
    if source is None:
        try:
            source = _examine(name, key)
        except Exception:  # Not kept: the next page tries the storage again.
            logger.exception("Renditions of picture %s cannot be looked up", name)
            return None
        _remember(key, source, PENDING_SECONDS if source.pending else CACHE_SECONDS)
    return source


def _version(name: str) -> str:
    """The key of one version of a stored picture. A stored name always
    holds the same picture (storage never overwrites), but tests and
    restored backups reuse names: the file's version is in the key."""
    size = default_storage.size(name)
    modified = default_storage.get_modified_time(name).isoformat()
    where = getattr(default_storage, "location", "")
    key = f"{VERSION}|{where}|{name}|{modified}|{size}"
    return "wardnews-picture:" + hashlib.sha256(key.encode()).hexdigest()


def _remembered(key):
    """What the shared cache knows of a picture; nothing when it is away (a
    page then reads the picture's header: slower, never an error)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Picture sizes unread: the cache cannot be reached.")
        return None


def _remember(key, source, seconds):
    try:
        cache.set(key, source, seconds)
    except Exception:
        logger.warning("Picture sizes not kept: the cache cannot be reached.")


def _examine(name: str, key: str) -> _Source:
    """The picture's upright size from its header, and whether its
    renditions are made; queued for the worker if not."""
    try:
        with default_storage.open(name) as file, open_picture(file) as image:
            width, height = image.size
            if _turned_sideways(image):
                width, height = height, width
            animated = image.format not in SAME_FORMAT and getattr(
                image, "is_animated", False
            )
    except Exception:  # Not a picture Pillow reads: shown as it is.
        logger.warning("Picture %s cannot be read for renditions", name)
        return _Source(None, None, "")
    if animated or width * height > MAX_IMAGE_PIXELS:
        return _Source(width, height, "")
    fallback = _made(name, width, height)
    if not fallback:
        _queue_once(name, key)
        # A backend that runs tasks at once (the tests') has made them now.
        fallback = _made(name, width, height)
    return _Source(width, height, fallback, pending=not fallback)


def _made(name: str, width: int, height: int) -> str:
    """The extension of the picture's fallback renditions if they are all
    made ("" if not): the widest of the last kind is made last."""
    last = KINDS["article"]
    widest = boxes(last, width, height)[-1]
    for fallback in ("jpg", "png"):
        if default_storage.exists(rendition_name(name, last, widest, fallback)):
            return fallback
    return ""


# When this process last queued each picture version (time.monotonic()): pages
# showing it meanwhile do not queue it again. Kept per process, not in the
# shared cache, so that it holds while Redis is away; another process
# queuing it once more costs the worker a look (make_later skips what is
# made).
_queued: dict[str, float] = {}


def _queue_once(name: str, key: str) -> None:
    """Queues the renditions of a picture stored without them (a restored
    backup, an upload whose task was lost), once for the pages that show it
    meanwhile."""
    now = time.monotonic()
    if now - _queued.get(key, -QUEUED_AGAIN_SECONDS) < QUEUED_AGAIN_SECONDS:
        return
    for old in [k for k, at in _queued.items() if now - at >= QUEUED_AGAIN_SECONDS]:
        _queued.pop(old, None)
    _queued[key] = now
    try:
        make_later.enqueue(name)
    except Exception as error:  # No database: a later page queues it.
        _queued.pop(key, None)
        logger.warning("Renditions of picture %s not queued: %s", name, error)


def _turned_sideways(image) -> bool:
    """Whether the EXIF orientation turns the stored picture by 90 degrees
    (pictures stored before uploads were turned upright)."""
    try:
        return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:
        return False


# --- Making them ------------------------------------------------------------


def make_soon(name: str) -> None:
    """Queues a just-stored picture's renditions, once the transaction that
    stores it commits (a picture whose save is undone is not made); the
    request goes on without waiting. A picture the queue never reaches is
    queued again by the first page that shows it."""
    transaction.on_commit(lambda: _queue(name), robust=True)


def _queue(name: str) -> None:
    try:  # This process's pages need not queue it again.
        _queued[_version(name)] = time.monotonic()
    except Exception:
        pass  # Gone already: make_later will say so.
    make_later.enqueue(name)


@task()
def make_later(name: str) -> str:
    """The task: makes the picture's renditions unless they are there (a
    picture queued twice is made once); their fallback's extension."""
    if not default_storage.exists(name):
        return ""  # Replaced or deleted before the worker came to it.
    with default_storage.open(name) as file, open_picture(file) as image:
        width, height = image.size
        if _turned_sideways(image):
            width, height = height, width
    return _made(name, width, height) or make(name)


def make(name: str) -> str:
    """Makes every rendition of the stored picture; the extension of their
    fallback files ("jpg", or "png" for a see-through picture), or "" for a
    picture shown as stored (an animation). Raises if it cannot be read."""
    with default_storage.open(name) as file, open_picture(file) as image:
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise ValueError(f"{name}: {image.width}x{image.height} is too large")
        if image.format not in SAME_FORMAT and getattr(image, "is_animated", False):
            return ""
        image.load()
        picture = pixels.in_srgb(ImageOps.exif_transpose(image))
    see_through = pixels.see_through(picture)
    fallback = "png" if see_through else "jpg"
    if not see_through and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    width, height = picture.size
    wanted = {
        usage_name: boxes(usage, width, height) for usage_name, usage in KINDS.items()
    }
    picture = pixels.reduced(
        picture, [box for sizes in wanted.values() for box in sizes]
    )
    for usage_name, sizes in wanted.items():
        usage = KINDS[usage_name]
        for box in sizes:
            options = _options(usage, box)
            rendition = engine.process_image(picture, options)
            if rendition.size != box:  # Never, unless easy-thumbnails changes.
                rendition = rendition.resize(box, Image.Resampling.LANCZOS)
            file_name = rendition_name(name, usage, box, fallback)
            if usage.webp:
                writing.write(file_name + ".webp", pixels.webp(rendition))
            encoded = engine.save_pil_image(
                rendition, filename=file_name, quality=JPEG_QUALITY
            )
            writing.write(file_name, encoded.getvalue())
    return fallback


def stored_name(url: str) -> str | None:
    """The storage name of a picture uploaded in the editor, from the URL
    the body's <img> has; None for anything else (another site's picture,
    a path that climbs out of the upload folder)."""
    # S3Storage has no base_url: its files' address is url("").
    base = getattr(default_storage, "base_url", None) or default_storage.url("")
    prefix = base + settings.CKEDITOR_UPLOAD_PATH
    if not url.startswith(prefix) or any(c in url for c in "?#\\"):
        return None
    name = unquote(url.removeprefix(base))
    path = PurePosixPath(name)
    if ".." in path.parts or str(path) != name:
        return None
    return name
