"""The pictures staff upload (in the editor, as a featured image, as a ward's
logo): only real pictures of a format and size readers' phones can show,
stored upright and without what their files tell beyond the picture (where
and when a photo was taken, the camera's serial number)."""

import io
import logging
import re
import secrets
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageOps, JpegImagePlugin

from vietnamese.text import vietnamese_slugify

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 10 * 1024 * 1024
# A few kilobytes of PNG can say 13000x13000: decoding that takes gigabytes.
MAX_IMAGE_PIXELS = 40_000_000
# A progressive JPEG decodes once per scan: a camera writes about ten, a
# crafted file of 1 MB can hold 20,000 and keep a server busy for minutes.
MAX_JPEG_SCANS = 100
# The picture formats staff may upload, with the file name endings each may
# carry: the file is served under its own name, so a picture named .html or
# .svg would be a web page (with scripts) on the portal's own domain.
IMAGE_FORMATS = {
    "JPEG": {".jpg", ".jpeg"},
    "PNG": {".png"},
    "GIF": {".gif"},
    "WEBP": {".webp"},
}
IMAGE_ENDINGS = [".jpg", ".jpeg", ".png", ".gif", ".webp"]  # As staff read them.
# Phones write JPEGs with a second picture after the photo (an HDR gain map,
# a depth map): Pillow calls them MPO. Readers' browsers show the first.
SAME_FORMAT = {"MPO": "JPEG"}
# What Pillow may even try to read a file as: never PostScript (which it
# hands to Ghostscript), nor any of the fifty others it knows.
PILLOW_FORMATS = ["JPEG", "PNG", "GIF", "WEBP"]  # JPEG opens MPO too.


# Stored names: a slug of the uploaded name, cut to this, and a random part
# of this many hex digits.
MAX_STORED_STEM = 80
RANDOM_DIGITS = 10


def stored_path(folder: str, filename: str, max_length: int = 255) -> str:
    """Where a picture is stored: in ``folder``, under an ASCII slug of the
    name it was uploaded with and a random part ("Ảnh Hội nghị.JPG" ->
    "anh-hoi-nghi-3f9c2a1b7e.jpg"), in at most ``max_length`` characters in
    all (its field's). /media/ serves a draft's photos (and their renditions,
    named after them) before the article is out: nobody who knows its title
    and month can guess where they are."""
    path = PurePosixPath(filename)
    random_part = f"-{secrets.token_hex(RANDOM_DIGITS // 2)}{path.suffix.lower()}"
    room = max_length - len(folder) - len(random_part)
    stem = vietnamese_slugify(path.stem)[: max(min(MAX_STORED_STEM, room), 3)]
    return f"{folder}{stem.strip('-') or 'anh'}{random_part}"


def shown_name(name: str) -> str:
    """A stored picture's name as staff know it, without its random part:
    "anh-hoi-nghi-3f9c2a1b7e.jpg" -> "anh-hoi-nghi.jpg"."""
    return _RANDOM_PART.sub("", PurePosixPath(name).name)


_RANDOM_PART = re.compile(rf"-[0-9a-f]{{{RANDOM_DIGITS}}}(?=\.[a-z]+$)")


def open_picture(file):
    """Pillow's Image.open, for the formats we take only."""
    return Image.open(file, formats=PILLOW_FORMATS)


def picture_problem(uploaded) -> str:
    """What is wrong with an uploaded picture, in the staff's words; "" if
    nothing."""
    if uploaded is None:
        return "Chưa chọn tệp ảnh để tải lên."
    if uploaded.size > MAX_IMAGE_BYTES:
        return "Ảnh quá lớn: tối đa 10 MB."
    too_large = (
        "Ảnh quá lớn: {size} điểm ảnh. Hãy thu nhỏ ảnh (tối đa khoảng 40 triệu "
        "điểm ảnh, ví dụ 8000×5000) rồi tải lên lại."
    )
    try:
        with open_picture(uploaded) as image:
            image_format = SAME_FORMAT.get(image.format, image.format)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return too_large.format(size=f"{width}×{height}")
            if image_format == "JPEG" and _jpeg_scans(uploaded) > MAX_JPEG_SCANS:
                return (
                    "Ảnh JPEG này có cấu trúc bất thường (quá nhiều lớp quét). "
                    "Hãy mở ảnh và lưu lại bằng phần mềm chỉnh ảnh rồi tải lên."
                )
            image.verify()
        # verify() reads no pixels: decode them all, so a half-downloaded
        # picture is refused here rather than failing as a thumbnail is made.
        uploaded.seek(0)
        with open_picture(uploaded) as image:
            image.load()
    except Image.DecompressionBombError:  # Past twice Pillow's own limit.
        return too_large.format(size="hàng trăm triệu")
    except Exception:  # Pillow raises many kinds for a damaged file.
        image_format = None
    finally:
        uploaded.seek(0)
    if image_format not in IMAGE_FORMATS:
        return "Tệp không phải ảnh hợp lệ. Chỉ nhận ảnh JPG, PNG, GIF hoặc WebP."
    if Path(uploaded.name).suffix.lower() not in IMAGE_FORMATS[image_format]:
        return (
            f"Tên tệp “{uploaded.name}” không khớp với loại ảnh ({image_format}): "
            "hãy đặt đuôi .jpg, .png, .gif hoặc .webp đúng với ảnh."
        )
    return ""


