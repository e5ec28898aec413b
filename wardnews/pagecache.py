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
  at once: with Redis, the change is published and each worker's listener
  hears it within milliseconds (a page is checked against what it heard,
  with no round trip; until it listens, a request asks Redis); without, each
  request reads both generations from the database in one query. An article
  that comes due at its scheduled time needs no save: pages expire by then.
- **The counter.** An article page counts the reader's view before the cache
  answers. With Redis, a page still current by the generations this worker
  heard, and not expired, is answered with no round trip: its view goes to
  the worker's own buffer, handed to Redis every tenth of a second and when
  the worker leaves (articles/viewbuffer.py, which says what a hard kill
  loses). Otherwise one script compares the generations and, if the page is
  still good, adds the view: one round trip, and a page found stale counts
  when it renders instead, never twice. Readers and
  crawlers are told apart by the same rules as on a rendered page
  (articles/counting.py). An article page is kept ARTICLE_SECONDS, so the
  "Lượt xem" it shows trails by that at most.
- **One render at a time.** A page found missing or stale takes its render
  lock (pages/renders.py: the installation's with Redis, the process's
  without) and renders; every other request meanwhile serves the copy it
  has (stale-while-revalidate), but never one more than STALE_SECONDS past
  its expiry, nor a list page whose ward changed once the render has run
  CHANGED_STALE_SECONDS, nor an article page whose ward changed. With no
  copy it may serve, a request waits for the render, as long as a render
  may hold its lock (WAIT_SECONDS), and takes the lock when it is gone
  without a page; one still finding another's lock then answers a 503 "try
  again in a few seconds", never renders without the lock. A stale
  article page served counts its view all the same, in the same round
  trip; a renderer that dies leaves a lock that expires.
- **Who never gets a kept page.** Anyone signed in (staff: the admin's own
  pages, previews, and staff reading the site; a session cookie that names
  no live session does not count, nor one that cannot be checked while the
  database is away), requests other
  than GET and HEAD, and any response that is not a plain 200 marked by its view
  (errors, redirects, the preview). A page is kept under its host as Django
  validated it, in one spelling (``_host``: lower case, no trailing dot
  nor default port), and its declared query parameters only: tracking parameters
  (fbclid, utm_…) and anything else a page does not read get the same page.
- **Redis away.** A failed round trip rests the page cache and the buffer for
  a few seconds (redisclient.rest): pages render, views go to the database.
  A view whose count script Redis took but did not answer in time (a stall)
  is not: Redis runs it once it goes on (redisclient.may_have_run). A
  change saved while Redis stalls, its ward's generation not moved, is
  moved again until Redis takes it (page_generations.retry); meanwhile
  this worker renders the ward's pages rather than serve a kept one.

