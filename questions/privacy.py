"""What of a resident's submission a public page may show: never their
phone number, email address, full name or street address, whoever typed
them (the resident in the question, staff in the answer), nor an ID card
number; the ward's own phone numbers stay.

Every public path (the Q&A pages, their search, feed and sitemap) reads the
text through ``public_title``, ``public_question`` and ``public_answer``.

People do not type a number the way a pattern expects: CKEditor writes a
pasted number's spaces as &nbsp;, a phone keyboard gives full-width digits
or ＠, a copy from a chat app brings zero-width spaces and soft hyphens,
staff make half a number bold, and many phones type names without accents.
So the patterns are matched against a *view* of the text (``_View``) in
which all of that reads as plain ASCII, and what they find is hidden in the
text itself, character for character.
"""

import html as html_entities
import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape

from vietnamese.text import fold_accents

HIDDEN = "[đã ẩn]"

# Between the digits of a phone number: spaces (never a line break: two
# numbers on two lines are two numbers), and a dot or a dash of any kind.
_SEP = r"[^\S\n]{0,3}[.\-\u2010-\u2015]?[^\S\n]{0,3}"
# A Vietnamese phone number, mobile or landline, written with spaces, dots
# or dashes between its digits: 0912 345 678, +84 912.345.678, 024-3825-1234,
# (024) 3825 1234, +84 (0)912 345 678. Ten or eleven digits starting with 0
# (or 84/+84 and nine or ten). Document numbers (125/QĐ-UBND) and dates
# (05/12/2026) are not.
PHONE = re.compile(
    rf"(?<![\w/])(?:\+?84(?:{_SEP}\(0\))?|\(0\d{{1,3}}\)|0)(?:{_SEP}\d){{8,10}}(?![\w/])"
)
# An email address, also written "an [at] gmail [dot] com" or "an at gmail
# dot com" to dodge filters (matched in the view, in lower case, with its
# accents: "ồ ạt vào đợt 2" is no address).
_AT = r"(?:[^\S\n]*(?:@|\(at\)|\[at\])[^\S\n]*|[^\S\n]+at[^\S\n]+)"
# A real dot has no space around it: "an@gmail.com. Xin hỏi" ends at "com".
_DOT = r"(?:\.|[^\S\n]*(?:\(dot\)|\[dot\])[^\S\n]*|[^\S\n]+dot[^\S\n]+)"
EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+")
# A căn cước (12 digits) or old CMND (9 digits) number, which residents
# asking about tạm trú or hộ tịch write in full. Only unbroken runs: amounts
# are written with dots (100.000.000 đồng) and stay.
CITIZEN_ID = re.compile(r"(?<![\w/.,])(?:\d{12}|\d{9})(?![\w/]|[.,]\d)")

# The tổ dân phố of an address (folded): public anyway ("Ông/bà N.V.A.,
# tổ 5"), and "tổ 5" alone in an answer is no one's address.
_GROUP = re.compile(r"\b(?:to(?:\s+dan\s+pho)?|tdp)\s*(?:so\s*)?\d{1,3}[a-z]?\b")
_WORD = re.compile(r"[^\W_]+")
# Between the words of a name or an address: a space, a comma, a slash.
_BETWEEN_WORDS = r"[^\w\n]{1,3}"
# Words of an address read at most (each window of them is a pattern).
_MAX_ADDRESS_WORDS = 12


def phone_key(phone: str) -> str:
    """A phone number however typed: "+84 912.345.678", "+84 (0)912 345
    678" and "0912345678" are the same number."""
    digits = re.sub(r"\D", "", phone.replace("(0)", ""))
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def ward_phones(ward) -> frozenset:
    """The ward's own numbers (its phone and hotline): an answer telling
    residents to call them is not giving away anyone's personal data."""
    return frozenset(k for k in map(phone_key, (ward.phone, ward.hotline)) if k)


# --- The view patterns are matched in ----------------------------------------

