"""Photos: what an upload must be, how it is stored (upright, without where it
was taken), and the renditions readers' phones are sent."""

import io
import os
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import ExifTags, Image, ImageCms

from articles.models import Article
from pictures import renditions
from pictures.checks import picture_problem
from pictures.templatetags.pictures import body_with_renditions
from wardnews import pagecache
from wards import hosts

from .conftest import PHONE_UA, article_form, png_bytes

ADD_URL = "/admin/articles/article/add/"
TOKEN = "t" * 40
INVALID = "Tệp không phải ảnh hợp lệ. Chỉ nhận ảnh JPG, PNG, GIF hoặc WebP."
ORIENTATION = ExifTags.Base.Orientation
GPS_IFD = ExifTags.IFD.GPSInfo
# Hoàn Kiếm Lake, where the photo was taken.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (21.0, 1.0, 44.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 51.0, 10.0),
}
RED, BLUE = (200, 30, 30), (30, 60, 200)


# --- Pictures to upload -----------------------------------------------------


def encode(image, image_format, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def gradient(size=(1600, 1000)):
    """A photo-like picture: colours change across it, so a wrong crop or a
    stretched rendition shows."""
    horizontal = Image.linear_gradient("L").resize(size)
    vertical = Image.linear_gradient("L").rotate(90).resize(size)
    return Image.merge("RGB", (horizontal, vertical, Image.new("L", size, 120)))


def camera_exif(orientation=1):
    """What a phone writes: its make, how it was held, where it was."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = GPS
    return exif


def sideways_photo(image_format="JPEG") -> bytes:
    """A 300x200 picture, red on the left, that the camera says to turn a
    quarter clockwise (EXIF orientation 6): upright it is 200x300, red on top."""
    image = Image.new("RGB", (300, 200), RED)
    image.paste(BLUE, (150, 0, 300, 200))
    return encode(image, image_format, exif=camera_exif(orientation=6).tobytes())


def png_claiming(width, height) -> bytes:
    """A PNG of a few bytes whose header claims width x height pixels."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = encode(gradient((400, 300)), "JPEG")
    return data[: len(data) // 2]


def near(colour, expected) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=False))


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


# --- Where pictures are uploaded --------------------------------------------


@pytest.fixture
def upload(client, editor, ward, media_root):
    """Uploads a file through the editor's image upload, as staff; the
    stored file's path, or the Vietnamese message."""
    client.cookies["ckCsrfToken"] = TOKEN
    client.force_login(editor)

    def upload(name, content, kind="image/jpeg"):
        response = client.post(
            f"/ckeditor/upload/?ward={ward.pk}&responseType=json",
            {"ckCsrfToken": TOKEN, "upload": SimpleUploadedFile(name, content, kind)},
        )
        data = response.json()
        if data["uploaded"] == "1":
            return media_root / unquote(data["url"]).removeprefix("/media/")
        return data["error"]["message"]

    return upload


@pytest.fixture
def featured(client, editor, category, media_root):
    """Adds an article with a featured photo in the admin; the stored photo's
    path, or the page with the form's errors."""
    client.force_login(editor)

    def featured(name, content, kind="image/jpeg"):
        response = client.post(
            ADD_URL,
            article_form(
                category,
                featured_image=SimpleUploadedFile(name, content, kind),
                featured_image_alt="Quang cảnh hội nghị",
            ),
        )
        if response.status_code == 302:
            return media_root / Article.objects.get().featured_image.name
        return response

    return featured


def assert_upright_without_location(path):
    with Image.open(path) as image:
        assert image.size == (200, 300)
        rgb = image.convert("RGB")
        assert near(rgb.getpixel((100, 40)), RED)
        assert near(rgb.getpixel((100, 260)), BLUE)
        exif = image.getexif()
        assert exif.get(ORIENTATION, 1) == 1
        assert not exif.get_ifd(GPS_IFD)