def _jpeg_scans(uploaded) -> int:
    """How many scans (SOS markers) a JPEG holds: in the compressed data a
    0xFF byte is always followed by 0x00 or a restart marker, so every
    FF DA in the file starts a scan (or sits in a metadata block, which can
    only make the count larger). At most MAX_IMAGE_BYTES are read."""
    uploaded.seek(0)
    count = uploaded.read().count(b"\xff\xda")
    uploaded.seek(0)
    return count


def validate_picture(file) -> None:
    """Model field validator: a new upload gets the editor's checks."""
    if getattr(file, "_committed", True):
        return  # Stored before: checked then.
    problem = picture_problem(file.file)
    if problem:
        raise ValidationError(problem)


# --- Storing an upload -------------------------------------------------------


class PreparedPicture(ContentFile):
    """A picture as prepare_picture() left it, ready to store."""


def prepare_picture(uploaded) -> PreparedPicture:
    """The upload as it is to be stored, under its own name and format:
    upright, and without the metadata cameras and phones write (EXIF with
    the GPS position, XMP, IPTC, comments, a second picture after a JPEG);
    its colour profile kept, an animation kept animated.

    Checks it first (ValidationError with the staff's message), so nothing
    is decoded that picture_problem() would refuse. Metadata is cut out of
    the file, the picture itself untouched; only a photo the camera stored
    on its side (EXIF orientation) is encoded again, turned upright.
    """
    if isinstance(uploaded, PreparedPicture):
        return uploaded
    problem = picture_problem(uploaded)
    if problem:
        raise ValidationError(problem)
    data = uploaded.read()
    uploaded.seek(0)
    with open_picture(io.BytesIO(data)) as image:
        image_format = SAME_FORMAT.get(image.format, image.format)
        animated = image.format != "MPO" and getattr(image, "is_animated", False)
        if _orientation(image) != 1 and not animated:
            return PreparedPicture(_upright(image, image_format, data), uploaded.name)
        try:
            stripped = _STRIPPERS.get(image_format, bytes)(data)
            _check_same_picture(stripped, image, image_format)
        except (ValueError, IndexError, OSError, Image.DecompressionBombError):
            # A structure our reading of the format missed: Pillow's own
            # encoder writes a plain file (not for animations: every frame).
            if animated:
                raise ValidationError(ANIMATION_PROBLEM) from None
            logger.warning("Picture %s re-encoded to strip its metadata", uploaded.name)
            stripped = _upright(image, image_format, data)
    return PreparedPicture(stripped, uploaded.name)


ANIMATION_PROBLEM = (
    "Không xử lý được ảnh động này. Hãy mở ảnh bằng phần mềm chỉnh ảnh, lưu "
    "lại rồi tải lên."
)


def _orientation(image) -> int:
    try:
        return image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # A damaged EXIF block: the picture as stored.
        return 1


def _upright(image, image_format: str, data: bytes) -> bytes:
    """The picture turned as its EXIF orientation says and encoded again,
    with its colour profile and nothing else of the original's metadata."""
    icc_profile = image.info.get("icc_profile")
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        # The camera's own quantisation tables and chroma subsampling: as
        # near the original as a second encoding gets.
        options |= {
            "qtables": image.quantization,
            "optimize": True,
            "progressive": bool(image.info.get("progressive")),
        }
        if (sampling := JpegImagePlugin.get_sampling(image)) != -1:
            options["subsampling"] = sampling
    elif image_format == "WEBP":
        lossless = any(kind == b"VP8L" for kind, _, _ in _webp_chunks(data))
        options |= {"lossless": True} if lossless else {"quality": 90}
    elif "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    upright = ImageOps.exif_transpose(image)
    upright.info = {}  # Pillow writes some of info back (a JPEG's comment).
    buffer = io.BytesIO()
    upright.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _check_same_picture(data: bytes, original, image_format: str) -> None:
    """The stripped file is still the picture: same format, size and frames,
    and it decodes."""
    with open_picture(io.BytesIO(data)) as image:
        frames = getattr(original, "n_frames", 1) if original.format != "MPO" else 1
        if (
            image.format != image_format
            or image.size != original.size
            or getattr(image, "n_frames", 1) != frames
        ):
            raise ValueError("not the same picture")
        image.load()


