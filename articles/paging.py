"""A category's pages, newest first, found from the article they start after.

Numbered pages cost more the deeper they go: counting every article for the
page count, and skipping (OFFSET) every article before the page. A page here
is a range of the category's (status, published_at, id) index instead,
ten entries long whatever the number of articles and however deep the page:

    (no parameter)   the newest articles
    ?cu-hon=<id>     the articles older than article <id>
    ?moi-hon=<id>    the articles newer than it
    ?trang=cuoi      the oldest articles

Older and newer follow the pages' order, published_at then id, so articles
published at the same time are never skipped nor shown twice.

An article in an address is a position in time, not a promise that the
category lists it: links must keep working after it moves to another
category. Any article readers may see in the ward serves, whatever its
category (only its time is used, never shown). Any other id, a draft's, a
scheduled or withdrawn article's, another ward's, or one that never existed,
leads alike to the first page, so that an address tells nothing of what
readers may not see; anything not an id is not a page (404).
"""

import copy
import re
from dataclasses import dataclass

from django.db.models import Subquery
from django.http import Http404

from pages.params import object_id, one_of

from .models import Article

PAGE_SIZE = 10
OLDER, NEWER, LAST = "cu-hon", "moi-hon", "trang"
LAST_PAGE = "cuoi"
# The page's parameters, each in one spelling (for_readers, in urls.py).
PARAMS = {OLDER: object_id, NEWER: object_id, LAST: one_of(LAST_PAGE)}

NEWEST_FIRST = ("-published_at", "-id")
OLDEST_FIRST = ("published_at", "id")
# An article id: a positive number the database can hold (bigint).
_ID = re.compile(r"[1-9][0-9]{0,17}")


class Moved(Exception):
    """The page asked for is better read at ``url``: the first page, when
    the address's article is gone; the last, when nothing is older than it."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


@dataclass(frozen=True)
class Page:
    """One page of a category: its articles, newest first, and where the
    pages around it are."""

    articles: list
    path: str  # The category's address.
    cursor: str = ""  # The query string that made the page: "cu-hon=42".
    has_newer: bool = False
    has_older: bool = False
    is_last: bool = False

    @property
    def is_newest(self) -> bool:
        return not self.cursor

    @property
    def url(self) -> str:
        return f"{self.path}?{self.cursor}" if self.cursor else self.path

    @property
    def newest_url(self) -> str:
        return self.path

    @property
    def newer_url(self) -> str:
        return f"{self.path}?{NEWER}={self.articles[0].pk}"

    @property
    def older_url(self) -> str:
        return f"{self.path}?{OLDER}={self.articles[-1].pk}"

    @property
    def oldest_url(self) -> str:
        return f"{self.path}?{LAST}={LAST_PAGE}"


def page_of(articles, params, path, ward) -> Page:
    """The page the query string ``params`` asks for, of ``articles`` (one
    category's published articles in ``ward``). One query, whichever page;
    a second only for an address whose article is gone or lists nothing.
    Moved when another address shows the page."""
    key, value = _cursor(params)
    if key is None:
        return _first(list(articles.order_by(*NEWEST_FIRST)[: PAGE_SIZE + 1]), path)
    if key == LAST:
        rows = list(articles.order_by(*OLDEST_FIRST)[: PAGE_SIZE + 1])
        newer = len(rows) > PAGE_SIZE
        cursor = f"{key}={value}"
        return Page(rows[:PAGE_SIZE][::-1], path, cursor, has_newer=newer, is_last=True)
    pk = int(value)
    at = Subquery(
        Article.objects.published(ward).filter(pk=pk).order_by().values("published_at")
    )
    older = articles.filter(published_at__lte=at).exclude(published_at=at, pk__gte=pk)
    newer = articles.filter(published_at__gte=at).exclude(published_at=at, pk__lte=pk)
    # A page's worth on both sides of the article, and the article if listed,
    # in one query: whichever way the page goes, the other side says whether
    # there is more that way, and a page that reaches the newest article is
    # the first page.
    rows = list(
        chosen(
            articles,
            any_of(
                older.order_by(*NEWEST_FIRST)[: PAGE_SIZE + 1],
                newer.order_by(*OLDEST_FIRST)[: PAGE_SIZE + 1],
                articles.filter(pk=pk),
            ),
        )
        .annotate(cursor_at=at)
        .order_by(*NEWEST_FIRST)
    )
    if not rows:  # Not an article readers see, or nothing listed.
        raise Moved(path)
    cursor, here = f"{key}={value}", (rows[0].cursor_at, pk)
    older = [row for row in rows if (row.published_at, row.pk) < here]
    newer = [row for row in rows if (row.published_at, row.pk) > here]
    if key == OLDER:
        # Nothing listed is as new as the article: older than it is newest.
        if len(older) == len(rows):
            return _first(rows, path)
        if not older:  # Older than every article: the oldest are nearest.
            raise Moved(f"{path}?{LAST}={LAST_PAGE}")
        more = len(older) > PAGE_SIZE
        return Page(older[:PAGE_SIZE], path, cursor, has_newer=True, has_older=more)
    if len(newer) > PAGE_SIZE:
        more = len(rows) > len(newer)
        return Page(newer[-PAGE_SIZE:], path, cursor, has_newer=True, has_older=more)
    return _first(rows, path)


def _first(rows, path):
    """The newest page, from the newest articles (one more than a page)."""
    return Page(rows[:PAGE_SIZE], path, has_older=len(rows) > PAGE_SIZE)


def chosen(articles, ids):
    """The rows ``ids`` (any_of() parts of ``articles``) name, as
    ``articles`` reads them (its related rows, deferred fields), found by
    primary key alone.

    The parts already chose them: asking again here for the ward and state
    would let a planner without statistics (right after a bulk load, before
    any ANALYZE) take it that few articles are published in the ward, and
    walk every one of them through the (ward, status) index, checking each
    against the parts: seconds at 100,000 articles instead of a millisecond.
    """
    found = articles.model._base_manager.filter(pk__in=ids)
    found.query.select_related = copy.deepcopy(articles.query.select_related)
    found.query.deferred_loading = articles.query.deferred_loading
    return found


def any_of(*sliced):
    """The ids of a few sliced querysets, in one subquery whose parts each
    read a few entries of their own index (rows read with chosen()). Each
    part is itself ``pk IN (sliced)``, as SQLite allows no LIMIT in a part of
    a UNION."""
    parts = [
        Article.objects.filter(pk__in=part.values("pk")).order_by().values("pk")
        for part in sliced
    ]
    return parts[0].union(*parts[1:], all=True)


def _cursor(params):
    """(OLDER, "42"), (NEWER, "42"), (LAST, "cuoi") or (None, None) for the
    newest page; Http404 for anything else."""
    given = [key for key in (OLDER, NEWER, LAST) if key in params]
    if not given:
        return None, None
    values = params.getlist(given[0])
    if len(given) > 1 or len(values) > 1:
        raise Http404("Địa chỉ trang không hợp lệ.")
    key, value = given[0], values[0]
    if key == LAST and value == LAST_PAGE:
        return key, value
    if key != LAST and _ID.fullmatch(value):
        return key, value
    raise Http404("Địa chỉ trang không hợp lệ.")
