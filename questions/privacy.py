"""What of a resident's submission a public page may show: never their
phone number, email address, full name or street address, whoever typed
them (the resident in the question, staff in the answer), nor an ID card
number; the ward's own phone numbers stay.

Every public path (the Q&A pages, their search, feed and sitemap) reads the
text through ``public_title``, ``public_question`` and ``public_answer``.
"""

import re

from django.utils.html import escape

HIDDEN = "[đã ẩn]"

# An email address, also written "an [at] gmail [dot] com" to dodge filters.
EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\(at\)|\[at\]|\sat\s)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+",
    re.IGNORECASE,
)
# A Vietnamese phone number, mobile or landline, written with spaces, dots
# or dashes between its digits: 0912 345 678, +84 912.345.678, 024-3825-1234,
# (024) 3825 1234. Ten or eleven digits starting with 0 (or 84/+84 and nine
# or ten). Document numbers (125/QĐ-UBND) and dates (05/12/2026) are not.
PHONE = re.compile(
    r"(?<![\w/])(?:\+?84[\s.\-]?|\(0\d{1,3}\)\s?|0)(?:[\s.\-]?\d){8,10}(?![\w/])"
)
# A căn cước (12 digits) or old CMND (9 digits) number, which residents
# asking about tạm trú or hộ tịch write in full. Only unbroken runs: amounts
# are written with dots (100.000.000 đồng) and stay.
CITIZEN_ID = re.compile(r"(?<![\w/.,])(?:\d{12}|\d{9})(?![\w/]|[.,]\d)")


def phone_key(phone: str) -> str:
    """A phone number however typed: "+84 912.345.678" and "0912345678"
    are the same number."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def ward_phones(ward) -> frozenset:
    """The ward's own numbers (its phone and hotline): an answer telling
    residents to call them is not giving away anyone's personal data."""
    return frozenset(k for k in map(phone_key, (ward.phone, ward.hotline)) if k)


def scrub(
    text: str,
    *,
    name: str = "",
    address: str = "",
    initials: str = "",
    keep: frozenset = frozenset(),
) -> str:
    """The text without emails, phone numbers (but those in `keep`, as
    phone_key() gives them), ID numbers, the resident's full name (their
    initials instead) and their address."""
    text = EMAIL.sub(HIDDEN, text)
    text = PHONE.sub(
        lambda m: m.group() if phone_key(m.group()) in keep else HIDDEN, text
    )
    text = CITIZEN_ID.sub(HIDDEN, text)
    if name and len(name) > 3:
        text = re.sub(re.escape(name), initials or HIDDEN, text, flags=re.IGNORECASE)
    if address and len(address) > 8:
        text = re.sub(re.escape(address), HIDDEN, text, flags=re.IGNORECASE)
    return text


_TAG = re.compile(r"(<[^>]*>)")


def scrub_html(html: str, **known) -> str:
    """The sanitised HTML with the same removed from its text, and links to
    an email address or phone (mailto:, tel:, sms:) dropped."""
    parts = _TAG.split(html)
    for i, part in enumerate(parts):
        if part.startswith("<"):
            if re.search(r"(?:mailto|tel|sms|callto)\s*:", part, re.IGNORECASE):
                parts[i] = "<a>" if part[1:2].lower() == "a" else ""
            continue
        # Text between tags is escaped HTML: compare it as readers see it.
        escaped = {k: escape(known[k]) for k in ("name", "address") if k in known}
        kept = {k: known[k] for k in ("initials", "keep") if k in known}
        parts[i] = scrub(part, **escaped, **kept)
    return "".join(parts)
