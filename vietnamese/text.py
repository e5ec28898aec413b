"""Vietnamese text rules shared by the models, the admin and the importer."""

import html
import re
import unicodedata

from django.utils.html import strip_tags
from django.utils.text import slugify

# "đ" is a letter of its own, not "d" with a mark: Unicode gives it no
# decomposition, so Django's slugify would drop it ("Đảng" -> "ang").
_D_TO_ASCII = str.maketrans({"đ": "d", "Đ": "D"})


# Control characters no page or feed can carry (XML 1.0 refuses them): Word's
# soft line break and page break become line breaks, the others go.
_CONTROLS = {
    **dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]),
    0x0B: "\n",
    0x0C: "\n",
}


def nfc(text: str) -> str:
    """Text in composed form (NFC), as the database keeps every string,
    without control characters.

    Text pasted from Word or typed with some keyboards arrives decomposed
    (NFD): it looks the same but neither equality nor search matches it.
    """
    return unicodedata.normalize("NFC", text).translate(_CONTROLS)


def vietnamese_slugify(text: str) -> str:
    """An ASCII slug: "Công tác Đảng" -> "cong-tac-dang"; "tháng 1/2027"
    -> "thang-1-2027", not "thang-12027"."""
    return slugify(nfc(text).translate(_D_TO_ASCII).replace("/", " "))


def fold(text: str) -> str:
    """A key for matching names whatever their letter case and Unicode form."""
    return nfc(text).casefold().strip()


def sentence_case(text: str) -> str:
    """ "CÔNG TÁC ĐẢNG" -> "Công tác đảng"."""
    text = nfc(text).strip().lower()
    return text[:1].upper() + text[1:]


# Letters and digits: "_" is no word.
_WORD = re.compile(r"[^\W_]+")


def plain_text(html_text: str) -> str:
    """The text of some HTML, single-spaced: tags and attribute values go,
    and where a tag stood (a table cell, a list item, a paragraph's end) a
    space keeps the words on either side apart."""
    spaced = strip_tags(html_text.replace("<", " <"))
    return " ".join(html.unescape(spaced).split())


def search_words(title: str, lead: str, body_html: str) -> str:
    """The words an article is found by: its plain-text title and lead and
    its body's text (tags and attribute values are no words), lower case,
    accents kept, one space apart."""
    text = f"{title}\n{lead}\n{plain_text(body_html)}"
    return " ".join(_WORD.findall(nfc(text).casefold()))


def fold_accents(text: str) -> str:
    """Text without its marks, by the slugs' rules: "Công tác Đảng" ->
    "cong tac dang" (lower case; "đ" is "d")."""
    decomposed = unicodedata.normalize(
        "NFD", nfc(text).casefold().translate(_D_TO_ASCII)
    )
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Blocks of an article body: the whitespace between two of them is nothing a
# reader sees, only how an editor laid out its HTML.
_BLOCKS = (
    "p|h[1-6]|ul|ol|li|blockquote|figure|figcaption|table|caption|thead|tbody"
    "|tfoot|tr|th|td|hr|br|div"
)
_BETWEEN_BLOCKS = re.compile(rf"(</?(?:{_BLOCKS})\b[^>]*>)\s+(?=</?(?:{_BLOCKS})\b)")


# What CKEditor leaves after a picture, and staff type for spacing: on a
# phone, a gap as tall as a line of text.
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\u00a0|<br>)*</p>")


def compact_blocks(html_text: str) -> str:
    """HTML without the whitespace between block tags ("</p>\n\n<p>"),
    whichever editor wrote it, so a save that changes nothing a reader sees
    stores nothing new; and without empty paragraphs."""
    return _EMPTY_PARAGRAPH.sub("", _BETWEEN_BLOCKS.sub(r"\1", html_text))
