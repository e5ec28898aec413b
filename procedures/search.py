"""Finding a ward's procedures by what a resident types, accents or not:
"dang ky khai sinh", "ĐĂNG KÝ KHAI SINH" and "1.001193" all find "Đăng ký
khai sinh" (mã 1.001193).

Each procedure keeps the words of its name, code and field folded without
accents (Procedure.search_folded, made on save); a query is folded the same
way, and a procedure matches when it has every word of it, whole.
"""

from django.db.models import TextField, Value
from django.db.models.functions import Concat

from vietnamese.text import fold_accents, nfc, search_words

from .models import Procedure

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12


def query_words(text: str) -> list[str]:
    """The query's words, folded without accents, at most MAX_WORDS; [] when
    it has no letter or digit."""
    cleaned = "".join(c if c.isprintable() else " " for c in nfc(text or ""))
    words = fold_accents(search_words(cleaned[:MAX_QUERY_LENGTH], "", "")).split()
    return list(dict.fromkeys(words))[:MAX_WORDS]


def matching(ward, text: str):
    """The ward's published procedures (the shared ones and its own) that
    have every word of ``text`` in their name, code or field, whatever the
    accents; none for a query without words. A QuerySet ordered by field and
    name, each procedure as published(ward) gives it (apply
    ``shown_in(ward)`` before showing its submission place). For the site's
    one search as well as this app's list."""
    return search_filter(Procedure.objects.published(ward), text)


def search_filter(procedures, text: str):
    """The procedures of the QuerySet that have every word of ``text``
    (none for a query without words): for the readers' search above and the
    admin's."""
    words = query_words(text)
    if not words:
        return procedures.none()
    padded = Concat(Value(" "), "search_folded", Value(" "), output_field=TextField())
    found = procedures.annotate(padded=padded)
    for word in words:
        found = found.filter(padded__contains=f" {word} ")
    return found
