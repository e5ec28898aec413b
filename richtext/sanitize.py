"""What a body may hold, whatever HTML arrives: from the editor, a paste or
a crafted request, it is cleaned against an allow-list fitting a news
article. Scripts, event attributes and javascript: URLs never reach a reader,
and pictures come only from our own media."""

import re
from collections.abc import Iterable
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import validate_host

from pictures.addresses import is_media_picture

# What a body may hold, for nh3 on save and, generated from the same lists,
# for CKEditor's content filter: the editor never shows what saving would
# drop, and saving keeps what the editor shows.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li",
    "a", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip

# No style attribute and no free class: fonts, colours and sizes pasted from
# Word or Google Docs go, and nothing can be laid over the page (a float, a
# width, a negative margin).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

# Alignment is a class from a short list, styled by the site's stylesheet:
# the editor's Justify buttons (left, centre, right, both edges)...
TEXT_ALIGN_CLASSES = ["text-left", "text-center", "text-right", "text-justify"]
ALIGNED_BLOCKS = ["p", "h2", "h3", "h4", "li", "td", "th"]
# ...and the image dialog's (image2): a captioned picture is
# <figure class="image image-right"><img …><figcaption>…</figcaption></figure>,
# an uncaptioned one <img class="image-right"> or, centred,
# <p class="image-center"><img …></p>.
CAPTIONED_CLASS = "image"
IMAGE_ALIGN_CLASSES = ["image-left", "image-center", "image-right"]

ALLOWED_CLASSES = {
    **{tag: {*TEXT_ALIGN_CLASSES} for tag in ALIGNED_BLOCKS},
    "p": {*TEXT_ALIGN_CLASSES, "image-center"},
    "figure": {CAPTIONED_CLASS, *IMAGE_ALIGN_CLASSES},
    "img": {"image-left", "image-right"},
}

ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The tags whose content is dropped with them, not kept as text (Word's
# clipboard carries a <style> and a <title>).
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "template", "title",
}  # fmt: skip


def sanitize(html: str, folders: Iterable[str] | None = None) -> str:
    """The body HTML a reader may be shown: the allow-list's, with pictures
    from our own media only, in `folders` (see foreign_pictures)."""
    markup, _ = _rewritten(html, folders)
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=_with_class(ALLOWED_ATTRIBUTES),
        attribute_filter=_allowed_classes_only,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def foreign_pictures(html: str, folders: Iterable[str] | None = None) -> list[str]:
    """The addresses of the pictures sanitize() drops, because they are not
    files of our media in `folders` (the caller's, e.g. a ward's upload
    folder; by default anywhere in the editor's upload folder): another
    site's (every reader's browser would call it, and it can change or
    vanish), one of our own addresses that is no picture of those folders
    ("/media/../tim-kiem/?q=…", another ward's picture), a data: or file:
    address pasted from Word (kept as ""), or none at all."""
    return _rewritten(html, folders)[1]


def pictures_without_description(html: str) -> int:
    """How many pictures in the body have no description (alt) for readers
    who cannot see them: a picture dropped or pasted into the editor gets
    none, unlike one put in with the image dialog."""
    finder = _UndescribedPictures()
    finder.feed(html)
    finder.close()
    return finder.count


class _UndescribedPictures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.count += 1


def own_pictures_only(html: str, folders: Iterable[str] | None = None) -> None:
    """A form validator for the editor's fields (with functools.partial for
    a ward's `folders`): staff learn, before saving, which pictures would not
    reach readers, and nothing they wrote is lost (the form comes back as
    they sent it, pictures in place)."""
    if foreign := foreign_pictures(html, folders):
        raise ValidationError(
            "Bài có %(count)s ảnh lấy từ nơi khác (%(where)s). Bạn đọc chỉ xem "
            "được ảnh đã tải lên trang của phường: hãy xoá các ảnh đó khỏi bài, "
            "tải ảnh lên bằng nút “Ảnh” trên thanh công cụ rồi lưu lại.",
            code="foreign_pictures",
            params={"count": len(foreign), "where": _places(foreign)},
        )


def _places(addresses: list[str]) -> str:
    """Where the pictures come from, in a few words: the sites' names, or
    "dán trực tiếp" for pictures pasted without an address."""
    places = []
    for address in addresses:
        try:
            host = urlsplit(_as_browsers_read(address)).hostname
        except ValueError:
            host = None
        ours = address.startswith(settings.MEDIA_URL) or _is_our_host(host or "")
        place = host or "dán trực tiếp"
        if ours:
            place = "ảnh không thuộc thư mục ảnh của phường"
        if place not in places:
            places.append(place)
    return ", ".join(places[:3]) + (", …" if len(places) > 3 else "")


def _own_media(src: str | None, folders=None) -> str | None:
    """The address a picture keeps if it is a file of our media, else None.

    Compared as browsers read an address (tabs and line breaks dropped,
    surrounding spaces trimmed, a backslash as a slash), so "/\\x.example/"
    and " //x.example/" are another site's. A full address of one of our own
    hosts (a picture copied from the ward's pages) becomes the path alone:
    readers then fetch it from whichever ward's site they read.
    """
    if not src:
        return None
    read = _as_browsers_read(src)
    media = urlsplit(settings.MEDIA_URL)
    try:
        address = urlsplit(read)
    except ValueError:  # "http://[" : no address a browser would load.
        return None
    if (address.scheme, address.netloc) == (media.scheme, media.netloc):
        return read if is_media_picture(read, folders) else None
    if (
        not media.netloc
        and address.scheme in ("http", "https")
        and address.hostname
        and _is_our_host(address.hostname)
        and not (address.query or address.fragment or "?" in read or "#" in read)
        and is_media_picture(address.path, folders)
    ):
        return address.path
    return None


