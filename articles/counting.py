"""The view counter behind "Lượt xem": who counts, and how a view is stored."""

import functools
import logging
import re
import time
from http.cookies import Morsel

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.http import http_date

import clientip
import redisclient

from . import viewbuffer
from .models import store_views

logger = logging.getLogger(__name__)

# Crawlers and link-preview fetchers announce themselves in the User-Agent.
# In-app browsers (Zalo, Facebook's FBAN/FBAV, Messenger) are residents
# reading the news and are deliberately not in this list; nor are phones of
# the CUBOT brand, whose model name ends in "bot".
_NOT_A_READER = re.compile(
    r"(?<!cu)bot\b|crawl|spider|slurp|mediapartners|facebookexternalhit"
    r"|facebookcatalog|meta-externalagent|embedly|preview|whatsapp|skypeuripreview"
    r"|vkshare|pinterest|headlesschrome|lighthouse|curl/|wget/"
    r"|python-requests|python-urllib|httpx|go-http-client|java/|okhttp|libwww",
    re.IGNORECASE,
)

# One browser reloading an article within this time counts once. A cookie
# tells, not the IP address: a whole office or school shares one address.
RECOUNT_AFTER_SECONDS = 30 * 60
SEEN_COOKIE_PREFIX = "wn_seen_"


# What a browser loads an address as when it is not opening the page: an
# <img>, <script>, <iframe>, fetch() ("empty")… A page on another site that
# embeds an article's address a hundred times gets none of them counted, and
# the seen-cookie cannot help there (SameSite=Lax keeps it off cross-site
# subresources). Browsers older than these headers (Safari before 16.4) still
# tell an image by what they accept first.
_PAGE_DEST = "document"
_PAGE_MODE = "navigate"
_EMBEDDED_ACCEPT = ("image/", "video/", "audio/", "text/css")
# Pages loaded ahead of a click that may never come: Chrome's prefetch and
# prerender (also through Google's private prefetch proxy), the older
# Purpose/X-Purpose/X-Moz headers, Safari's top-sites previews.
_SPECULATIVE = re.compile(r"prefetch|prerender|preview", re.IGNORECASE)
_PURPOSE_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_reader(request) -> bool:
    """Whether this request is a person reading the page."""
    if request.method != "GET":
        return False  # HEAD asks for headers: link checkers, not readers.
    return _reads(request.META.get("HTTP_USER_AGENT", ""))


@functools.lru_cache(maxsize=4096)
def _reads(user_agent: str) -> bool:
    """Whether a browser saying this is a person's. Remembered: a rush comes
    from a few phone models, and the pattern is the dearest part of a kept
    page's answer."""
    return bool(user_agent) and not _NOT_A_READER.search(user_agent)


def is_page_load(request) -> bool:
    """Whether the browser is opening the article as a page, by what it says
    of the request; one that says nothing (an older browser) is.

    Where the navigation comes from does not matter: a link tapped in Zalo or
    Facebook is a cross-site navigation (Sec-Fetch-Site: cross-site) and a
    resident reading.
    """
    # request.META rather than request.headers, which would copy every
    # header: this runs for every article a kept page answers.
    meta = request.META
    if meta.get("HTTP_SEC_FETCH_DEST", _PAGE_DEST) != _PAGE_DEST:
        return False
    if meta.get("HTTP_SEC_FETCH_MODE", _PAGE_MODE) != _PAGE_MODE:
        return False
    for header in _PURPOSE_HEADERS:  # Mostly none of them.
        purpose = meta.get(header)
        if purpose and _SPECULATIVE.search(purpose):
            return False
    first_accepted = meta.get("HTTP_ACCEPT", "").partition(",")[0].strip().lower()
    return not first_accepted.startswith(_EMBEDDED_ACCEPT)


def seen_cookie_name(article_pk: int) -> str:
    return f"{SEEN_COOKIE_PREFIX}{article_pk}"


def counts_for(request, article_pk: int) -> bool:
    """Whether this anonymous request is a reader's first view in
    RECOUNT_AFTER_SECONDS of the article's page itself. The page cache asks
    this before it answers; it never serves staff (who carry a session)."""
    if not is_reader(request) or seen_cookie_name(article_pk) in request.COOKIES:
        return False
    return is_page_load(request)


def should_count(request, article) -> bool:
    """counts_for(), and not staff checking their own work (previews and
    proofreading are not readership)."""
    return counts_for(request, article.pk) and not request.user.is_staff


