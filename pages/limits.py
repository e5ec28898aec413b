"""How much one client may have rendered: pages the page cache did not have
(a search, a sitemap page, a category's older pages), a few a second.

A kept page costs next to nothing and is never counted here; a rendered one
costs the database and a worker thread, and one client asking for many at
once (16 connections asking for searches or sitemap pages) slowed every
reader's page. Each client (clientip.client: an address, an IPv6 /64) has
its own allowance per kind of page: RENDERS_PER_SECOND pages and
SEARCHES_PER_SECOND searches, on average, with BURST_SECONDS' worth at once
(a reader opening a few tabs). Beyond it the client gets the 429 page with
Retry-After; staff signed in are never held back.

The allowance is shared by every worker and app server through Redis (one
script: the generic cell rate algorithm, on Redis's clock); without Redis
each process keeps its own. When Redis fails, nobody is refused for it:
the cap rests open with the rest of Redis's uses (redisclient.rest).
"""

import logging
import math
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

import clientip
import redisclient

logger = logging.getLogger(__name__)

# A client may use this many seconds' worth of its allowance at once.
BURST_SECONDS = 5

# A client's key: its theoretical arrival time, in microseconds.
KEY = "wn:rate:{kind}:{client}"

# KEYS: the client's key; ARGV: microseconds between two renders, and the
# allowance's length (BURST_SECONDS). Returns 0 (allowed, counted) or the
# microseconds to wait.
_ALLOW = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or 0), now) + interval
local over = tat - now - burst
if over > 0 then
  return math.ceil(over)
end
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX',
  math.ceil((tat - now) / 1000) + 1000)
return 0
"""


@dataclass(frozen=True)
class Limit:
    """A kind of page and the setting that says how many a second."""

    kind: str
    setting: str

    @property
    def per_second(self) -> int:
        return getattr(settings, self.setting)


PAGES = Limit("pages", "RENDERS_PER_SECOND")
SEARCHES = Limit("search", "SEARCHES_PER_SECOND")


def refused(request, limit: Limit | None) -> HttpResponse | None:
    """The 429 page if the client has used its allowance, else None (and
    this render counted)."""
    if limit is None or limit.per_second <= 0:
        return None
    if _may_be_staff(request) and request.user.is_staff:
        return None
    client = clientip.client(request) or "unknown"
    wait = _wait(f"{limit.kind}:{client}", limit.per_second)
    if not wait:
        return None
    logger.info("Too many %s from %s", limit.kind, client)
    return too_many_response(wait)


def _may_be_staff(request) -> bool:
    """Whether the request may be staff's: only one with a session cookie
    is worth asking, since asking loads the session, and a page that did
    varies on the cookie (Vary: Cookie), which neither the page cache nor
    nginx keeps for everyone."""
    return (
        getattr(request, "user", None) is not None
        and settings.SESSION_COOKIE_NAME in request.COOKIES
    )


def too_many_response(wait: float) -> HttpResponse:
    """The 429 page, rendered without the request (no menu, no database)."""
    response = HttpResponse(loader.get_template("429.html").render(), status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    add_never_cache_headers(response)
    return response


def _wait(client: str, per_second: int) -> float:
    """Seconds the client must wait (0: allowed, and counted)."""
    interval = 1_000_000 // per_second
    burst = 1_000_000 * BURST_SECONDS
    if not redisclient.enabled():
        return _local.wait(client, interval, burst)
    if redisclient.resting():
        return 0
    kind, _, who = client.partition(":")
    try:
        over = redisclient.script(_ALLOW)(
            keys=[KEY.format(kind=kind, client=who)], args=[interval, burst]
        )
    except redis.RedisError as error:
        redisclient.rest(error)
        return 0
    return int(over) / 1_000_000


class _Allowances:
    """The same algorithm in this process's memory, without Redis."""

    MAX_CLIENTS = 10_000

    def __init__(self):
        self._due: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, client: str, interval: int, burst: int) -> float:
        now = time.monotonic() * 1_000_000
        with self._lock:
            due = max(self._due.get(client, 0), now) + interval
            over = due - now - burst
            if over > 0:
                return over / 1_000_000
            if len(self._due) >= self.MAX_CLIENTS:
                self._forget(now)
            self._due[client] = due
            return 0

    def _forget(self, now):
        """Drop the clients whose allowance is whole again."""
        self._due = {c: due for c, due in self._due.items() if due > now}

    def clear(self):
        with self._lock:
            self._due.clear()


_local = _Allowances()


def clear_local():
    """Forget this process's allowances (tests)."""
    _local.clear()
