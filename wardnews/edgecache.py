"""Which responses nginx may keep for a second (micro-caching, the deploy
kit's deploy/nginx/wardnews.conf): an `X-Accel-Expires` header on the
readers' pages the page cache keeps for everyone, and on nothing else.

nginx keeps nothing on its own (it ignores Cache-Control, Expires and Vary),
so this middleware is the one place that says what it may keep:

- a 200 to a GET or HEAD that its view marked for readers and not counted:
  ``for_readers()`` (pages/decorators.py) makes it `Cache-Control: public`;
  an article page, whose every view is counted, is `private` and must reach
  Django each time;
- asked for by a request without a session cookie, and setting no cookie
  (nginx too bypasses and never stores anything for a `sessionid` cookie,
  and never stores a response that sets one);
- varying on nothing but Accept-Encoding (nginx always asks for gzip and
  unpacks it for the rare client that does not take it);
- asked for under its canonical address: the page's declared query
  parameters only, sorted, as the page cache keys it (wardnews/pagecache.py).
  nginx keys its copies on the host, the query as sent, and the path as it
  decodes and normalises it (`$uri`), so a link with tracking parameters
  (`?fbclid=…`, unique per click) or made-up ones is not kept by nginx: it
  is served by the page cache, as without nginx, and a flood of such
  addresses cannot fill nginx's cache or make it write. The path's
  spellings (`%63` for `c`, `%6e` or `%6E`) are one page to the app and one
  key to nginx: one copy, served to all of them. A path nginx would
  normalise into another (`//`, `.` or `..` segments), which the app reads
  as it is, is never marked, so no page is kept under another's key.

The copy is good until the end of the current second (`@` and the Unix time:
nginx's clock is whole seconds, and a relative `1` would keep it up to two),
so a published change is on every page nginx serves within a second, plus
one fetch from the app (the page cache makes it cheap); the readers who come
during that fetch get the old copy (nginx drops a copy nobody read for 2 s,
so that copy is never more than about 3 s old).

It sits above the page cache in MIDDLEWARE, so that it sees the pages the
page cache serves as well as those it renders.
"""

import functools
import time

from django.conf import settings

from .pagecache import _normal_query, _page_params

HEADER = "X-Accel-Expires"


class EdgeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        mark(request, response)
        return response


def mark(request, response) -> None:
    """The header on a response nginx may keep: the middleware's, and the
    page cache's fast path's (wardnews/wsgi.py), which answers kept pages
    before any middleware runs."""
    if may_keep_at_edge(request, response):
        response[HEADER] = f"@{int(time.time())}"


def may_keep_at_edge(request, response) -> bool:
    """Whether nginx may keep this response for everyone who asks for this
    host and address. On every response: the cheap tests first."""
    return (
        response.status_code == 200
        and "public" in response.get("Cache-Control", "")
        and request.method in ("GET", "HEAD")
        and not response.streaming
        and not response.cookies
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and _varies_on_encoding_only(response.get("Vary", ""))
        and _canonical(request)
    )


def _varies_on_encoding_only(vary: str) -> bool:
    if not vary or vary.lower() == "accept-encoding":
        return True
    return {v.strip().lower() for v in vary.split(",")} <= {"", "accept-encoding"}


def _canonical(request) -> bool:
    """Whether the address is the one the page cache keeps the page under:
    a normal path (nginx's key), and no query, or only the page's declared
    parameters, each once, sorted."""
    if not _normal_path(request.path_info):
        return False
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return True
    params = _declared(request.path_info)
    return params is not None and query == _normal_query(query, params)


def _normal_path(path: str) -> bool:
    """Whether nginx's normalised path ($uri) is this path as the app read
    it (both decode %XX; only nginx merges slashes and resolves dots)."""
    return "//" not in path and not any(
        segment in (".", "..") for segment in path.split("/")
    )


@functools.lru_cache(maxsize=4096)
def _declared(path: str):
    """The page's declared parameters: resolving the path costs some 0.25 ms,
    as much as serving a kept page; only paths of pages marked public get
    here, so the cache holds real pages (categories' next pages, sitemaps)."""
    return _page_params(path)
