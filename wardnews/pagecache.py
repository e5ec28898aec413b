"""Readers' pages kept ready to serve, per ward, with every view still counted.

A page a view marks with ``for_readers()`` (pages/decorators.py) is rendered
once and then served from memory to anonymous readers, until its ward
changes or it expires:

- **Where a page lives.** In the worker's own memory (``_pages``: no round
  trip, no unpickling, at most MAX_BYTES), and in Django's cache (Redis when
  REDIS_URL is set), so that a worker or app server that lacks it takes the
  one another rendered.
- **How a worker learns a page is stale.** Every ward has a generation in the
  shared cache, and the site one more; a page remembers the generations it was
  rendered under. Saving or deleting anything readers see (an article, a
  category, an attachment, a ward) adds one to its ward's generation
  (pages/generations.py), now and after the commit, and every server sees it
  on its next request: each request reads both generations before answering,
  in one round trip. An article that comes due at its scheduled time needs no
  save: pages expire by then.
- **The counter.** An article page counts the reader's view before the cache
  answers. With Redis, one script compares the generations and, if the page
  is still good, adds the view (articles/viewbuffer.py): one round trip, and
  a page found stale counts when it renders instead, never twice. Readers and
  crawlers are told apart by the same rules as on a rendered page
  (articles/counting.py). An article page is kept ARTICLE_SECONDS, so the
  "Lượt xem" it shows trails by that at most.
- **Who never gets a kept page.** Anyone signed in (staff: the admin's own
  pages, previews, and staff reading the site; a session cookie that names
  no live session does not count, nor one that cannot be checked while the
  database is away), requests other
  than GET and HEAD, and any response that is not a plain 200 marked by its view
  (errors, redirects, the preview). A page is kept under its host as Django
  validated it and its declared query parameters only: tracking parameters
  (fbclid, utm_…) and anything else a page does not read get the same page.
- **Redis away.** A failed round trip rests the page cache and the buffer for
  a few seconds (redisclient.rest): pages render, views go to the database.
  A view whose count script Redis took but did not answer in time (a stall)
  is not: Redis runs it once it goes on (redisclient.may_have_run).

It sits at the top of the middleware: a kept page answers before anything
else runs. What the middleware below add to a page (security headers, the
Content-Security-Policy, Vary) is kept with it, compressed once, uncompressed
once; HTTP caches get an ETag (a 304 when the browser has the page) and vary
only on what the page does: Accept-Encoding, and Cookie on an article page
(the seen-cookie decides whether it counts). A HEAD request (link checkers,
link previews) gets a kept page's headers, counts nothing, and, kept or not,
is answered without a body.
"""

import functools
import gzip
import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time
from importlib import import_module
from urllib.parse import parse_qsl, urlencode

import redis
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.http.response import ResponseHeaders
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import parse_etags

import redisclient
from articles import counting, viewbuffer
from articles.models import Article
from pages import generations as page_generations
from wardnews.middleware import TextGZipMiddleware
from wardnews.outage import is_database_unavailable
from wards.hosts import ward_for_host

logger = logging.getLogger(__name__)

# What one worker keeps in memory (bodies and their compressed copies), the
# oldest going first; a page bigger than MAX_PAGE_BYTES (a sitemap of
# thousands of articles) is kept in the shared cache only, up to
# MAX_SHARED_BYTES.
MAX_BYTES = 48 * 1024 * 1024
MAX_PAGE_BYTES = 1024 * 1024
MAX_SHARED_BYTES = 8 * 1024 * 1024
# Pages shorter than this are not worth compressing.
MIN_GZIP_LENGTH = 200

# Added to shared links by Zalo, Facebook, Google and mail campaigns (and
# "utm_" anything): the same page for everyone.
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "zarsrc", "zaloapp", "_gl"})

# What Django's session keys look like (get_random_string(32), a-z0-9).
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")
# Paths that are never readers' pages: no lookup at all.
_NEVER = ("/static/", "/media/", "/ckeditor/", "/tep/", "/healthz")

# A kept page in the shared cache, by a hash of its URL.
PAGE = "pages:page:{}"

# What a rendered response carries that belongs to that response only.
_NOT_KEPT = {"content-length", "content-encoding", "etag", "date", "set-cookie"}

# With Redis: the generations, and the view added only if the page they
# were rendered under is still good. KEYS: site, ward, the day's pending
# views; ARGV: the page's site and ward generations, the article ("" for
# none). Returns the current generations and 1 if the view was counted.
_CHECK_AND_COUNT = """
local found = redis.call('MGET', KEYS[1], KEYS[2])
if ARGV[3] ~= '' and found[1] == ARGV[1] and found[2] == ARGV[2] then
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
  return {found[1], found[2], 1}
end
return {found[1], found[2], 0}
"""