# Characters that show as nothing, dropped from the view: soft hyphen,
# zero-width space and joiners, word joiner, byte order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Tags inside a line of text: a number half in bold is one number. Any
# other tag (a paragraph, a line break) ends what came before it.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|s|samp|small"
    r"|span|strong|sub|sup|time|u|var|wbr)\b",
    re.IGNORECASE,
)
_LINK_TO_CONTACT = re.compile(r"(?:mailto|tel|sms|callto)\s*:", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _fold(piece: str, bare: bool) -> str:
    """A piece of text as the view reads it: compatibility forms as their
    plain ones (０ is 0, ＠ is @, a no-break space a space), without
    invisible characters, in lower case; ``bare``: without accents too."""
    folded = unicodedata.normalize("NFKC", piece).translate(_INVISIBLE).casefold()
    return fold_accents(folded) if bare else folded


class _View:
    """The text as the patterns read it, and for each of its characters the
    span of the text it comes from; for HTML, the tags' spans too."""

    def __init__(self, text: str, *, html: bool, bare: bool):
        self.source = text
        chars, self.spans, self.tags = [], [], []
        i, end = 0, len(text)
        while i < end:
            after, piece = i + 1, None
            if html and text[i] == "<" and (close := text.find(">", i)) != -1:
                after = close + 1
                self.tags.append((i, after))
                piece = "" if _INLINE_TAG.match(text, i) else "\n"
            elif html and text[i] == "&" and (entity := _ENTITY.match(text, i)):
                after = entity.end()
                piece = _fold(html_entities.unescape(entity.group()), bare)
            else:
                piece = _fold(text[i], bare)
            chars.append(piece)
            self.spans.extend([(i, after)] * len(piece))
            i = after
        self.text = "".join(chars)

    def found(self, match: re.Match) -> tuple[int, int]:
        """The span of the text a match in the view covers, with the marks
        of its last letter (text typed decomposed: "u" then its accent)."""
        stop = self.spans[match.end() - 1][1]
        while stop < len(self.source) and unicodedata.combining(self.source[stop]):
            stop += 1
        return self.spans[match.start()][0], stop


# --- The resident's name and address ----------------------------------------


def _sequence(words) -> str:
    """The words one after the other, however spaced or punctuated."""
    return r"(?<!\w)" + _BETWEEN_WORDS.join(map(re.escape, words)) + r"(?!\w)"


def _name_patterns(name: str) -> list[str]:
    """The full name, and the family name with the given name (the middle
    one left out), as sequences of whole words: never a single word, which
    is as often an ordinary one ("An", "Hùng")."""
    words = _WORD.findall(fold_accents(name))
    if len(words) < 2 or min(map(len, words)) < 2:  # Initials ("N.V.A.").
        return []
    patterns = [_sequence(words)]
    if len(words) >= 3:
        patterns.append(_sequence([words[0], words[-1]]))
    return patterns


def _address_patterns(address: str) -> list[str]:
    """The address as written, and the parts of its street address that
    point at a house: every run of its words with two numbers ("12 ngõ 34"),
    or a number and the street's name after it ("34 Trần Phú"). Never the
    tổ dân phố alone, nor a street's name alone ("Trần Phú")."""
    folded = fold_accents(address)
    street = _WORD.findall(_GROUP.sub(" ", folded))[:_MAX_ADDRESS_WORDS]
    whole = _WORD.findall(folded)
    patterns = [_sequence(whole)] if street and len(whole) >= 2 else []
    is_number = [any(c.isdigit() for c in word) for word in street]
    windows = []
    for start in range(len(street)):
        for stop in range(start + 2, len(street) + 1):
            numbers = sum(is_number[start:stop])
            to_the_end = stop == len(street) and not all(is_number[start:stop])
            if numbers >= 2 or (numbers and to_the_end):
                windows.append(street[start:stop])
    windows.sort(key=len, reverse=True)  # The longest run where several match.
    return patterns + [_sequence(window) for window in windows]


# --- Scrubbing ---------------------------------------------------------------


def _hidden(
    text: str, *, html: bool, name: str, address: str, initials: str, keep
) -> tuple[list, list]:
    """What to hide in the text (spans and what each becomes, in order,
    never overlapping), and the text's tags."""
    plain = _View(text, html=html, bare=False)
    found = [(*plain.found(m), HIDDEN) for m in EMAIL.finditer(plain.text)]
    found += [
        (*plain.found(m), HIDDEN)
        for m in PHONE.finditer(plain.text)
        if phone_key(m.group()) not in keep
    ]
    found += [(*plain.found(m), HIDDEN) for m in CITIZEN_ID.finditer(plain.text)]
    people = [(p, initials or HIDDEN) for p in _name_patterns(name)]
    people += [(p, HIDDEN) for p in _address_patterns(address)]
    if people:
        bare = _View(text, html=html, bare=True)
        for pattern, shown in people:
            found += [(*bare.found(m), shown) for m in re.finditer(pattern, bare.text)]
    merged = []
    for start, stop, shown in sorted(found, key=lambda f: (f[0], -f[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            if stop > last[1]:
                merged[-1] = (last[0], stop, HIDDEN)
            continue
        merged.append((start, stop, shown))
    return merged, plain.tags


def _replaced(text: str, hidden, tags) -> str:
    """The text with each hidden span shown as what it becomes; the tags
    inside a span (a number half in bold) stay, so the HTML stays whole."""
    out, at = [], 0
    for start, stop, shown in hidden:
        out += [text[at:start], shown]
        out += [text[a:b] for a, b in tags if start <= a and b <= stop]
        at = stop
    out.append(text[at:])
    return "".join(out)


def scrub(
    text: str,
    *,
    name: str = "",
    address: str = "",
    initials: str = "",
    keep: frozenset = frozenset(),
    html: bool = False,
) -> str:
    """The text without emails, phone numbers (but those in `keep`, as
    phone_key() gives them), ID numbers, the resident's full name (their
    initials instead) and their address, however typed."""
    hidden, tags = _hidden(
        text, html=html, name=name, address=address, initials=initials, keep=keep
    )
    return _replaced(text, hidden, tags)


def _without_contact_links(html: str) -> str:
    """Links to an email address or phone (mailto:, tel:, sms:) as plain
    text; any other tag as it was."""

    def tag(found):
        if not _LINK_TO_CONTACT.search(found.group()):
            return found.group()
        return "<a>" if found.group()[1:2].lower() == "a" else ""

    return re.sub(r"<[^>]*>", tag, html)


def scrub_html(html: str, **known) -> str:
    """The sanitised HTML with the same removed from its text (read as
    readers see it: entities decoded, a number split by bold one number),
    and links to an email address or phone dropped."""
    known["initials"] = escape(known.get("initials", ""))
    return scrub(_without_contact_links(html), html=True, **known)
