"""Search that ignores accents: residents type "lich tiep cong dan".

Every article keeps the words of its title, lead and body twice (see
Article.normalise): as written, lower case, and folded without accents by the
slugs' rules. A query is folded the same way, so "cong tac dang", "CÔNG TÁC
ĐẢNG" and decomposed text all meet "Công tác Đảng". Words match whole.

Order: articles holding every word exactly as typed (accents and all) first
when the query has accents, then relevance, then the newest.

Two queries, whatever the number of articles and of matches: the database
finds the newest MAX_RANKED matches (and one more, to know whether there are
more) and hands over their words, which Python ranks by the same rules on
both databases; then the page's ten articles are read by id. A word most
articles have ("phường") is neither ranked nor counted in every article: the
page says "hơn 500". PostgreSQL matches on a stored tsvector of the folded
words (migration 0016), reading a rare word's matches from its GIN index and
walking the newest articles for a common one; SQLite finds with LIKE.
"""

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.paginator import Paginator
from django.db import OperationalError, connection, transaction
from django.db.models import TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from documents.search import documents_by_id
from documents.search import find as find_documents
from pages.params import as_sent, one_of, page_number
from procedures.search import matching as matching_procedures
from vietnamese.text import fold_accents, nfc, plain_text

from . import paging
from .models import Article

MAX_QUERY_LENGTH = 200
MAX_RANKED = 500
TIMEOUT_MS = 3000
MAX_WORDS = 12
EXCERPT_WORDS = 36
# What one result costs, however long its article (bodies of 444,000
# characters made each search ten times slower): ranking reads the first
# RANKED_CHARACTERS of its words (title and lead come first), the excerpt
# the first EXCERPT_CHARACTERS of its body's HTML.
RANKED_CHARACTERS = 10_000
EXCERPT_CHARACTERS = 20_000

# Letters and digits: "_" is no word.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """What a resident typed, made safe to search with."""

    text: str  # As shown back: NFC, no control characters, at most 200.
    words: tuple[str, ...]  # Lower case, accents kept.
    folded: tuple[str, ...]  # Without accents.
    truncated: bool = False
    # Words typed but not searched: repeated, too short, or past the last.
    dropped: bool = False

    @classmethod
    def parse(
        cls, raw: str, *, max_words: int = MAX_WORDS, min_length: int = 1
    ) -> "Query":
        """``max_words`` distinct words at most, each of ``min_length``
        letters or more: each word is one more condition for the database."""
        cleaned = "".join(c if c.isprintable() else " " for c in nfc(raw)).strip()
        text = cleaned[:MAX_QUERY_LENGTH]
        truncated = len(cleaned) > MAX_QUERY_LENGTH
        if truncated and not cleaned[MAX_QUERY_LENGTH].isspace():
            # Cut within a word: "phuo" of "phuong" would match nothing.
            text = text.rsplit(None, 1)[0] if " " in text.strip() else text
        typed = _WORD.findall(text.casefold())
        words = tuple(dict.fromkeys(w for w in typed if len(w) >= min_length))
        words = words[:max_words]
        return cls(
            text=" ".join(text.split()),
            words=words,
            folded=tuple(fold_accents(word) for word in words),
            truncated=truncated,
            dropped=truncated or len(words) < len(typed),
        )

    @property
    def has_accents(self) -> bool:
        return self.words != self.folded


@dataclass(frozen=True)
class Found:
    """What a search found: the ids of the matches to show, best first."""

    ids: list[int]  # At most MAX_RANKED: the newest matches, ranked.
    more: bool = False  # More matched than were ranked.


def newest_matches(ward, query: Query):
    """The ward's newest published articles matching every word of the
    query, MAX_RANKED and one more: (pk, search_text, search_folded,
    published_at) rows."""
    return (
        matching(Article.objects.published(ward), query)
        .order_by("-published_at", "-id")
        .values_list(
            "pk",
            Substr("search_text", 1, RANKED_CHARACTERS),
            Substr("search_folded", 1, RANKED_CHARACTERS),
            "published_at",
        )[: MAX_RANKED + 1]
    )


