"""Finding a ward's documents by what a resident types: a number however it
is written, words of the trích yếu, words inside the PDF.

Every document keeps its words folded without accents (Document.search_folded:
its number, kind, trích yếu, signer and its files' own text), and its number
as a key ("125/QĐ-UBND" -> "125 qd ubnd"). A query is folded the same way, so
``125/QĐ-UBND``, ``125/QD-UBND``, ``125 qđ ubnd`` and ``125`` all find
125/QĐ-UBND, and "lay y kien" finds "lấy ý kiến". A document matches when it
holds every word of the query, whole.

Order: documents whose number is the query (``125/QD-UBND``) first, then
those whose number starts with it (``125``), then the newest by ngày ban hành.

At most two queries whatever the number of documents: the database finds the
newest MAX_RANKED matches (and one more, to know there are more) with their
number keys; Python ranks them; a page of them is then read by id. PostgreSQL
matches on a stored tsvector of the folded words (migration 0002), SQLite
with LIKE.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from vietnamese.text import fold_accents, nfc

from .models import Document, number_key

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
MAX_RANKED = 500

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """What a resident typed, made safe to search with."""

    text: str  # As shown back: NFC, printable, at most 200 characters.
    words: tuple[str, ...]  # Folded: lower case, no accents.
    truncated: bool = False

    @classmethod
    def parse(cls, raw: str) -> "Query":
        cleaned = "".join(c if c.isprintable() else " " for c in nfc(raw)).strip()
        text = cleaned[:MAX_QUERY_LENGTH]
        words = tuple(dict.fromkeys(_WORD.findall(fold_accents(text))))[:MAX_WORDS]
        return cls(
            text=" ".join(text.split()),
            words=words,
            truncated=len(cleaned) > MAX_QUERY_LENGTH,
        )

    @property
    def number(self) -> str:
        """The query as a number key: "125/QĐ-UBND" -> "125 qd ubnd"."""
        return number_key(self.text)


@dataclass(frozen=True)
class Found:
    """The matches to show, best first: their ids."""

    ids: list[int]
    more: bool = False  # More matched than were ranked (MAX_RANKED).


_SEARCH_VECTOR = RawSQL(
    f'"{Document._meta.db_table}"."search_vector"', [], output_field=SearchVectorField()
)


def matching(documents, query: Query):
    """The documents (a QuerySet) that hold every word of the query."""
    if connection.vendor == "postgresql":
        wanted = SearchQuery(" ".join(query.words), config="simple")
        return documents.annotate(document_words=_SEARCH_VECTOR).filter(
            document_words=wanted
        )
    padded = Concat(Value(" "), "search_folded", Value(" "), output_field=TextField())
    documents = documents.annotate(padded_words=padded)
    for word in query.words:
        documents = documents.filter(padded_words__contains=f" {word} ")
    return documents


def find(ward, query: Query | str, documents=None) -> Found:
    """The ward's published documents matching the query, best first (see
    the module's docstring), of ``documents`` if given (a filtered
    ``Document.objects.published(ward)``)."""
    if isinstance(query, str):
        query = Query.parse(query)
    if not query.words:
        return Found([])
    if documents is None:
        documents = Document.objects.published(ward)
    newest = list(
        matching(documents, query)
        .order_by("-issued_on", "-id")
        .values_list("pk", "number_key")[: MAX_RANKED + 1]
    )
    number = query.number

    def rank(row):
        key = row[1]
        return 0 if key == number else 1 if key.startswith(f"{number} ") else 2

    # sorted() keeps the newest first within each rank.
    ranked = sorted(newest[:MAX_RANKED], key=rank)
    return Found([pk for pk, _ in ranked], more=len(newest) > MAX_RANKED)


def documents_by_id(ward, ids) -> list[Document]:
    """The published documents of ``ids``, in that order (a page of results)."""
    found = Document.objects.published(ward).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def search(ward, text: str) -> list[Document]:
    """The published documents of the ward matching ``text`` (what a resident
    typed), best first, as /van-ban/?q= finds them: at most MAX_RANKED, in
    two queries. For the one search across kinds."""
    return documents_by_id(ward, find(ward, Query.parse(text)).ids)
