"""Which picture addresses in a body are pictures of our media: a file
uploaded in the editor, or one of its renditions, in the folders the caller
names (a ward's, for its articles) or, by default, anywhere under the
editor's upload folder.

An address is judged as the server would resolve it, after percent-decoding:
no "." or ".." segment ("/media/../tim-kiem/" and "/media/%2e%2e/tim-kiem/"
are the search page, fetched by every reader's browser), no empty segment, no
query or fragment, nothing but a path under MEDIA_URL. The sanitiser asks
this on every save, and the filters that show a body (templatetags) ask it
again on every render, so what was stored before is held to it too.
"""

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import unquote

from django.conf import settings

RENDITIONS = "renditions"

# Characters no picture of ours has in its address: a query, a fragment,
# a backslash, spaces and control characters, quotes and angle brackets.
_NEVER = re.compile(r"[\s?#\\<>\"'`\x00-\x1f\x7f]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Once decoded: what was escaped twice ("%252e"), or escaped into a query,
# a fragment, a backslash or a control character, is no name of ours.
_NEVER_DECODED = re.compile(r"[%?#\\\x00-\x1f\x7f]")


def is_media_picture(url: str, folders: Iterable[str] | None = None) -> bool:
    """Is `url` (as a browser reads it) a picture in one of `folders` (storage
    folders, "uploads/phuc-loi") or a rendition of one?"""
    media = settings.MEDIA_URL
    if not url.startswith(media) or _NEVER.search(url) or _BAD_ESCAPE.search(url):
        return False
    path = unquote(url.removeprefix(media))
    if _NEVER_DECODED.search(path):
        return False
    if any(part in ("", ".", "..") for part in path.split("/")):
        return False
    if folders is None:
        folders = [settings.CKEDITOR_UPLOAD_PATH]
    for folder in folders:
        folder = folder.strip("/")
        if path.startswith((f"{folder}/", f"{RENDITIONS}/{folder}/")):
            return True
    return False


def without_foreign_pictures(html: str) -> str:
    """The HTML with every <img> that is not a picture of our media taken
    out, the rest copied as written. For bodies stored before the rule, or by
    a way round the sanitiser: shown to readers, they are held to it too."""
    finder = ImageFinder()
    finder.feed(html)
    finder.close()
    return finder.replaced(html, lambda attrs: None if own_picture(attrs) else "")


def own_picture(attrs: dict) -> bool:
    """Whether every address an <img> makes the browser fetch is a picture
    of our media: its src and each candidate of its srcset (a screen of 2x
    loads those rather than src)."""
    candidates = (attrs.get("srcset") or "").split(",")
    addresses = [c.split()[0] for c in candidates if c.strip()]
    return all(is_media_picture(a or "") for a in [attrs.get("src", ""), *addresses])


# Where an <img> to drop is not where the parser says (markup no sanitiser
# wrote), every picture goes.
_ANY_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


class ImageFinder(HTMLParser):
    """Where each <img> start tag is, as written, with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = {name: value or "" for name, value in attrs}
            self.images.append((self.getpos(), self.get_starttag_text(), values))

    def replaced(self, html: str, replacement) -> str:
        """The HTML with each <img> start tag found replaced by
        replacement(attrs), or kept where it gives None; the text between
        tags copied as it is, never decoded."""
        line_starts = [0] + [match.end() for match in re.finditer("\n", html)]
        parts, done = [], 0
        for (line, column), text, attrs in self.images:
            markup = replacement(attrs)
            if markup is None:
                continue
            start = line_starts[line - 1] + column
            if start < done or html[start : start + len(text)] != text:
                return _ANY_IMG.sub("", html)
            parts += [html[done:start], markup]
            done = start + len(text)
        parts.append(html[done:])
        return "".join(parts)