def search(ward, query: Query) -> Found:
    """The ward's published articles matching every word of the query, best
    first, of the newest MAX_RANKED matches."""
    if not query.words:
        return Found([])
    newest = list(newest_matches(ward, query))

    def order(row):
        pk, text, folded, published_at = row
        words, folded = text.split(), folded.split()
        exact = not query.has_accents or all(w in words for w in query.words)
        hits = sum(folded.count(word) for word in query.folded)
        # As PostgreSQL's ts_rank with normalization 1: more hits, less so
        # in long texts.
        relevance = hits / (1 + math.log(len(folded)))
        return (exact, relevance, published_at, pk)

    ranked = sorted(newest[:MAX_RANKED], key=order, reverse=True)
    return Found([row[0] for row in ranked], more=len(newest) > MAX_RANKED)


def articles(ward, ids) -> list[Article]:
    """The articles of ``ids``, what search() found in published(ward), in
    that order: a page of results, each with the start of its body
    (``body_start``), not the whole. Read by id alone (paging.chosen: no
    plan that needs statistics)."""
    published = (
        Article.objects.published(ward)
        .select_related("category")
        .defer("body", "search_text", "search_folded")
    )
    found = (
        paging.chosen(published, ids)
        .annotate(body_start=Substr("body", 1, EXCERPT_CHARACTERS))
        .in_bulk(ids)
    )
    return [found[pk] for pk in ids if pk in found]


# to_tsvector('simple', search_folded), stored and indexed by PostgreSQL
# (migration 0016): a column the model has no field for, so that the ORM never
# writes it and SQLite needs none.
_SEARCH_VECTOR = RawSQL(
    f'"{Article._meta.db_table}"."search_vector"', [], output_field=SearchVectorField()
)


def matching(articles, query):
    """The ``articles`` holding every word of the query, whatever their
    accents: readers' search and the admin's, through the same folded words
    (on PostgreSQL their indexed tsvector), never the bodies themselves."""
    if connection.vendor == "postgresql":
        wanted = SearchQuery(" ".join(query.folded), config="simple")
        return articles.annotate(document=_SEARCH_VECTOR).filter(document=wanted)
    padded = Concat(Value(" "), "search_folded", Value(" "), output_field=TextField())
    matches = articles.annotate(padded=padded)
    for word in query.folded:
        matches = matches.filter(padded__contains=f" {word} ")
    return matches