@dataclass
class Page:
    """A rendered page, as stored."""

    ward_id: int
    generations: tuple  # (site, ward) when it was rendered.
    expires: float  # _now()
    headers: list
    body: bytes
    gzipped: bytes | None
    etag: str
    # The article an article page counts, and where its seen-cookie goes.
    article_pk: int | None = None
    article_path: str = ""

    @functools.cached_property
    def header_store(self) -> dict:
        """The headers as Django's ResponseHeaders keeps them, made once."""
        return ResponseHeaders(dict(self.headers))._store

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


# This worker's pages, by URL (scheme, host, path and query), oldest first.
_pages: dict[str, Page] = {}
_bytes = 0
_lock = threading.Lock()
# When each ward's next scheduled article comes due, as known under its
# generations: pages of that ward expire by then.
_due: dict[int, tuple[tuple, float]] = {}


def _now() -> float:
    """The clock pages expire by: Django's, so that tests may move it."""
    return timezone.now().timestamp()


def clear_local():
    """Forget this worker's pages (tests; the shared cache is Django's)."""
    global _bytes
    with _lock:
        _pages.clear()
        _bytes = 0
    _due.clear()
    page_generations.clear_local()


def _check_and_count(page: Page, count: bool) -> tuple[tuple, bool]:
    """The current generations, and whether this view was counted: only if
    ``count`` and the page is still good (else it counts as it renders)."""
    if redisclient.enabled() and not count:
        heard = page_generations.heard(page.ward_id)
        if heard is not None:
            return heard, False
    if redisclient.enabled():
        site, ward = page_generations.redis_keys(
            page.ward_id, cache.key_prefix, cache.version
        )
        found = redisclient.script(_CHECK_AND_COUNT)(
            keys=[site, ward, viewbuffer.pending_key()],
            args=[*page.generations, page.article_pk if count else ""],
        )
        generations = tuple(int(v) if v is not None else None for v in found[:2])
        page_generations.remember(page.ward_id, generations)
        return generations, bool(found[2])
    generations = page_generations.current(page.ward_id)
    if count and generations == page.generations:
        counting.add_view(Article(pk=page.article_pk))
        return generations, True
    return generations, False


def _ensure_generations(ward_id, generations):
    """Generations for a page about to be rendered: a missing one (a new
    cache, or evicted) is made, so that the page can be checked later."""
    if None not in generations:
        return generations
    for key, value in zip(page_generations.keys(ward_id), generations, strict=True):
        if value is None:
            cache.add(key, time.time_ns(), None)
    return page_generations.current(ward_id)


