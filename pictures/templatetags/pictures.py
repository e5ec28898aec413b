"""Pictures on reader pages: a stored picture as a <picture> of its
renditions (WebP, with JPEG or PNG for browsers without it), sized for where
the page shows it, with its width and height so nothing jumps as it loads.

    {% load pictures %}
    {% picture article.featured_image "card" alt="" layout="lead" eager=True %}
    {{ article.body|safe|with_renditions }}
"""

import re

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe

from pictures import addresses, renditions

register = template.Library()


@register.simple_tag
def picture(image, kind, alt="", layout="", eager=False, priority=False):
    """A stored picture (an ImageField's file) for one use (renditions.KINDS),
    laid out as renditions.SIZES[layout] says (the kind's own by default).
    Below the first screen it loads as it is scrolled to, unless eager; the
    page's main picture (priority) is fetched first."""
    if not image:
        return ""
    offered = renditions.offer(image.name, kind) or renditions.Offer(
        renditions.Rendition(image.name, None, None)  # A missing file.
    )
    return picture_html(
        offered,
        alt=alt,
        sizes=renditions.SIZES[layout or kind],
        eager=eager,
        priority=priority,
    )


def picture_html(
    offered, *, alt, sizes, eager=False, priority=False, attrs=None
) -> SafeString:
    """The markup of a renditions.Offer; every value escaped. attrs: more
    of the <img>'s attributes (those written in the editor)."""
    img = {"src": offered.img.url}
    if offered.srcset:
        img |= {"srcset": _srcset(offered.srcset), "sizes": sizes}
    if offered.img.width and offered.img.height:
        img |= {"width": offered.img.width, "height": offered.img.height}
    img |= {"alt": alt, **(attrs or {})}
    if priority:
        img["fetchpriority"] = "high"
    else:
        if not eager:
            img["loading"] = "lazy"
        img["decoding"] = "async"
    tag = format_html("<img{}>", format_html_join("", ' {}="{}"', img.items()))
    if not offered.webp:
        return tag
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        _srcset(offered.webp),
        sizes,
        tag,
    )


def _srcset(files) -> str:
    return ", ".join(f"{file.url} {file.width}w" for file in files)


@register.filter(needs_autoescape=True)
def with_renditions(html, autoescape=True):
    """An article body (sanitised HTML, marked safe) with the pictures staff
    uploaded in the editor shown through their renditions, loading as they
    are scrolled to. A picture that is no file of our media goes; ours
    without renditions (a missing file) and everything else stay exactly as
    written."""
    if autoescape and not isinstance(html, SafeData):
        return conditional_escape(html)
    return mark_safe(body_with_renditions(str(html)))  # noqa: S308 - input was safe.


def body_with_renditions(html: str) -> str:
    """Each editor-uploaded <img> start tag replaced, where the parser found
    it; one that is no picture of our media (addresses.is_media_picture)
    dropped, whenever it was stored; the text between tags is copied as it
    is, never decoded."""
    finder = addresses.ImageFinder()
    finder.feed(html)
    finder.close()
    return finder.replaced(html, _body_picture)


def _body_picture(attrs) -> str | None:
    """The <picture> for an <img> of the body: None keeps it as written (our
    picture with no renditions, a missing file), "" drops it (not ours)."""
    if not addresses.own_picture(attrs):
        return ""
    name = renditions.stored_name(attrs.get("src", ""))
    offered = renditions.offer(name, "article") if name else None
    if offered is None or offered.img.width is None:
        return None
    kept = {key: attrs[key] for key in ("class", "title", "style") if attrs.get(key)}
    staff_size = attrs.get("width", ""), attrs.get("height", "")
    if all(re.fullmatch("[0-9]{1,5}", value) for value in staff_size):
        # The size staff gave it in the editor is the size it is shown at.
        kept |= dict(zip(("width", "height"), staff_size, strict=True))
    return picture_html(
        offered,
        alt=attrs.get("alt", ""),
        sizes=renditions.SIZES["article"],
        attrs=kept,
    )
