"""The pictures staff upload (in the editor, as a featured image, as a ward's
logo): only real pictures of a format and size readers' phones can show."""

from pathlib import Path

from django.core.exceptions import ValidationError
from PIL import Image

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
        with Image.open(uploaded) as image:
            image_format = image.format
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
        with Image.open(uploaded) as image:
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