@pytest.mark.parametrize("how", ["upload", "featured"])
def test_a_photo_is_stored_where_nobody_can_guess_it(how, request, db):
    """A draft's photo is served from /media/ before the article is out: its
    stored name says what it is, in ASCII, with a random part that a reader
    who knows the article's title and month cannot guess."""
    store = request.getfixturevalue(how)
    first = store("Ảnh Hội nghị.JPG", sideways_photo())
    assert re.fullmatch(r"anh-hoi-nghi-[0-9a-f]{10}\.jpg", first.name), first.name
    if how == "upload":
        second = store("Ảnh Hội nghị.JPG", sideways_photo())
        assert second.parent == first.parent and second.name != first.name
    else:  # Within the field's 100 characters, the random part kept whole.
        Article.objects.all().delete()
        long_name = "Ảnh Hội nghị tổng kết công tác năm 2026 và triển khai " * 2
        stored = store(f"{long_name}.JPG", sideways_photo())
        name = Article.objects.get().featured_image.name
        assert len(name) <= 100
        assert re.fullmatch(
            r"anh-hoi-nghi-tong-ket-[a-z0-9-]+-[0-9a-f]{10}\.jpg", stored.name
        )


# --- Stored upright, without where it was taken ------------------------------


def test_the_test_photos_carry_what_the_site_removes():
    with Image.open(io.BytesIO(sideways_photo())) as image:
        assert image.size == (300, 200)
        assert image.getexif()[ORIENTATION] == 6
        assert image.getexif().get_ifd(GPS_IFD)[ExifTags.GPS.GPSLatitudeRef] == "N"


@pytest.mark.parametrize("image_format", ["JPEG", "WEBP", "PNG"])
def test_an_editor_picture_is_stored_upright_and_without_its_location(
    upload, image_format
):
    ending = {"JPEG": "jpg", "WEBP": "webp", "PNG": "png"}[image_format]
    stored = upload(f"anh.{ending}", sideways_photo(image_format))
    assert_upright_without_location(stored)


def test_a_featured_photo_is_stored_upright_and_without_its_location(featured):
    stored = featured("anh-hoi-nghi.jpg", sideways_photo())
    assert_upright_without_location(stored)


def test_a_photo_saved_without_a_form_is_prepared_too(make_article, media_root):
    article = make_article(featured_image=ContentFile(sideways_photo(), "anh.jpg"))
    assert_upright_without_location(media_root / article.featured_image.name)


@pytest.mark.parametrize(
    ("image_format", "ending"), [("JPEG", "jpg"), ("WEBP", "webp"), ("PNG", "png")]
)
def test_removing_the_location_leaves_the_picture_itself_untouched(
    upload, image_format, ending
):
    """An upright photo is not encoded again: its metadata is cut out of the
    file, its pixels are the camera's."""
    photo = gradient((640, 400))
    exif = camera_exif().tobytes()
    original = encode(photo, image_format, exif=exif, quality=90)
    stored = upload(f"anh.{ending}", original)
    with Image.open(stored) as image, Image.open(io.BytesIO(original)) as before:
        assert not image.getexif()
        assert image.tobytes() == before.tobytes()


def test_the_colour_profile_stays_and_xmp_and_comments_go(upload):
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        b'exif:GPSLatitude="21,1.73N"/></rdf:RDF></x:xmpmeta>'
    )
    original = encode(
        gradient((640, 400)),
        "JPEG",
        icc_profile=profile,
        xmp=xmp,
        comment=b"Chup tai nha ong Nguyen Van A, so 12 ngo 5",
        exif=camera_exif().tobytes(),
    )
    stored = upload("anh.jpg", original)
    with Image.open(stored) as image:
        assert image.info["icc_profile"] == profile
        assert "xmp" not in image.info
        assert "comment" not in image.info
        assert not image.getexif()
    assert b"GPSLatitude" not in stored.read_bytes()
    assert b"Nguyen" not in stored.read_bytes()


def test_a_phone_jpeg_with_a_second_picture_is_taken_as_a_jpeg(upload):
    """Phones append an HDR gain map or a depth map to the photo (Pillow's
    MPO): readers see the first picture; the second, with its own EXIF, goes."""
    exif = camera_exif().tobytes()
    first, second = gradient((640, 400)), Image.new("L", (320, 200), 90)
    original = encode(first, "MPO", save_all=True, append_images=[second], exif=exif)
    assert Image.open(io.BytesIO(original)).format == "MPO"
    stored = upload("anh-dien-thoai.jpg", original)
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (640, 400)
        assert getattr(image, "n_frames", 1) == 1
        assert not image.getexif()
    assert len(stored.read_bytes()) < len(original) - 1000