def _due_time(ward_id: int, generations) -> float:
    """When the ward's next scheduled article comes due (infinity if none):
    one query per ward and generation, not per page."""
    known = _due.get(ward_id)
    now = _now()
    if known is not None and known[0] == generations and known[1] > now:
        return known[1]
    due = (
        Article.objects.filter(
            ward_id=ward_id,
            status=Article.Status.PUBLISHED,
            published_at__gt=timezone.now(),
        )
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    when = due.timestamp() if due is not None else float("inf")
    _due[ward_id] = (generations, when)
    return when


def _next_midnight() -> float:
    """When the ward's day ends: every page's header shows today's date
    (articles/context_processors.py), so none is kept into the next day."""
    today = timezone.localdate()
    tomorrow = datetime.combine(today + timedelta(days=1), dt_time.min)
    return timezone.make_aware(tomorrow).timestamp()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Compresses what is not kept (a search, a 404), as it would below.
        self.compress = TextGZipMiddleware(get_response)

    def __call__(self, request):
        response = self._answer(request)
        if request.method == "HEAD":
            _without_body(response)
        return response

    def _answer(self, request):
        path = request.path_info
        if (
            request.method not in ("GET", "HEAD")
            or not settings.PAGE_CACHE
            or path.startswith(_NEVER)
            or _has_session(request)
            or redisclient.resting()
        ):
            return self.get_response(request)
        try:
            # As Django validated it: refused hosts get their 400 below.
            base = f"{request.scheme}://{request.get_host()}{path}?"
        except DisallowedHost:
            return self.get_response(request)
        query = request.META.get("QUERY_STRING", "")
        key = base + _normal_query(query) if query else base
        page = _pages.get(key)
        if page is None:
            params = _page_params(path)
            if params is None:  # Not a page kept for readers.
                return self.get_response(request)
            key = base + _normal_query(query, params) if query else base
            page = _pages.get(key)
        try:
            if page is None:
                return self._from_shared_cache(request, key)
            return self._from_memory(request, key, page)
        except redis.RedisError as error:
            redisclient.rest(error)
            return self.get_response(request)

    def _from_memory(self, request, key, page):
        fresh = page.expires > _now()
        count = fresh and self._counts(request, page)
        try:
            generations, counted = _check_and_count(page, count)
        except redis.RedisError as error:
            if count and redisclient.may_have_run(error):
                # Redis took the view and may add it yet: the page rendered
                # below does not store it again.
                counting.may_have_counted(request, page.article_pk)
            raise
        if fresh and generations == page.generations:
            return self._respond(request, page, counted=counted)
        return self._render(request, key, page.ward_id, generations)

    @staticmethod
    def _counts(request, page) -> bool:
        """Whether this request counts as a view of the page's article."""
        return (
            page.article_pk is not None
            and counting.counts_for(request, page.article_pk)
            and counting.within_cap(request, page.article_pk)
        )

    def _from_shared_cache(self, request, key):
        """Not in this worker's memory: another worker's copy, or render."""
        try:
            ward = ward_for_host(request.get_host())
        except Exception:  # The database is down: let the outage page say so.
            return self.get_response(request)
        generations = page_generations.current(ward.pk)
        page = cache.get(_shared_key(key))
        if (
            page is not None
            and page.generations == generations
            and page.expires > _now()
        ):
            counted = self._counts(request, page)
            if counted:
                counting.add_view(Article(pk=page.article_pk))
            _keep(key, page)
            return self._respond(request, page, counted=counted)
        return self._render(request, key, ward.pk, generations)

    def _render(self, request, key, ward_id, generations):
        """Render the page (the view counts it), and keep it when it may be
        kept. ``generations`` were read before rendering: a change committed
        while it renders makes the page stale at once rather than kept."""
        # Rendered uncompressed, to be kept both ways.
        accept = request.META.pop("HTTP_ACCEPT_ENCODING", None)
        try:
            response = self.get_response(request)
        finally:
            if accept is not None:
                request.META["HTTP_ACCEPT_ENCODING"] = accept
        if not self._may_keep(request, response, ward_id):
            return self.compress.process_response(request, response)
        # The view ran and counted: Redis failing from here on must not make
        # the page render, and count, a second time. It is served unkept.
        try:
            generations = _ensure_generations(ward_id, generations)
        except redis.RedisError as error:
            redisclient.rest(error)
            return self.compress.process_response(request, response)
        expires = min(
            _now() + response.page_seconds,
            _due_time(ward_id, generations),
            _next_midnight(),
        )
        page = self._page(response, ward_id, generations, expires)
        _keep(key, page)
        if page.size <= MAX_SHARED_BYTES:
            try:
                cache.set(_shared_key(key), page, max(1, int(expires - _now())))
            except redis.RedisError as error:
                redisclient.rest(error)
        served = self._respond(request, page, counted=False)
        served.cookies = response.cookies  # The view's seen-cookie, if any.
        return served

    @staticmethod
    def _may_keep(request, response, ward_id) -> bool:
        return (
            getattr(response, "page_seconds", None) is not None
            and response.status_code == 200
            and not response.streaming
            and getattr(request, "ward", None) is not None
            and request.ward.pk == ward_id
            and all(map(_may_keep_cookie, response.cookies.values()))
            and _only_varies_on_known(response)
        )

    @staticmethod
    def _page(response, ward_id, generations, expires):
        body = response.content
        article = getattr(response, "reader_article", None)
        return Page(
            ward_id=ward_id,
            generations=generations,
            expires=expires,
            headers=[
                (name, value)
                for name, value in response.items()
                if name.lower() not in _NOT_KEPT
            ],
            body=body,
            gzipped=gzip.compress(body, mtime=0)
            if len(body) >= MIN_GZIP_LENGTH
            else None,
            etag=f'W/"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
            article_pk=article.pk if article is not None else None,
            article_path=article.get_absolute_url() if article is not None else "",
        )

    @staticmethod
    def _respond(request, page, counted):
        """The response for this request from a kept page: a 304 when the
        browser has it, compressed when it takes gzip."""
        meta = request.META
        if _has(meta.get("HTTP_IF_NONE_MATCH"), page.etag):
            response = HttpResponseNotModified()
            for name, value in page.headers:
                if name.lower() != "content-type":
                    response[name] = value
        else:
            gzipped = page.gzipped is not None and _takes_gzip(
                meta.get("HTTP_ACCEPT_ENCODING", "")
            )
            response = HttpResponse(page.gzipped if gzipped else page.body)
            # The page's headers were checked (charset, no newlines) when it
            # was kept: copied as they are, not checked again per request.
            response.headers._store.update(page.header_store)
            if gzipped:
                response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(response.content))
        response["ETag"] = page.etag
        if counted:
            counting.mark_seen(request, response, page.article_pk, page.article_path)
        return response