def _as_browsers_read(src: str) -> str:
    return re.sub(r"[\t\n\r]", "", src).strip(_C0_AND_SPACE).replace("\\", "/")


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def _is_our_host(host: str) -> bool:
    """One of the host names this installation answers (ALLOWED_HOSTS, as
    "*" would make every site ours)."""
    return validate_host(host, [h for h in settings.ALLOWED_HOSTS if h != "*"])


def _with_class(attributes: dict) -> dict:
    """The attributes, a class where the allow-list has some, and nothing
    on every tag (nh3 would otherwise keep any tag's lang and title)."""
    return {
        "*": set(),
        **{
            tag: {*attributes.get(tag, ()), "class"}
            for tag in {*attributes, *ALLOWED_CLASSES}
        },
    }


def _allowed_classes_only(tag: str, name: str, value: str) -> str | None:
    """The classes of the allow-list (nh3's allowed_classes would leave
    Word's class="MsoNormal" as an empty class="")."""
    if name != "class":
        return value
    allowed = ALLOWED_CLASSES.get(tag, set())
    return " ".join(c for c in value.split() if c in allowed) or None


def _rewritten(html: str, folders=None) -> tuple[str, list[str]]:
    """What Word and Google Docs say with styles, as the allow-list says
    it, before the styles go: bold and italic spans as <strong> and <em>,
    a paragraph's text-align as its alignment class; and the headings the
    editor has no button for as paragraphs, as the editor makes them. And
    pictures not from our media dropped: their addresses come second.

    nh3 first (the allow-list, with spans, those headings and those
    styles), so that what is rewritten is well-formed markup; the result
    goes through nh3 again, which alone decides what a reader gets.
    """
    tidy = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"span", *_AS_PARAGRAPH},
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes={
            **_with_class(ALLOWED_ATTRIBUTES),
            **{
                tag: {*ALLOWED_ATTRIBUTES.get(tag, ()), "class", "style"}
                for tag in _EMPHASIS | {*ALIGNED_BLOCKS, *_AS_PARAGRAPH}
            },
        },
        url_schemes=ALLOWED_URL_SCHEMES,
        filter_style_properties={"font-weight", "font-style", "text-align"},
        strip_comments=True,
    )
    rewriter = _StyleRewriter(folders)
    rewriter.feed(tidy)
    rewriter.close()
    return "".join(rewriter.out), rewriter.foreign_pictures


_EMPHASIS = {"span", "b", "strong", "i", "em"}
_BOLD = {"bold", "bolder", "600", "700", "800", "900"}
_NOT_BOLD = {"normal", "lighter", "100", "200", "300", "400", "500"}
_AS_PARAGRAPH = {"h1", "h5", "h6"}


class _StyleRewriter(HTMLParser):
    """<span style="font-weight:700"> -> <strong>, font-style:italic ->
    <em>; a <b> or <strong> styled not bold (Google Docs wraps a whole paste
    in <b style="font-weight:normal">) loses its tag, keeping its text;
    <p style="text-align:center"> -> <p class="text-center">; an <img>
    not from our media goes (an empty element: no end tag to drop)."""

    def __init__(self, folders=None):
        super().__init__(convert_charrefs=True)
        self.folders = folders
        self.out = []
        # For each open emphasis element, the end tags it became.
        self.ends = []
        self.foreign_pictures = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            src = attrs.get("src")
            if (kept := _own_media(src, self.folders)) is None:
                self.foreign_pictures.append(src or "")
                return
            attrs["src"] = kept
        style = _style_properties(attrs.pop("style", None) or "")
        if tag not in _EMPHASIS:
            tag = "p" if tag in _AS_PARAGRAPH else tag
            align = f"text-{style.get('text-align')}"
            if tag in ALIGNED_BLOCKS and align in TEXT_ALIGN_CLASSES:
                classes = (attrs.get("class") or "").split()
                if not set(classes) & set(TEXT_ALIGN_CLASSES):
                    attrs["class"] = " ".join([*classes, align])
            self.out.append(_start_tag(tag, attrs))
            return
        weight = style.get("font-weight", "")
        tags = []
        if tag in ("b", "strong"):
            tags = [] if weight in _NOT_BOLD else [tag]
        elif tag in ("i", "em"):
            tags = [tag]
        if tag == "span" and weight in _BOLD:
            tags.append("strong")
        if tag == "span" and style.get("font-style") in ("italic", "oblique"):
            tags.append("em")
        self.out.extend(f"<{name}>" for name in tags)
        self.ends.append("".join(f"</{name}>" for name in reversed(tags)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # <br/>: no end tag to write.

    def handle_endtag(self, tag):
        if tag in _EMPHASIS:
            # nh3's output nests properly: this closes the last one opened.
            self.out.append(self.ends.pop() if self.ends else "")
        else:
            self.out.append(f"</{'p' if tag in _AS_PARAGRAPH else tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


def _start_tag(tag: str, attrs: dict) -> str:
    written = "".join(
        f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs.items()
    )
    return f"<{tag}{written}>"


def _style_properties(style: str) -> dict[str, str]:
    properties = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        properties[name.strip().lower()] = value.strip().lower()
    return properties