def animation(image_format, **options) -> bytes:
    frames = [Image.new("RGB", (120, 80), colour) for colour in (RED, BLUE, RED)]
    return encode(
        frames[0],
        image_format,
        save_all=True,
        append_images=frames[1:],
        duration=200,
        loop=0,
        **options,
    )


def test_an_animated_gif_stays_animated(upload):
    stored = upload("chuc-mung.gif", animation("GIF"), "image/gif")
    with Image.open(stored) as image:
        assert image.n_frames == 3


def with_gif_metadata(gif: bytes) -> bytes:
    """The GIF with an XMP block giving where it was taken (as photo apps
    write it) after its header, and a comment."""
    xmp = b"<x:xmpmeta><exif:GPSLatitude>21,1.5N</exif:GPSLatitude></x:xmpmeta>"
    sub_blocks = b"".join(
        bytes([len(xmp[i : i + 255])]) + xmp[i : i + 255]
        for i in range(0, len(xmp), 255)
    )
    xmp_block = b"\x21\xff\x0bXMP DataXMP" + sub_blocks + b"\x00"
    comment = b"\x21\xfe\x0cNha ong Ba 5\x00"
    screen = 13 + (3 * 2 ** ((gif[10] & 7) + 1) if gif[10] & 0x80 else 0)
    return gif[:screen] + xmp_block + comment + gif[screen:]


def test_an_animated_gif_loses_its_location_and_comment_and_keeps_looping(upload):
    original = with_gif_metadata(animation("GIF"))
    with Image.open(io.BytesIO(original)) as image:
        assert image.n_frames == 3 and b"GPSLatitude" in original
    stored = upload("chuc-mung.gif", original, "image/gif")
    data = stored.read_bytes()
    assert b"GPSLatitude" not in data and b"Nha ong" not in data
    with Image.open(stored) as image:
        assert image.n_frames == 3
        assert image.info.get("loop") == 0
        assert image.info.get("duration") == 200


def test_an_animated_webp_stays_animated_and_loses_its_location(upload):
    original = animation("WEBP", exif=camera_exif().tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    stored = upload("chuc-mung.webp", original, "image/webp")
    with Image.open(stored) as image:
        assert image.n_frames == 3
        assert not image.getexif().get_ifd(GPS_IFD)


# --- Bad uploads: refused, and nothing written -------------------------------


def endings(ending):
    """The admin's answer to a file of the wrong ending."""
    return (
        f"Không nhận tệp có đuôi “{ending}”. Các đuôi được nhận: jpg, jpeg, png, "
        "gif, webp."
    )


# The file, what the editor's upload answers, what the admin's form says.
BAD_UPLOADS = [
    pytest.param(
        "bom.png", png_claiming(13000, 13000),
        "Ảnh quá lớn: 13000×13000 điểm ảnh.", None,
        id="bomb",
    ),
    pytest.param(
        "bom.png", png_claiming(30000, 30000),
        "Ảnh quá lớn: hàng trăm triệu điểm ảnh.", None,
        id="bomb-past-pillows-limit",
    ),
    pytest.param(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        INVALID, endings("svg"),
        id="svg",
    ),
    pytest.param(
        "trang.html", b"<!doctype html><script>alert(document.cookie)</script>",
        INVALID, endings("html"),
        id="html",
    ),
    pytest.param(
        "anh.jpg", b"<!doctype html><script>alert(document.cookie)</script>",
        INVALID, None,
        id="html-named-jpg",
    ),
    pytest.param(
        "anh.pdf", png_bytes(),
        "Tên tệp “anh.pdf” không khớp với loại ảnh (PNG)", endings("pdf"),
        id="png-named-pdf",
    ),
    pytest.param(
        "anh.jpg",
        encode(gradient((64, 48)), "JPEG") + b"\0" * (50 * 1024 * 1024),
        "Ảnh quá lớn: tối đa 10 MB.", None,
        id="50-mb",
    ),
    pytest.param("anh.jpg", truncated_jpeg(), INVALID, None, id="truncated-jpeg"),
]  # fmt: skip


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("name", "content", "message", "_"), BAD_UPLOADS)
def test_a_bad_editor_upload_is_refused_and_nothing_is_written(
    upload, media_root, name, content, message, _
):
    assert upload(name, content).startswith(message)
    assert files_under(media_root) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("name", "content", "message", "admin"), BAD_UPLOADS)
