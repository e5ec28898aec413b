"""What is done to a picture's pixels on the way to its renditions
(renditions.py): colours into sRGB, transparency found, the picture made
smaller first, WebP encoded. Pillow only; nothing here knows where files go."""

import io

from PIL import Image, ImageCms

WEBP_QUALITY = 80


def in_srgb(image):
    """The picture in sRGB, the colours every browser assumes: renditions
    carry no profile of their own."""
    profile = image.info.get("icc_profile")
    if image.mode in ("P", "PA", "1") or "transparency" in image.info:
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    image.info = {}
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            return ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),  # Per call: threads share none.
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A profile littleCMS cannot use: the colours as they are.
    return image


def has_alpha(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def see_through(image) -> bool:
    """Whether any pixel is (partly) transparent: an opaque RGBA picture, as
    screenshots often are, gets JPEG fallbacks like a photo."""
    if not has_alpha(image):
        return False
    return image.convert("RGBA").getchannel("A").getextrema()[0] < 255


def reduced(picture, sizes):
    """The picture made smaller first, still twice the size every rendition
    needs: six resizes of a 40-megapixel photo would take seconds."""
    width, height = picture.size
    scale = 2 * max(max(w / width, h / height) for w, h in sizes)
    if scale >= 1:
        return picture
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def webp(rendition) -> bytes:
    if rendition.mode not in ("RGB", "RGBA"):
        rendition = rendition.convert("RGBA" if has_alpha(rendition) else "RGB")
    buffer = io.BytesIO()
    rendition.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()