def _may_keep_cookie(cookie) -> bool:
    """A cookie a kept page may be rendered with (it goes to the client the
    page was rendered for, never kept): the seen-cookie, or the deletion of
    a session cookie that named no session; else a client that keeps sending
    `sessionid=x` would have every page rendered for it and none kept."""
    return cookie.key.startswith("wn_seen_") or (
        cookie.key == settings.SESSION_COOKIE_NAME and not cookie.value
    )


def _has_session(request) -> bool:
    """Whether the request carries a signed-in session (staff). A cookie that
    names none gets readers' pages: else anyone could skip the cache, and
    have every page rendered, by sending `Cookie: sessionid=x`. A key of the
    session's shape costs one look-up; anything else, none.

    While the database is away no session can be checked, and none would
    be of use (the admin is away too): the request gets readers' kept pages,
    not the outage page, whatever its cookie (wardnews/outage.py)."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or not _SESSION_KEY.fullmatch(key):
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    try:
        return SESSION_KEY in store
    except DatabaseError as error:
        if is_database_unavailable(error):
            return False
        raise


def _without_body(response):
    """A HEAD request's answer: what the GET's would say, Content-Length
    included, without the body (RFC 9110), which gunicorn would otherwise
    drop and log for every such request."""
    if response.status_code in (204, 304):
        return  # Nothing to say of a length (RFC 9110, 8.6).
    if response.streaming:
        response.streaming_content = ()
    else:
        if not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response.content = b""


def _keep(key, page):
    """Keep the page in this worker's memory, making room under MAX_BYTES."""
    global _bytes
    if page.size > MAX_PAGE_BYTES:
        return
    with _lock:
        _drop(key)
        while _pages and _bytes + page.size > MAX_BYTES:
            _drop(next(iter(_pages)))
        _pages[key] = page
        _bytes += page.size


def _forget_ward(ward_id) -> None:
    """Drop this worker's pages of the ward (None: of every ward)."""
    with _lock:
        for url, page in list(_pages.items()):
            if ward_id is None or page.ward_id == ward_id:
                _drop(url)


page_generations.when_changed(_forget_ward)


def _drop(key):
    """Forget one page (with _lock held)."""
    global _bytes
    page = _pages.pop(key, None)
    if page is not None:
        _bytes -= page.size


def _tracking(name: str) -> bool:
    """Parameters that Zalo, Facebook, Google and newsletters add to shared
    links: the page is the same without them."""
    return name in TRACKING_PARAMETERS or name.startswith("utm_")


def _normal_query(query: str, params=None) -> str:
    """The query string that tells pages apart: decoded, sorted, without
    tracking parameters or empty names, and with ``params`` only those the
    page declares. A link shared in Zalo (…?zarsrc=31&utm_source=zalo) is the
    page kept for everyone, and `?&&&` or `?%63u-hon=5` no page of its own."""
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name and not _tracking(name) and (params is None or name in params)
    ]
    return urlencode(sorted(pairs))


def _page_params(path: str):
    """The query parameters of the page kept at this path (for_readers), or
    None for a path whose pages are never kept (search, the admin…)."""
    try:
        return getattr(resolve(path).func, "page_params", None)
    except Resolver404:
        return None


def _shared_key(url: str) -> str:
    """A URL as a key any cache backend takes: short, plain ASCII."""
    return PAGE.format(hashlib.sha256(url.encode()).hexdigest())


def _has(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match names the page (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(e.removeprefix("W/") == bare for e in parse_etags(if_none_match))


def _takes_gzip(accept_encoding: str) -> bool:
    """Whether Accept-Encoding allows gzip (not "gzip;q=0")."""
    allowed = None
    for part in accept_encoding.lower().split(","):
        name, _, params = part.partition(";")
        name = name.strip()
        if name not in ("gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name == "gzip":
            return q > 0
        allowed = q > 0
    return bool(allowed)


def _only_varies_on_known(response) -> bool:
    """A page that varies on anything but these cannot be served to all."""
    vary = response.get("Vary", "")
    names = {v.strip().lower() for v in vary.split(",") if v.strip()}
    return names <= {"cookie", "accept-encoding"}