@contextmanager
def _time_limit():
    """On PostgreSQL, a search never holds a database connection for long:
    TIMEOUT_MS, shorter than the limit every statement has
    (settings.STATEMENT_TIMEOUT_MS), never longer."""
    if connection.vendor != "postgresql":
        yield
        return
    limit = min(filter(None, [TIMEOUT_MS, settings.STATEMENT_TIMEOUT_MS]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {int(limit)}")
        yield


def highlight(text: str, query: Query) -> str:
    """The text, escaped, with the query's words (whatever their accents)
    marked."""
    wanted = set(query.folded)
    parts, end = [], 0
    for match in _WORD.finditer(text):
        if fold_accents(match.group()) in wanted:
            parts.append(escape(text[end : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped.


def excerpt(article, query: Query) -> str:
    """A few dozen words of the lead and the start of the body (``body_start``
    from articles()) around the best match: where the query's words stand
    together as typed, else its first word found."""
    body = article.body_start
    if len(body) >= EXCERPT_CHARACTERS and body.rfind("<") > body.rfind(">"):
        body = body[: body.rfind("<")]  # No tag cut in half.
    words = f"{article.lead} {plain_text(body)}".split()
    keys = [" ".join(fold_accents(w) for w in _WORD.findall(word)) for word in words]
    phrase = list(query.folded)
    wanted = set(phrase)
    together = (
        n
        for n in range(len(keys))
        if " ".join(keys[n : n + len(phrase)]).split() == phrase
    )
    anywhere = (n for n, key in enumerate(keys) if wanted & set(key.split()))
    best = next(together, None)
    if best is None:
        best = next(anywhere, 0)
    start = max(0, best - EXCERPT_WORDS // 3)
    chosen = " ".join(words[start : start + EXCERPT_WORDS])
    before = "… " if start else ""
    after = " …" if start + EXCERPT_WORDS < len(words) else ""
    return mark_safe(  # noqa: S308 - highlight() escapes.
        escape(before) + highlight(chosen, query) + escape(after)
    )


# How many searches of one word less a page with no results may try.
FEWER_WORDS_TRIED = 4
FEWER_WORDS_SHOWN = 3


def count_found(ward, query: Query) -> int:
    """How many articles, documents and procedures the query finds."""
    return (
        len(search(ward, query).ids)
        + len(find_documents(ward, query.text).ids)
        + matching_procedures(ward, query.text).count()
    )


def fewer_words(ward, query: Query) -> list[tuple[str, int]]:
    """The searches of one word less than the query that do find something,
    each with its count, as typed (the last word left out first, the one a
    resident most often adds too many): a way forward from "nothing found"."""
    typed = [word for word in query.text.split() if _WORD.search(word)]
    if len(typed) < 2:
        return []
    offered = []
    for left_out in reversed(range(len(typed))[-FEWER_WORDS_TRIED:]):
        text = " ".join(typed[:left_out] + typed[left_out + 1 :])
        count = count_found(ward, Query.parse(text))
        if count:
            offered.append((text, count))
        if len(offered) == FEWER_WORDS_SHOWN:
            break
    return offered


# The kinds of result the one search finds, by their ?loai= value: news,
# documents (documents/search.py), procedures (procedures/search.py).
NEWS, DOCUMENTS, PROCEDURES = "tin-bai", "van-ban", "thu-tuc"
KINDS = {NEWS: "Tin bài", DOCUMENTS: "Văn bản", PROCEDURES: "Thủ tục hành chính"}
# What the page of every kind shows of the documents and procedures found.
FIRST_FEW = 3
# The page's parameters (for_readers, in urls.py): a page number and a kind
# in one spelling; the query as typed, since results are never kept and the
# page tells what it did with the query (cut at 200 characters…).
PARAMS = {"q": as_sent, "loai": one_of(*KINDS), "page": page_number}


class SearchView(TemplateView):
    """The site's one search: news, documents and procedures, each kind
    counted, all together (the news a page at a time, the first few of the
    others) or one kind alone (?loai=). An unknown kind is all of them."""

    template_name = "articles/search.html"
    paginate_by = 10

    def get_context_data(self, **kwargs):
        query = Query.parse(self.request.GET.get("q", ""))
        kind = self.request.GET.get("loai", "")
        kind = kind if kind in KINDS else ""
        context = super().get_context_data(
            query=query, kind=kind, kind_label=KINDS.get(kind, ""), **kwargs
        )
        try:
            with _time_limit():
                context.update(self._results(query, kind))
        except OperationalError:  # Out of time (or locked): say so, no 500.
            context.update(results=[], timed_out=True)
        return context

    def _results(self, query, kind):
        ward = self.request.ward
        if not query.words:
            return {}
        found = search(ward, query)
        documents = find_documents(ward, query.text).ids
        procedures = matching_procedures(ward, query.text)
        counts = {
            NEWS: len(found.ids),
            DOCUMENTS: len(documents),
            PROCEDURES: procedures.count(),
        }
        context = {
            "kinds": [(value, label, counts[value]) for value, label in KINDS.items()],
            "total": sum(counts.values()),
        }
        if not context["total"]:
            context["fewer_words"] = fewer_words(ward, query)
        # A page number out of range or mistyped shows the nearest page.
        number = self.request.GET.get("page")
        if kind == DOCUMENTS:
            page = Paginator(documents, self.paginate_by).get_page(number)
            return context | {
                "page_obj": page,
                "documents": documents_by_id(ward, page.object_list),
            }
        if kind == PROCEDURES:
            page = Paginator(procedures, self.paginate_by).get_page(number)
            return context | {"page_obj": page, "procedures": list(page)}
        page = Paginator(found.ids, self.paginate_by).get_page(number)
        context |= {
            "page_obj": page,
            "more_than_ranked": found.more,
            "results": [  # Read now, within the time limit.
                (article, highlight(article.title, query), excerpt(article, query))
                for article in articles(ward, page.object_list)
            ],
        }
        if kind == NEWS:
            return context
        return context | {
            "first_documents": documents_by_id(ward, documents[:FIRST_FEW]),
            "first_procedures": list(procedures[:FIRST_FEW]),
        }