def test_a_bad_featured_photo_is_refused_and_nothing_is_written(
    featured, media_root, name, content, message, admin
):
    response = featured(name, content)
    assert response.status_code == 200
    assert (admin or message) in response.text
    assert not Article.objects.exists()
    assert files_under(media_root) == []


def test_a_featured_photo_needs_its_description(client, editor, category, media_root):
    client.force_login(editor)
    photo = SimpleUploadedFile("anh.jpg", encode(gradient(), "JPEG"), "image/jpeg")
    response = client.post(ADD_URL, article_form(category, featured_image=photo))
    assert "Hãy mô tả ngắn ảnh đại diện" in response.text
    assert files_under(media_root) == []


# --- What readers are sent ---------------------------------------------------


class Pictures(HTMLParser):
    """The <picture>s and lone <img>s of a page, with their attributes."""

    def __init__(self, html):
        super().__init__()
        self.pictures, self.current, self.captions = [], None, []
        self.in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.current = {"sources": [], "img": None}
        elif tag == "source" and self.current is not None:
            self.current["sources"].append(attrs)
        elif tag == "img":
            if self.current is not None:
                self.current["img"] = attrs
            else:
                self.pictures.append({"sources": [], "img": attrs})
        elif tag == "figcaption":
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag == "picture":
            self.pictures.append(self.current)
            self.current = None
        elif tag == "figcaption":
            self.in_caption = False

    def handle_data(self, data):
        if self.in_caption:
            self.captions.append(data)


def srcset(value) -> list[tuple[str, int]]:
    candidates = [part.strip().rsplit(" ", 1) for part in value.split(",")]
    return [(url, int(width.removesuffix("w"))) for url, width in candidates]


def stored(media_root, url) -> Path:
    return media_root / unquote(urlsplit(url).path).removeprefix("/media/")


def assert_file(media_root, url, image_format, size):
    with Image.open(stored(media_root, url)) as image:
        assert (image.format, image.size) == (image_format, size), url


def article_page_picture(reader, article):
    """The article's photo, parsed, and the page."""
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    figure = html[html.index('<figure class="article-image">') :]
    return Pictures(figure[: figure.index("</figure>")]), response


def test_the_article_page_shows_the_photos_renditions(reader, make_article, media_root):
    article = make_article(
        featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
        featured_image_alt="Quang cảnh hội nghị sơ kết",
        featured_image_caption="Quang cảnh hội nghị. Ảnh: Thu Hà",
    )
    page, _ = article_page_picture(reader, article)
    photo = page.pictures[0]
    [webp] = photo["sources"]
    assert webp["type"] == "image/webp"
    widths = [(400, 250), (800, 500), (1200, 750)]
    assert [width for _, width in srcset(webp["srcset"])] == [400, 800, 1200]
    for (url, width), size in zip(srcset(webp["srcset"]), widths, strict=True):
        assert width == size[0]
        assert_file(media_root, url, "WEBP", size)
    img = photo["img"]
    assert img["src"].endswith(".jpg")
    assert_file(media_root, img["src"], "JPEG", (800, 500))
    assert (img["width"], img["height"]) == ("800", "500")
    for (url, width), size in zip(srcset(img["srcset"]), widths, strict=True):
        assert width == size[0]
        assert_file(media_root, url, "JPEG", size)
    assert img["sizes"] == webp["sizes"]
    assert img["alt"] == "Quang cảnh hội nghị sơ kết"
    # The first thing a phone draws: fetched first, not when scrolled to.
    assert img["fetchpriority"] == "high"
    assert "loading" not in img
    assert page.captions == ["Quang cảnh hội nghị. Ảnh: Thu Hà"]