It sits at the top of the middleware: a kept page answers before anything
else runs. With Redis, a kept page in this worker's memory is answered even
before Django builds its request (``wsgi()``, wrapped around Django's
application in wardnews/wsgi.py), by the same checks and answers; anything
else goes on to Django. What the middleware below add to a page (security headers, the
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
from django.core.handlers.wsgi import WSGIRequest, get_path_info
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port
from django.http.response import ResponseHeaders
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import parse_etags

import redisclient
from articles import counting, viewbuffer
from articles.models import Article
from pages import generations as page_generations
from pages import renders
from wardnews.middleware import TextGZipMiddleware
from wardnews.outage import is_database_unavailable, unavailable_response
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

# A reader who got the "busy" page (BUSY_TEMPLATE) tries again after this:
# by then the slow render is kept, or its lock is gone.
RETRY_AFTER_SECONDS = 5

# A kept page in the shared cache, by a hash of its URL.
PAGE = "pages:page:{}"

# What a rendered response carries that belongs to that response only.
_NOT_KEPT = {"content-length", "content-encoding", "etag", "date", "set-cookie"}

# An expired page is served this long past its expiry at most, and only
# while one request renders it anew (stale-while-revalidate).
STALE_SECONDS = 30
# A list page whose ward changed is served only while the one render of its
# new copy is younger than this: long enough to cover a render (tens of
# milliseconds), short enough that a published change shows within a second
# even when that render hangs. An article page whose ward changed is never
# served stale: the article itself may be the change (withdrawn, corrected),
# and its view would be counted against a page no longer shown.
CHANGED_STALE_SECONDS = 1.0
# A request with no copy it may serve waits this long at most for the one
# render: as long as a render may hold its lock, so that a slow render (the
# database slow under load) is still the only one. The lock gone with no page
# kept (the render failed, or its page is not kept, or its worker died and
# the lock expired), a waiter takes the lock and renders; one still finding
# another's lock at the end answers BUSY_TEMPLATE (503) rather than render
# without the lock: a reader told to reload in a few seconds costs less than
# every waiting reader rendering the page at once on a database already too
# slow for one render.
WAIT_SECONDS = renders.LOCK_SECONDS
BUSY_TEMPLATE = "503_busy.html"

# What a request does with a kept page (_decide).
FRESH, STALE, RENDER, WAIT = "fresh", "stale", "render", "wait"

# With Redis, one round trip: the generations, the page's render lock if
# the page is stale, and the view added if the page is served and still
# current. KEYS: site, ward, the day's pending views, the page's render
# lock; ARGV: the page's site and ward generations, the article ("" for
# none), expired, may be served expired (1/0), how young (ms) a render must
# be for a changed page to be served meanwhile, this request's lock token,
# the lock's life (ms). Returns the current generations, 1 if the view was
# counted, and what to do.
_DECIDE = """
local found = redis.call('MGET', KEYS[1], KEYS[2])
local same = found[1] == ARGV[1] and found[2] == ARGV[2]
local answer = 'fresh'
if not same or ARGV[4] == '1' then
  if redis.call('SET', KEYS[4], ARGV[7], 'NX', 'PX', ARGV[8]) then
    return {found[1], found[2], 0, 'render'}
  end
  answer = 'wait'
  if same then
    if ARGV[5] == '1' then answer = 'stale' end
  elseif tonumber(ARGV[8]) - redis.call('PTTL', KEYS[4]) < tonumber(ARGV[6]) then
    answer = 'stale'
  end
end
if answer ~= 'wait' and same and ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
  return {found[1], found[2], 1, answer}
end
return {found[1], found[2], 0, answer}
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

    @functools.cached_property
    def written(self) -> dict:
        """This worker's answers to a plain GET of the page, as written out
        (``_as_written``), by variant (``_written_once``)."""
        return {}

    def __getstate__(self):
        # What a worker made of the page for itself stays with it.
        state = self.__dict__.copy()
        state.pop("header_store", None)
        state.pop("written", None)
        return state

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
    renders.clear_local()
    page_generations.clear_local()


def _decide(key: str, page: Page, count: bool) -> tuple:
    """What this request does with a kept page: (current generations,
    whether its view was counted, FRESH/STALE/RENDER/WAIT, the render lock's
    token when it is to RENDER). The view counts only when the page is served
    and still current (else it counts as it renders), never twice."""
    now = _now()
    expired = page.expires <= now
    if redisclient.enabled():
        page_generations.retry()
        if page_generations.unsent(page.ward_id):
            # The ward changed while Redis did not take its new generation:
            # this copy may show what the change removed. Rendered, unlocked
            # (the render lock is in the same Redis).
            return page.generations, False, RENDER, None
        if not expired and _current_as_heard(page):
            if count:
                viewbuffer.add(page.article_pk)
            return page.generations, count, FRESH, None
        site, ward = page_generations.redis_keys(
            page.ward_id, cache.key_prefix, cache.version
        )
        token = renders.new_token()
        found = redisclient.script(_DECIDE)(
            keys=[site, ward, viewbuffer.pending_key(), renders.lock_key(key)],
            args=[
                *page.generations,
                page.article_pk if count else "",
                int(expired),
                int(now - page.expires < STALE_SECONDS),
                0 if page.article_pk is not None else CHANGED_STALE_SECONDS * 1000,
                token,
                int(renders.LOCK_SECONDS * 1000),
            ],
        )
        generations = tuple(int(v) if v is not None else None for v in found[:2])
        page_generations.remember(page.ward_id, generations)
        answer = found[3].decode()
        return generations, bool(found[2]), answer, token if answer == RENDER else None
    generations = page_generations.current(page.ward_id)
    same = generations == page.generations
    answer = FRESH
    if expired or not same:
        token = renders.acquire(key)
        if token is not None:
            return generations, False, RENDER, token
        if same:
            answer = STALE if now - page.expires < STALE_SECONDS else WAIT
        else:
            age = renders.age(key)
            young = age is not None and age < CHANGED_STALE_SECONDS
            answer = STALE if young and page.article_pk is None else WAIT
    if count and same and answer != WAIT:
        counting.add_view(Article(pk=page.article_pk))
        return generations, True, answer, None
    return generations, False, answer, None


def _current_as_heard(page: Page) -> bool:
    """Whether the page is of the generations this worker's listener last
    heard for its ward (with Redis): current, with no round trip."""
    heard = page_generations.heard(page.ward_id)
    return heard is not None and heard == page.generations


def _ensure_generations(ward_id, generations):
    """Generations for a page about to be rendered: a missing one (a new
    cache, or evicted) is made, so that the page can be checked later."""
    if None not in generations:
        return generations
    return page_generations.ensure(ward_id)


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
        meta = request.META
        if _IN_DOUBT in meta:
            counting.may_have_counted(request, meta.pop(_IN_DOUBT))
        decided = meta.pop(_DECIDED, None)
        if decided is not None:  # The fast path took the render lock.
            key, ward_id, generations, token = decided
            try:
                return self._render(request, key, ward_id, generations, token)
            except redis.RedisError as error:
                redisclient.rest(error)
                return self.get_response(request)
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
            base = f"{request.scheme}://{_host(request)}{path}?"
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
            return self._serve(request, key, page)
        except redis.RedisError as error:
            redisclient.rest(error)
            return self.get_response(request)

    def _serve(self, request, key, page, deadline=None, shared=False):
        """Answer from the page kept under ``key`` (this worker's, or
        another's from the shared cache), rendering it when it is missing
        or stale: one request renders, the others serve the previous copy
        or wait for that render (until ``deadline``, time.monotonic(), once
        they have begun waiting)."""
        if page is None:
            page = cache.get(_shared_key(key))
            shared = page is not None
            if shared:
                _keep(key, page)
        if page is None:
            return self._first_render(request, key, deadline)
        count = self._counts(request, page)
        try:
            generations, counted, answer, token = _decide(key, page, count)
        except redis.RedisError as error:
            if count and redisclient.may_have_run(error):
                # Redis took the view and may add it yet: the page rendered
                # below does not store it again.
                counting.may_have_counted(request, page.article_pk)
            raise
        if answer != FRESH and not shared and generations != page.generations:
            # This worker's copy is older than the change; another worker
            # may have rendered the page since (it is kept in the shared
            # cache): take that one rather than render again or serve the
            # old copy, so that a reader who saw the change never sees the
            # page before it again, and one render serves every worker.
            # (Not counted above: a view counts only on a current page.)
            newer = cache.get(_shared_key(key))
            if newer is not None and newer.generations == generations:
                _release(key, token)
                _keep(key, newer)
                return self._serve(request, key, newer, deadline, shared=True)
        if answer in (FRESH, STALE):
            return self._respond(request, page, counted=counted)
        if answer == WAIT:
            return self._wait(request, key, deadline)
        return self._render(request, key, page.ward_id, generations, token)

    def _wait(self, request, key, deadline):
        """Wait for another request's render of the page, then answer as it
        left things; past the deadline, the 503 "busy" page."""
        if deadline is None:
            deadline = time.monotonic() + WAIT_SECONDS
        left = deadline - time.monotonic()
        if left <= 0:
            logger.warning("Gave up waiting for the render of %s.", key)
            response = unavailable_response(BUSY_TEMPLATE)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        renders.wait(key, left)
        page_generations.read_again()
        return self._serve(request, key, _pages.get(key), deadline)

    @staticmethod
    def _counts(request, page) -> bool:
        """Whether this request counts as a view of the page's article."""
        return (
            page.article_pk is not None
            and counting.counts_for(request, page.article_pk)
            and counting.within_cap(request, page.article_pk)
        )

    def _first_render(self, request, key, deadline):
        """No copy anywhere: render it, one request at a time."""
        try:
            ward = ward_for_host(request.get_host())
        except Exception:  # The database is down: let the outage page say so.
            return self.get_response(request)
        token = renders.acquire(key)
        if token is None:
            return self._wait(request, key, deadline)
        try:
            generations = page_generations.current(ward.pk)
        except BaseException:
            _release(key, token)
            raise
        return self._render(request, key, ward.pk, generations, token)

    def _render(self, request, key, ward_id, generations, token=None):
        """Render the page (the view counts it), and keep it when it may be
        kept; then give back the render lock (``token``), if this request
        held it. ``generations`` were read before rendering: a change
        committed while it renders makes the page stale at once rather than
        kept."""
        try:
            return self._render_and_keep(request, key, ward_id, generations)
        finally:
            _release(key, token)

    def _render_and_keep(self, request, key, ward_id, generations):
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
                # Kept past its expiry, to be served while it renders again.
                seconds = int(expires - _now()) + STALE_SECONDS
                cache.set(_shared_key(key), page, max(1, seconds))
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
    def _respond(request, page, counted, written_at_once=False):
        """The response for this request from a kept page: a 304 when the
        browser has it, compressed when it takes gzip. ``written_at_once``:
        the response is written out as it is and dropped (the fast path), so
        it may share the seen-cookie (counting.mark_seen)."""
        meta = request.META
        if _has(meta.get("HTTP_IF_NONE_MATCH"), page.etag):
            response = HttpResponseNotModified()
            for name, value in page.headers:
                if name.lower() != "content-type":
                    response[name] = value
        else:
            gzipped = _gzipped(page, meta)
            response = HttpResponse(page.gzipped if gzipped else page.body)
            # The page's headers were checked (charset, no newlines) when it
            # was kept: copied as they are, not checked again per request.
            response.headers._store.update(page.header_store)
            if gzipped:
                response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(response.content))
        response["ETag"] = page.etag
        if counted:
            counting.mark_seen(
                request,
                response,
                page.article_pk,
                page.article_path,
                shared=written_at_once,
            )
        return response


# What the fast path leaves in the WSGI environ for the middleware: the
# render it decided on (key, ward, generations, lock token), or the article
# whose view Redis may have counted before it failed.
_DECIDED = "wardnews.pagecache.decided"
_IN_DOUBT = "wardnews.pagecache.in_doubt"


def wsgi(django_application, on_kept=None):
    """Django's WSGI application, with kept pages answered before Django
    builds its request: no request signals (which look at every database
    connection), no middleware chain, no handler. The same checks and the
    same answers as the middleware (its ``_decide`` and ``_respond``): any
    request it is unsure of (a session cookie, a host Django would refuse, a
    page not in this worker's memory, one to render) goes to Django, whose
    middleware decides as before; a render the fast path decided on (the
    render lock taken) is handed over in the environ. With Redis only:
    without it, the generations are read from the database, which is
    Django's to open and close around a request. ``on_kept(request,
    response)`` adds to a kept page's response what the middleware above the
    page cache add to every response (wardnews/wsgi.py: nginx's mark)."""

    def application(environ, start_response):
        answer = _fast_answer(environ, on_kept) if redisclient.enabled() else None
        if answer is None:
            return django_application(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    return application


def _fast_answer(environ, on_kept=None):
    """A kept page's answer for this request as written out (status line,
    headers, body), or None: Django answers. ``on_kept(request, response)``
    finishes a response it gives, as the middleware above the page cache
    would have."""
    method = environ.get("REQUEST_METHOD")
    if (
        method not in ("GET", "HEAD")
        or not settings.PAGE_CACHE
        or redisclient.resting()
        # Any session cookie: Django checks whether it names a session.
        or settings.SESSION_COOKIE_NAME in environ.get("HTTP_COOKIE", "")
    ):
        return None
    if _plain_get(environ):
        answer = _plain_answer(environ, on_kept)
        if answer is not None:
            return answer
    request = WSGIRequest(environ)
    path = request.path_info
    if path.startswith(_NEVER):
        return None
    try:
        base = f"{request.scheme}://{_host(request)}{path}?"
    except DisallowedHost:
        return None
    query = environ.get("QUERY_STRING", "")
    key = base + _normal_query(query) if query else base
    page = _pages.get(key)
    if page is None:
        return None
    count = PageCacheMiddleware._counts(request, page)
    try:
        generations, counted, answer, token = _decide(key, page, count)
    except redis.RedisError as error:
        redisclient.rest(error)
        if count and redisclient.may_have_run(error):
            environ[_IN_DOUBT] = page.article_pk
        return None
    if answer != FRESH and generations != page.generations:
        # Older than a change: the middleware looks for the copy another
        # worker rendered since (_serve) before serving this or rendering.
        _release(key, token)
        return None
    if answer == RENDER:
        environ[_DECIDED] = (key, page.ward_id, generations, token)
    if answer not in (FRESH, STALE):
        return None

    def respond():
        return _kept_response(request, page, counted, on_kept)

    if _plain_get(environ):
        variant = (on_kept, _gzipped(page, environ), counted)
        return _written_once(page, variant, respond)
    return _as_written(respond())


def _plain_get(environ) -> bool:
    """A GET with no query and no validator: its answer is one of the
    page's written-out variants (``_written_once``)."""
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and not environ.get("QUERY_STRING")
        and "HTTP_IF_NONE_MATCH" not in environ
    )


def _plain_answer(environ, on_kept):
    """The answer to a plain GET (no query, no validator) of a list page
    (one that counts no view) kept current in this worker's memory, as
    written out once a second for every such request: the readers' common
    case, served for less than Django takes to answer an empty view. None
    for anything else, which the general fast path or Django answers."""
    origin = _origin(environ)
    if origin is None:
        return None
    path = get_path_info(environ) or "/"
    page = _pages.get(f"{origin}{path}?")
    if page is None or page.article_pk is not None:
        return None
    page_generations.retry()
    if (
        page_generations.unsent(page.ward_id)
        or page.expires <= _now()
        or not _current_as_heard(page)
    ):
        return None
    return _written_once(
        page,
        (on_kept, _gzipped(page, environ), False),
        lambda: _kept_response(WSGIRequest(environ), page, False, on_kept),
    )


def _written_once(page, variant, respond) -> tuple:
    """The page's answer of this ``variant`` (what finishes it, ``on_kept``;
    compressed or not; counted or not; a page is kept per scheme and host)
    as written out, made by
    ``respond()`` once a second and given to every such request of that
    second: nothing else in it depends on the request, and what depends on
    the second (nginx's mark, edgecache.py, and the seen-cookie's expiry,
    counting.mark_seen) is never served in a later one."""
    second = int(time.time())
    written = page.written.get(variant)
    if written is None or written[0] != second:
        written = page.written[variant] = (second, _as_written(respond()))
    return written[1]


def _gzipped(page, environ) -> bool:
    """Whether the page's answer to this request is its compressed copy."""
    return page.gzipped is not None and _takes_gzip(
        environ.get("HTTP_ACCEPT_ENCODING", "")
    )


def _kept_response(request, page, counted, on_kept):
    response = PageCacheMiddleware._respond(
        request, page, counted=counted, written_at_once=True
    )
    if on_kept is not None:
        on_kept(request, response)
    if request.method == "HEAD":
        _without_body(response)
    return response


def _as_written(response) -> tuple:
    """A response as the WSGI server is given it: status line, headers, body."""
    headers = list(response.items())
    headers.extend(
        ("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()
    )
    status = f"{response.status_code} {response.reason_phrase}"
    return status, headers, response.content


# The request fields Django reads a request's scheme and host from, with
# the scheme and host they gave, so that the plain answers build no request:
# each host Django accepted is checked by Django once. A host it refuses is
# not remembered (made-up ones would push out the real), and goes to Django
# each time, for its 400.
_origins: dict[tuple, str] = {}
_MAX_ORIGINS = 4096
# Longer fields are no host of ours (and would make the memo large).
_MAX_ORIGIN_FIELD = 255


@functools.cache
def _origin_fields() -> tuple[str, ...]:
    fields = ["HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme"]
    if settings.SECURE_PROXY_SSL_HEADER:
        fields.append(settings.SECURE_PROXY_SSL_HEADER[0])
    if settings.USE_X_FORWARDED_HOST:
        fields.append("HTTP_X_FORWARDED_HOST")
    if settings.USE_X_FORWARDED_PORT:
        fields.append("HTTP_X_FORWARDED_PORT")
    return tuple(fields)


def _origin(environ) -> str | None:
    """The request's scheme and host as its kept pages are keyed
    (``scheme://host``), as Django's request would give them (``_host``),
    or None for a host Django refuses."""
    fields = tuple(environ.get(name) for name in _origin_fields())
    origin = _origins.get(fields)
    if origin is not None:
        return origin
    request = WSGIRequest(dict(environ))
    try:
        origin = f"{request.scheme}://{_host(request)}"
    except DisallowedHost:
        return None
    if all(len(field or "") <= _MAX_ORIGIN_FIELD for field in fields):
        if len(_origins) >= _MAX_ORIGINS:
            _origins.pop(next(iter(_origins)))  # The first remembered.
        _origins[fields] = origin
    return origin


def _settings_changed(**kwargs):
    """Tests change the settings a host is checked by."""
    _origin_fields.cache_clear()
    _origins.clear()


setting_changed.connect(_settings_changed, dispatch_uid="pagecache-origins")


def _host(request) -> str:
    """The request's host as Django validated it, in the one spelling its
    pages are kept under: lower case, without a trailing dot or the scheme's
    own port (`TestServer.`, `testserver:80` are `testserver`); else every
    spelling of a ward's host is a page rendered and kept of its own. The
    request goes on with that spelling, so that a page rendered for it
    (whose links name the host) is the one every spelling gets. Any other
    port stays: the page's links carry it (wards/hosts.py, public_port), and
    a page rendered for `Host: ward:1234` must not be the ward's page."""
    domain, port = split_domain_port(request.get_host())
    if port and port != {"http": "80", "https": "443"}.get(request.scheme):
        domain = f"{domain}:{port}"
    request.META["HTTP_HOST"] = domain
    return domain


def _may_keep_cookie(cookie) -> bool:
    """A cookie a kept page may be rendered with (it goes to the client the
    page was rendered for, never kept): the seen-cookie, or the deletion of
    a session cookie that named no session; else a client that keeps sending
    `sessionid=x` would have every page rendered for it and none kept."""
    return cookie.key.startswith(counting.SEEN_COOKIE_PREFIX) or (
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


def _release(key, token):
    """Give back the page's render lock, if this request took it. Redis
    failing here only leaves the lock to expire by itself."""
    if token is None:
        return
    try:
        renders.release(key, token)
    except redis.RedisError as error:
        redisclient.rest(error)


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