# JPEG: the JFIF header, the colour profile and Adobe's colour transform flag
# (APP0, APP2 "ICC_PROFILE", APP14) are part of the picture; every other
# application segment (APP1 EXIF and XMP, APP13 IPTC, makers' own) and the
# comments are not.
_JPEG_KEPT_APPS = {0xE0: b"JFIF\0", 0xE2: b"ICC_PROFILE\0", 0xEE: b"Adobe"}


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    kept = [b"\xff\xd8"]
    pos = 2
    while True:
        if data[pos] != 0xFF:
            raise ValueError("no marker where one belongs")
        while data[pos] == 0xFF:  # Fill bytes may come before a marker.
            pos += 1
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # The end: a second picture after it goes too.
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # Markers without data.
            kept.append(bytes((0xFF, marker)))
            continue
        end = pos + int.from_bytes(data[pos : pos + 2], "big")
        if end <= pos + 1 or end > len(data):
            raise ValueError("a segment longer than the file")
        is_metadata = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if not is_metadata or data[pos + 2 : end].startswith(
            _JPEG_KEPT_APPS.get(marker, b"-")
        ):
            kept.append(bytes((0xFF, marker)) + data[pos:end])
        pos = end
        if marker == 0xDA:  # A scan: its compressed data runs to the next marker.
            end = _scan_end(data, pos)
            kept.append(data[pos:end])
            pos = end


def _scan_end(data: bytes, pos: int) -> int:
    """Where a scan's compressed data ends: at the first 0xFF that starts a
    marker (inside the data 0xFF is followed by 0x00 or a restart marker)."""
    while True:
        pos = data.index(b"\xff", pos)  # ValueError: the file ends in the scan.
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        else:
            return pos


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG: the chunks that make the picture (pixels, palette, transparency,
# colour, pixel size, animation); text (tEXt, zTXt, iTXt: XMP among them),
# eXIf and anything unknown are not.
_PNG_PICTURE_CHUNKS = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP",
    b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs",
    b"acTL", b"fcTL", b"fdAT",
}  # fmt: skip


def _strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    kept = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + int.from_bytes(data[pos : pos + 4], "big")  # + type, CRC
        if end > len(data):
            raise ValueError("a chunk longer than the file")
        if kind in _PNG_PICTURE_CHUNKS:
            kept.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(kept)


# WebP: the picture, its transparency, animation and colour profile; not the
# EXIF and XMP chunks (nor anything unknown).
_WEBP_PICTURE_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF_AND_XMP = 0x08 | 0x04


def _webp_chunks(data: bytes):
    """(kind, start, end) of each chunk of a WebP file, padding included."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    riff_end = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    pos = 12
    while pos + 8 <= riff_end:
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if pos + 8 + size > riff_end:
            raise ValueError("a chunk longer than the file")
        yield data[pos : pos + 4], pos, pos + 8 + size
        pos += 8 + size + (size & 1)


def _strip_webp(data: bytes) -> bytes:
    kept = [b"WEBP"]
    for kind, start, end in _webp_chunks(data):
        if kind not in _WEBP_PICTURE_CHUNKS:
            continue
        chunk = bytearray(data[start:end])
        if kind == b"VP8X":  # Its flags must not announce the chunks dropped.
            chunk[8] &= ~_VP8X_EXIF_AND_XMP & 0xFF
        kept.append(bytes(chunk) + b"\0" * (len(chunk) & 1))
    body = b"".join(kept)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


# GIF: the frames, their timing and the looping count (the NETSCAPE2.0 or
# ANIMEXTS1.0 application block) and a colour profile; not comments, nor XMP
# (which may carry a GPS position) or any other application's block.
_GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"}


def _gif_sub_blocks_end(data: bytes, pos: int) -> int:
    """Where a run of GIF data sub-blocks (each its length, then its bytes,
    ended by a zero length) starting at ``pos`` ends."""
    while True:
        if pos >= len(data):
            raise ValueError("GIF data runs past the file")
        size = data[pos]
        pos += 1
        if size == 0:
            return pos
        pos += size


def _color_table_size(packed: int) -> int:
    return 3 * 2 ** ((packed & 0x07) + 1) if packed & 0x80 else 0


def _strip_gif(data: bytes) -> bytes:
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise ValueError("not a GIF")
    pos = 13 + _color_table_size(data[10])
    kept = [data[:pos]]
    while True:
        if pos >= len(data):
            raise ValueError("a GIF without its end")
        block = data[pos]
        if block == 0x3B:  # The trailer.
            kept.append(data[pos : pos + 1])
            return b"".join(kept)
        if block == 0x2C:  # A frame: its descriptor, colour table, pixels.
            start = pos
            pos += 10
            if pos > len(data):
                raise ValueError("a GIF frame past the file")
            pos += _color_table_size(data[pos - 1]) + 1  # + LZW code size.
            pos = _gif_sub_blocks_end(data, pos)
            kept.append(data[start:pos])
        elif block == 0x21:  # An extension: kept unless it is metadata.
            start = pos
            if pos + 2 > len(data):
                raise ValueError("a GIF extension past the file")
            label = data[pos + 1]
            pos = _gif_sub_blocks_end(data, pos + 2)
            application = data[start + 3 : start + 14] if label == 0xFF else b""
            if label == 0xFE or (
                label == 0xFF and application not in _GIF_KEPT_APPLICATIONS
            ):
                continue
            kept.append(data[start:pos])
        else:
            raise ValueError("an unknown GIF block")


_STRIPPERS = {
    "JPEG": _strip_jpeg,
    "PNG": _strip_png,
    "WEBP": _strip_webp,
    "GIF": _strip_gif,
}