def test_renditions_are_never_wider_than_the_photo(reader, make_article, media_root):
    article = make_article(
        featured_image=ContentFile(encode(gradient((1000, 600)), "JPEG"), "nho.jpg"),
        featured_image_alt="Ảnh nhỏ",
    )
    page, response = article_page_picture(reader, article)
    img = page.pictures[0]["img"]
    assert [width for _, width in srcset(img["srcset"])] == [400, 800, 1000]
    assert_file(media_root, srcset(img["srcset"])[-1][0], "JPEG", (1000, 600))
    assert '<meta property="og:image:width" content="1000">' in response.text
    assert '<meta property="og:image:height" content="525">' in response.text


def test_a_small_photo_is_sent_as_it_is_sized(reader, make_article, media_root):
    article = make_article(
        featured_image=ContentFile(png_bytes((300, 200)), "so-do.png"),
        featured_image_alt="Sơ đồ",
    )
    page, _ = article_page_picture(reader, article)
    img = page.pictures[0]["img"]
    assert srcset(img["srcset"]) == [(img["src"], 300)]
    assert (img["width"], img["height"]) == ("300", "200")


def test_the_shared_link_shows_the_1200_by_630_jpeg(reader, make_article, media_root):
    article = make_article(
        featured_image=ContentFile(encode(gradient(), "PNG"), "hoi-nghi.png"),
        featured_image_alt="Quang cảnh hội nghị",
    )
    response = reader.get(article.get_absolute_url())
    html = response.text
    start = html.index('<meta property="og:image" content="') + 35
    url = html[start : html.index('"', start)]
    assert url.startswith("http://testserver/media/renditions/articles/")
    assert_file(media_root, url, "JPEG", (1200, 630))
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert f'"image": ["{url}"]' in html  # schema.org NewsArticle


def test_an_article_without_a_photo_is_still_shared_with_the_wards_card(
    reader, make_article
):
    html = reader.get(make_article().get_absolute_url()).text
    assert '<meta property="og:image" content="http://testserver/anh-chia-se.png">' in (
        html
    )


def test_a_see_through_picture_keeps_its_transparency(reader, make_article, media_root):
    logo = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    logo.paste((165, 27, 27, 255), (300, 200, 600, 400))
    article = make_article(
        featured_image=ContentFile(encode(logo, "PNG"), "bieu-trung.png"),
        featured_image_alt="Biểu trưng",
    )
    page, response = article_page_picture(reader, article)
    photo = page.pictures[0]
    assert photo["img"]["src"].endswith(".png")
    assert_file(media_root, photo["img"]["src"], "PNG", (800, 533))
    webp_url = srcset(photo["sources"][0]["srcset"])[0][0]
    with Image.open(stored(media_root, webp_url)) as webp:
        assert webp.mode == "RGBA"
        assert webp.getpixel((0, 0))[3] == 0
    # Crawlers get a JPEG, on white.
    start = response.text.index('<meta property="og:image" content="') + 35
    og = response.text[start : response.text.index('"', start)]
    with Image.open(stored(media_root, og)) as card:
        assert card.format == "JPEG"
        assert near(card.getpixel((5, 5)), (255, 255, 255))


def test_an_animated_gif_is_shown_as_it_is(reader, make_article, media_root):
    article = make_article(
        featured_image=ContentFile(animation("GIF"), "chuc-mung.gif"),
        featured_image_alt="Chúc mừng năm mới",
    )
    page, _ = article_page_picture(reader, article)
    [photo] = page.pictures
    assert photo["sources"] == []
    assert photo["img"]["src"] == article.featured_image.url
    assert (photo["img"]["width"], photo["img"]["height"]) == ("120", "80")


def test_cards_show_the_16_by_9_thumbnail(reader, make_article, category, media_root):
    articles = [
        make_article(
            featured_image=ContentFile(encode(gradient(), "JPEG"), f"anh-{n}.jpg"),
            featured_image_alt="Ảnh",
        )
        for n in range(3)
    ]
    for url in ["/", category.get_absolute_url()]:
        page = Pictures(reader.get(url).text)
        cards = [p for p in page.pictures if "/renditions/" in p["img"]["src"]]
        assert len(cards) >= 3, url
        for card in cards:
            img = card["img"]
            assert [width for _, width in srcset(img["srcset"])] == [400, 800]
            assert (img["width"], img["height"]) == ("800", "450")
            assert_file(media_root, img["src"], "JPEG", (800, 450))
            webp = srcset(card["sources"][0]["srcset"])
            assert_file(media_root, webp[0][0], "WEBP", (400, 225))
            assert img["alt"] == ""  # The card's title says it, next to it.
        # The first card is near the top: it loads at once; the rest when
        # scrolled to.
        assert "loading" not in cards[0]["img"]
        assert all(card["img"]["loading"] == "lazy" for card in cards[1:])
    assert len({a.featured_image.name for a in articles}) == 3


