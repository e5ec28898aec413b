"""The admin's input for a picture: the stored picture shown as a thumbnail
(its smallest rendition, a few kilobytes rather than the original's
megabytes) above Django's "Hiện tại / Xóa / Thay đổi", so staff see which
photo an article, a ward or a person has, not only a file name."""

from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html, format_html_join

from . import renditions

# Wide enough to tell photos apart, narrow enough for a phone's form.
THUMBNAIL_WIDTH = 240


def thumbnail(file):
    """A stored picture (an ImageField's file) as a small <img> linked to
    the picture itself; "" when there is none or its file is gone."""
    if not file:
        return ""
    offered = renditions.offer(file.name, "article")
    if offered is None:
        return ""
    smallest = min(offered.srcset, key=lambda r: r.width, default=offered.img)
    img = {"src": smallest.url, "width": THUMBNAIL_WIDTH}
    if smallest.width and smallest.height:
        width = min(THUMBNAIL_WIDTH, smallest.width)
        img |= {
            "width": width,
            "height": round(width * smallest.height / smallest.width),
        }
    img |= {"alt": "Ảnh đang dùng", "class": "picture-thumbnail"}
    return format_html(
        '<a href="{}" target="_blank" rel="noopener"><img{}></a>',
        file.url,
        format_html_join("", ' {}="{}"', img.items()),
    )


class PictureInput(AdminFileWidget):
    """Django's admin file input, with the stored picture shown."""

    template_name = "pictures/picture_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["thumbnail"] = (
            thumbnail(value) if self.is_initial(value) else ""
        )
        return context