def _cap_key(request, article_pk: int) -> str:
    """The cap's counter for this client, article and minute (an IPv6
    client is its /64: clientip.client)."""
    minute = int(time.time() // 60)
    return f"wn:cap:{article_pk}:{clientip.client(request) or 'unknown'}:{minute}"


def within_cap(request, article_pk: int) -> bool:
    """Whether this view stays under VIEW_CAP_PER_MINUTE, the counted views
    one client address may add to one article in a minute (0: no cap).

    Off by default: residents on a mobile carrier share a few public
    addresses (carrier-grade NAT), so a cap undercounts exactly the rush
    when news breaks; a ward that sees its counts inflated turns it on. The
    counter lives in Django's cache (add, then incr: atomic in a shared
    cache such as Redis or Memcached; per process in the local-memory one).
    """
    cap = settings.VIEW_CAP_PER_MINUTE
    if cap <= 0:
        return True
    key = _cap_key(request, article_pk)
    try:
        cache.add(key, 0, timeout=120)
        try:
            counted = cache.incr(key)
        except ValueError:  # Expired between add and incr: a new minute.
            cache.add(key, 1, timeout=120)
            counted = 1
    except Exception:  # The cache is away: a reader is never refused for it.
        logger.warning("View cap unchecked: the cache cannot be reached.")
        return True
    return counted <= cap


def increment_view_count(article) -> int:
    """Store one view of the article in the database now; return its stored
    total, which it also sets on ``article``."""
    totals = store_views({article.pk: 1}, timezone.localdate())
    article.view_count = totals.get(article.pk, article.view_count)
    return article.view_count


def add_view(article) -> int:
    """Count one view of the article: in Redis when there is a buffer (see
    viewbuffer), else, or when Redis cannot be reached, in the database.

    Returns the article's views still buffered after this one; 0 when it went
    to the database, whose stored total it then sets on ``article``.

    A Redis that does not answer in time may still have added the view (it
    runs what it took once it goes on): it is not stored again in the
    database (counted once, or in the rare worst case not at all, never
    twice). One that refused the connection added nothing: the view goes to
    the database.
    """
    if not redisclient.resting_or_disabled():
        try:
            in_redis = redisclient.client().hincrby(
                viewbuffer.pending_key(), article.pk, 1
            )
            return in_redis + viewbuffer.held(article.pk)
        except redis.RedisError as error:
            redisclient.rest(error)
            if redisclient.may_have_run(error):
                return 0
    increment_view_count(article)
    return 0


def may_have_counted(request, article_pk: int) -> None:
    """The page cache sent this request's view of the article to Redis, which
    did not answer in time and may yet add it: the page it now renders must
    not count the view again (count_view)."""
    request.wn_view_in_doubt = article_pk


def buffered_views(article_pk: int) -> int:
    """Views of the article still in the buffer (0 without one, or when
    Redis cannot be reached: the page then shows the stored count)."""
    if redisclient.resting_or_disabled():
        return 0
    try:
        return viewbuffer.pending(article_pk)
    except redis.RedisError as error:
        redisclient.rest(error)
        return 0


def shown(article, buffered: int | None = None) -> int:
    """The article's views as its page shows them: those stored and those
    still in the buffer (``buffered``, read here when not given), never
    fewer than a page showed a moment ago. Staff are told the same number
    (the withdrawal's "đã có N lượt xem")."""
    if buffered is None:
        buffered = buffered_views(article.pk)
    views = article.view_count + buffered
    if not redisclient.resting_or_disabled():
        views = viewbuffer.at_least(article.pk, views)
    return views


def mark_seen(request, response, article_pk: int, path: str, shared=False) -> None:
    """Remember in this browser that it has been counted for this article.

    One small cookie per article, sent back only to that article's page
    (``path``), so it travels with no other request and expires on its own;
    over HTTPS it is never sent over plain HTTP.

    ``shared``: the response is written out at once and then dropped, never
    changed nor handed on (the page cache's fast path): it gets the cookie
    that every such response of this second shares, uncopied. Any other
    gets a copy of its own, which whoever has the response may change.
    """
    name = seen_cookie_name(article_pk)
    cookie = _seen_cookie(name, path, request.is_secure(), int(time.time()))
    response.cookies[name] = cookie if shared else cookie.copy()


class _MadeOnce(Morsel):
    """A cookie made once and shared by many responses, which never change
    it: its Set-Cookie line is worked out once too. Its copies are plain."""

    def __init__(self, made: Morsel):
        super().__init__()
        self.set(made.key, made.value, made.coded_value)
        self.update(made)
        self._line = made.OutputString()

    def OutputString(self, attrs=None):  # noqa: N802  (Morsel's name)
        return self._line if attrs is None else super().OutputString(attrs)

    def copy(self) -> Morsel:
        morsel = Morsel()
        morsel.set(self.key, self.value, self.coded_value)
        morsel.update(self)
        return morsel


@functools.lru_cache(maxsize=256)
def _seen_cookie(name: str, path: str, secure: bool, second: int) -> _MadeOnce:
    """The seen-cookie exactly as set_cookie() makes it during this second
    (its Expires is in whole seconds): made once a second per article, not
    for every view, where it was the dearest part of a kept page's answer."""
    response = HttpResponseBase()
    response.set_cookie(
        name,
        "1",
        max_age=RECOUNT_AFTER_SECONDS,
        expires=http_date(second + RECOUNT_AFTER_SECONDS),
        path=path,
        secure=secure,
        httponly=True,
        samesite="Lax",
    )
    return _MadeOnce(response.cookies[name])


def count_view(request, article, response) -> None:
    """Count this request as a view of the article, if it is one, and set
    the count the page shows: the stored one plus any still buffered.

    The one entry point the article page calls, before its response is
    rendered, so that the page shows the count including this view. A page
    the cache answers is counted there (wardnews/pagecache.py), and only
    when it is answered: a page it lets render is counted here.
    """
    in_doubt = getattr(request, "wn_view_in_doubt", None) == article.pk
    counted = (
        not in_doubt
        and should_count(request, article)
        and within_cap(request, article.pk)
    )
    buffered = add_view(article) if counted else buffered_views(article.pk)
    article.view_count = shown(article, buffered)
    if counted or in_doubt:
        mark_seen(request, response, article.pk, article.get_absolute_url())