def test_renditions_are_made_by_the_worker_once_the_photo_is_saved(
    reader, make_article, media_root, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(
            featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
            featured_image_alt="Ảnh",
        )
        # Not while the photo's transaction is open: the request never waits.
        assert not task_queue.waiting().exists()
    assert task_queue.waiting("pictures.renditions.make_later").count() == 1
    assert files_under(media_root / "renditions") == []

    # Until the worker has run, the page shows the photo as stored.
    page, response = article_page_picture(reader, article)
    assert response.status_code == 200
    [photo] = page.pictures
    assert photo["sources"] == []
    assert photo["img"]["src"] == article.featured_image.url
    assert task_queue.waiting().count() == 1  # The page did not queue it again.

    assert task_queue.run() == 1
    made = files_under(media_root / "renditions")
    assert len([path for path in made if path.suffix == ".webp"]) == 5
    assert len([path for path in made if path.suffix == ".jpg"]) == 6
    # What pages knew of the photo, and the kept page, as after a few seconds.
    cache.clear()
    pagecache.clear_local()
    page, _ = article_page_picture(reader, article)
    assert "/renditions/" in page.pictures[0]["img"]["src"]


def test_a_photo_gone_before_the_worker_came_is_no_error(media_root):
    assert renditions.make_later.call("articles/phuc-loi/da-xoa.jpg") == ""


def test_a_photo_saved_then_undone_is_not_queued(
    make_article, task_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                make_article(
                    featured_image=ContentFile(encode(gradient(), "JPEG"), "a.jpg"),
                    featured_image_alt="Ảnh",
                )
                raise RuntimeError("the article could not be saved")
        except RuntimeError:
            pass
    assert not task_queue.waiting().exists()


def test_a_photo_stored_without_renditions_is_queued_by_the_first_page(
    reader, make_article, media_root, task_queue
):
    """A restored backup, an upload from before the queue: the first page
    queues it, once, and shows it as stored meanwhile."""
    article = make_article(
        featured_image=ContentFile(encode(gradient(), "JPEG"), "hoi-nghi.jpg"),
        featured_image_alt="Ảnh",
    )  # The test's transaction never commits: nothing queued on save.
    assert not task_queue.waiting().exists()
    for _ in range(2):
        page, _ = article_page_picture(reader, article)
        assert page.pictures[0]["img"]["src"] == article.featured_image.url
    assert task_queue.waiting().count() == 1
    task_queue.run()
    cache.clear()
    pagecache.clear_local()
    page, _ = article_page_picture(reader, article)
    assert "/renditions/" in page.pictures[0]["img"]["src"]


def body_picture(media_root, name="hoi-nghi.jpg", picture=None) -> str:
    """A picture uploaded in the editor, as it lies in the upload folder;
    its URL."""
    path = media_root / "uploads" / "phuc-loi" / "2025" / "03" / "20" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(picture or gradient(), "JPEG"))
    return "/media/" + str(path.relative_to(media_root))


def test_pictures_in_the_text_get_renditions(reader, make_article, media_root):
    url = body_picture(media_root)
    article = make_article()
    # Stored as it is: a save would drop the picture from elsewhere, which
    # the page drops all the same.
    Article.objects.filter(pk=article.pk).update(
        body=(
            "<p>Sáng 20/3, hội nghị khai mạc.</p>"
            f'<figure class="image"><img src="{url}" alt="Đại biểu &amp; khách mời '
            f'“dự” hội nghị" width="1600" height="1000">'
            "<figcaption>Đại biểu dự hội nghị.</figcaption></figure>"
            '<p><img src="https://example.com/anh.jpg" alt="Ảnh nơi khác"></p>'
            '<p><img src="/media/uploads/khong-co.jpg" alt="Ảnh đã xóa"></p>'
        )
    )
    html = reader.get(article.get_absolute_url()).text
    body = html[html.index('<div class="article-body">') :]
    body = body[: body.index("</div>")]
    page = Pictures(body)
    picture, missing = page.pictures
    img = picture["img"]
    assert img["alt"] == "Đại biểu & khách mời “dự” hội nghị"
    assert 'alt="Đại biểu &amp; khách mời “dự” hội nghị"' in body
    assert (img["width"], img["height"]) == ("1600", "1000")  # As staff sized it.
    assert img["loading"] == "lazy"
    assert img["decoding"] == "async"
    assert [width for _, width in srcset(img["srcset"])] == [400, 800, 1200]
    assert_file(media_root, img["src"], "JPEG", (800, 500))
    assert_file(
        media_root,
        srcset(picture["sources"][0]["srcset"])[2][0],
        "WEBP",
        (
            1200,
            750,
        ),
    )
    assert "<figcaption>Đại biểu dự hội nghị.</figcaption></figure>" in body
    # Another site's picture goes; a missing file of ours stays as written.
    assert "example.com" not in body
    assert '<img src="/media/uploads/khong-co.jpg" alt="Ảnh đã xóa">' in body
    assert missing["sources"] == []


def test_the_text_filter_changes_nothing_but_our_pictures(media_root, db):
    url = body_picture(media_root)
    html = (
        f'<p title="<img src=&quot;{url}&quot;>">&lt;img src="{url}"&gt; '
        f"<a href=\"/x?a=1&amp;b=2\">liên kết</a></p>\n<p>x</p><img src='{url}'>"
    )
    result = body_with_renditions(html)
    # The text and the attribute that merely mention a picture are untouched.
    before, after = result.split("\n<p>x</p>")
    assert before == html.split("\n<p>x</p>")[0]
    assert after.startswith('<picture><source type="image/webp" srcset="/media/')
    assert after.endswith(' alt="" loading="lazy" decoding="async"></picture>')
    # No picture of ours: dropped, not shown as written.
    assert body_with_renditions('<img src="/media/uploads/../../etc/passwd">') == ""


def test_the_text_filter_escapes_what_is_not_marked_safe():
    from django.template import Context, Template

    template = Template("{% load pictures %}{{ body|with_renditions }}")
    assert template.render(Context({"body": "<b>x</b>"})) == "&lt;b&gt;x&lt;/b&gt;"


def test_a_photo_stored_sideways_before_is_shown_upright(
    reader, make_article, media_root
):
    """Photos uploaded before uploads were turned upright."""
    article = make_article()
    name = "articles/phuong-phuc-loi/2024/05/cu.jpg"
    (media_root / name).parent.mkdir(parents=True)
    (media_root / name).write_bytes(sideways_photo())
    Article.objects.filter(pk=article.pk).update(
        featured_image=name, featured_image_alt="Ảnh cũ"
    )
    page, _ = article_page_picture(reader, article)
    img = page.pictures[0]["img"]
    assert (img["width"], img["height"]) == ("200", "300")
    with Image.open(stored(media_root, img["src"])) as rendition:
        assert rendition.size == (200, 300)
        assert near(rendition.getpixel((100, 40)), RED)


# --- No query more for pictures -------------------------------------------


def query_count(url) -> int:
    """The queries a reader's first visit to the page costs (a new browser:
    an article's view is counted)."""
    with CaptureQueriesContext(connection) as queries:
        assert Client(headers={"user-agent": PHONE_UA}).get(url).status_code == 200
    return len(queries)


def test_pictures_add_no_query_to_reader_pages(
    reader, make_article, category, other_category, media_root, settings
):
    """Not even when the renditions are made as the page is first shown."""
    settings.PAGE_CACHE = False  # What rendering the page costs.
    categories = [category, other_category] * 2 + [category]
    articles = [make_article(category=c) for c in categories]
    pages = ["/", category.get_absolute_url(), articles[0].get_absolute_url()]
    reader.get("/")  # The host map is warm after the first request.
    without_pictures = [query_count(page) for page in pages]
    url = body_picture(media_root)
    for article in articles:
        article.featured_image = ContentFile(
            encode(gradient((800, 500)), "JPEG"), "a.jpg"
        )
        article.featured_image_alt = "Ảnh"
        article.body = f'<p><img src="{url}" alt="Ảnh trong bài"></p>'
        article.save()
    for path in files_under(media_root / "renditions"):
        path.unlink()
    cache.clear()
    hosts.ward_for_host("testserver")  # The map reloads once after a flush.
    assert [query_count(page) for page in pages] == without_pictures
    page = Pictures(reader.get(articles[0].get_absolute_url()).text)
    # The photo and the picture in the text, with their renditions made.
    pictures = [p for p in page.pictures if p["img"]["src"].startswith("/media/")]
    assert len(pictures) == 2
    for picture in pictures:
        assert picture["sources"]
        assert stored(media_root, picture["img"]["src"]).is_file()


# --- On a phone ---------------------------------------------------------------

SHOTS = Path("/tmp/shots/photos")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_phone_reads_the_article_with_the_photos_rendition(
    live_server, new_context, ward, category, make_article, media_root
):
    url = body_picture(media_root, "san-choi.jpg", gradient((2400, 1600)))
    article = make_article(
        title="Khánh thành sân chơi cho thiếu nhi tổ dân phố số 5",
        lead="Sáng 20/3, UBND phường khánh thành sân chơi mới.",
        featured_image=ContentFile(encode(gradient((3000, 2000)), "JPEG"), "le.jpg"),
        featured_image_alt="Lãnh đạo phường cắt băng khánh thành sân chơi",
        featured_image_caption="Lãnh đạo phường cắt băng khánh thành. Ảnh: Thu Hà",
        body=(
            "<p>Sân chơi rộng 500 m², có cầu trượt, xích đu và ghế đá.</p>"
            f'<figure class="image"><img src="{url}" alt="Sân chơi mới" '
            'width="2400" height="1600"><figcaption>Sân chơi mới.</figcaption>'
            "</figure><p>Kinh phí do nhân dân đóng góp.</p>"
        ),
    )
    for n in range(3):
        make_article(
            title=f"Ra quân làm sạch đường phố, ngõ xóm đợt {n + 1}",
            featured_image=ContentFile(
                encode(gradient((1200, 1600)).rotate(90 * n, expand=True), "JPEG"),
                f"ra-quan-{n}.jpg",
            ),
            featured_image_alt="Đoàn viên thanh niên ra quân",
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(phone=True, device_scale_factor=3).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    photo = page.locator(".article-image img")
    photo.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    # 326 CSS pixels at three device pixels each: the 1200 wide WebP, not
    # the 3000 wide original.
    current = photo.evaluate("img => img.currentSrc")
    assert current.endswith(".1200x800_q80_crop.jpg.webp"), current
    box = photo.bounding_box()
    assert box["width"] == pytest.approx(326, abs=2)
    assert box["height"] == pytest.approx(box["width"] * 2 / 3, abs=2)
    page.screenshot(path=SHOTS / "article-top.png")
    body_photo = page.locator(".article-body img")
    body_photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=body_photo.element_handle(),
    )
    current = body_photo.evaluate("img => img.currentSrc")
    assert current.endswith(".1200x800_q80_crop.jpg.webp"), current
    page.locator(".article-body").screenshot(path=SHOTS / "article-body.png")
    page.goto(live_server.url + "/")
    for card in page.locator(".card-image img").all():
        card.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=card.element_handle(),
        )
        assert card.evaluate("img => img.currentSrc").endswith(".webp")
    page.screenshot(path=SHOTS / "home.png", full_page=True)
    assert os.path.getsize(SHOTS / "article-top.png") > 0


def test_postscript_is_never_handed_to_ghostscript(monkeypatch):
    """Pillow reads EPS through Ghostscript, whose -dSAFER has been escaped
    before: an EPS named .jpg is refused without Pillow trying EPS."""
    from PIL import EpsImagePlugin

    calls = []

    def ghostscript(*args, **kwargs):
        calls.append(args)
        raise OSError("no Ghostscript here")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    eps = io.BytesIO()
    Image.new("RGB", (8, 8)).save(eps, format="EPS")
    assert picture_problem(SimpleUploadedFile("anh.jpg", eps.getvalue()))
    assert calls == []
