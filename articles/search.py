"""Search that ignores accents: residents type "lich tiep cong dan".

Every article keeps the words of its title, lead and body twice (see
Article.normalise): as written, lower case, and folded without accents by the
slugs' rules. A query is folded the same way, so "cong tac dang", "CÔNG TÁC
ĐẢNG" and decomposed text all meet "Công tác Đảng". Words match whole.

Order: articles holding every word exactly as typed (accents and all) first
when the query has accents, then relevance, then the newest. PostgreSQL
finds and ranks in the database, through a GIN index on the folded words
(migration 0008); SQLite, a developer's and a small ward's database, finds
with LIKE and ranks the matches in Python by the same rules.
"""

import math
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Case, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from .models import Article
from .text import fold_accents, nfc, plain_text

MAX_QUERY_LENGTH = 200
MAX_RANKED = 500
TIMEOUT_MS = 3000
MAX_WORDS = 12
EXCERPT_WORDS = 36

# Letters and digits: "_" is no word.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """What a resident typed, made safe to search with."""

    text: str  # As shown back: NFC, no control characters, at most 200.
    words: tuple[str, ...]  # Lower case, accents kept.
    folded: tuple[str, ...]  # Without accents.
    truncated: bool = False

    @classmethod
    def parse(cls, raw: str) -> "Query":
        cleaned = "".join(c if c.isprintable() else " " for c in nfc(raw)).strip()
        text = cleaned[:MAX_QUERY_LENGTH]
        words = tuple(dict.fromkeys(_WORD.findall(text.casefold())))[:MAX_WORDS]
        return cls(
            text=" ".join(text.split()),
            words=words,
            folded=tuple(fold_accents(word) for word in words),
            truncated=len(cleaned) > MAX_QUERY_LENGTH,
        )

    @property
    def has_accents(self) -> bool:
        return self.words != self.folded


def search(ward, query: Query):
    """The ward's published articles matching every word of the query, best
    first (of the newest MAX_RANKED matches): a queryset on PostgreSQL, a
    list on SQLite."""
    published = Article.objects.published(ward)
    if not query.words:
        return published.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(published, query)
    return _search_in_python(published, query)


def _matches(published, query):
    if connection.vendor == "postgresql":
        # The same expression as the index: to_tsvector('simple', search_folded).
        folded = SearchVector("search_folded", config="simple")
        wanted = SearchQuery(" ".join(query.folded), config="simple")
        return published.annotate(document=folded).filter(document=wanted)
    padded = Concat(Value(" "), "search_folded", Value(" "), output_field=TextField())
    matches = published.annotate(padded=padded)
    for word in query.folded:
        matches = matches.filter(padded__contains=f" {word} ")
    return matches


def _newest_matches(published, query):
    """A word every article has ("phường") matches thousands: ranking them
    all would read every one. The newest MAX_RANKED are ranked."""
    return _matches(published, query).order_by("-published_at", "-id")[:MAX_RANKED]


def _search_postgresql(published, query):
    candidates = _newest_matches(published, query).values("pk")
    folded = SearchVector("search_folded", config="simple")
    wanted = SearchQuery(" ".join(query.folded), config="simple")
    ranked = published.filter(pk__in=candidates).select_related("category")
    if query.has_accents:
        as_typed = SearchQuery(" ".join(query.words), config="simple")
        exact = Case(
            When(exact_document=as_typed, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        ranked = ranked.annotate(
            exact_document=SearchVector("search_text", config="simple")
        ).annotate(exact=exact)
    else:
        ranked = ranked.annotate(exact=Value(True))
    rank = SearchRank(folded, wanted, normalization=Value(1))
    return ranked.annotate(rank=rank).order_by(
        "-exact", "-rank", "-published_at", "-id"
    )


def _search_in_python(published, query):
    with_words = published.select_related("category").defer(None)
    matches = list(_newest_matches(with_words, query))

    def order(article):
        words = article.search_text.split()
        folded = article.search_folded.split()
        exact = not query.has_accents or all(w in words for w in query.words)
        hits = sum(folded.count(word) for word in query.folded)
        # As ts_rank with normalization 1: more hits, less so in long texts.
        relevance = hits / (1 + math.log(len(folded)))
        return (exact, relevance, article.published_at, article.pk)

    return sorted(matches, key=order, reverse=True)


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
    """A few dozen words of the lead and body around the best match: where
    the query's words stand together as typed, else its first word found."""
    words = f"{article.lead} {plain_text(article.body)}".split()
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


class SearchView(ListView):
    template_name = "articles/search.html"
    context_object_name = "articles"
    paginate_by = 10

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range or mistyped shows the nearest page.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_queryset(self):
        self.query = Query.parse(self.request.GET.get("q", ""))
        return search(self.request.ward, self.query)

    def get_context_data(self, **kwargs):
        try:
            if connection.vendor != "postgresql":
                return self._context_data(**kwargs)
            with transaction.atomic(), connection.cursor() as cursor:
                # A search never holds a database connection for long.
                cursor.execute(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
                return self._context_data(**kwargs)
        except OperationalError:  # Out of time (or locked): say so, no 500.
            kwargs["object_list"] = Article.objects.none()
            context = super().get_context_data(**kwargs)
            context.update(query=self.query, results=[], timed_out=True)
            return context

    def _context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.query
        context["query"] = query
        paginator = context["paginator"]
        # Counting every match of a word all articles have would read them all.
        context["more_than_ranked"] = (
            paginator is not None and paginator.count >= MAX_RANKED
        )
        context["results"] = [  # Read now, within the time limit.
            (article, highlight(article.title, query), excerpt(article, query))
            for article in context["articles"]
        ]
        return context
