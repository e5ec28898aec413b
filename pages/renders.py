"""One render at a time per kept page: the render lock of the page cache.

When a kept page expires, or its ward changed, under load, every request
that finds it stale would render it at once (a stampede: N renders of the
same page, each with its queries). Instead one request takes the page's
render lock and renders; the others serve the previous copy meanwhile or,
having none they may serve, wait for the render (wardnews/pagecache.py).

- **With Redis** the lock is the installation's: ``SET key token NX PX``,
  so one render happens per page across every process and app server, and
  a renderer that dies (a killed worker) leaves a lock that expires by
  itself after LOCK_SECONDS. Only the holder's token releases it.
- **Without Redis** it is the process's: a lock per page key in memory,
  with the same expiry, for a thread that hangs.

A lock's age is known (how long its render has run): a page whose ward
changed is served stale only while the render is young.
"""

import functools
import itertools
import os
import secrets
import threading
import time

from django.core.cache import cache

import redisclient

# How long a render may hold its page's lock; one that takes longer (or
# whose worker died) lets another request render. Well under gunicorn's
# 30-second timeout, well over any render measured (tens of milliseconds).
LOCK_SECONDS = 10
# How often a request waiting for another's render looks whether it is done.
POLL_SECONDS = 0.01

RENDER = "pages:render:{}"

# Delete the lock only if it is still ours (it may have expired and been
# taken by another render since).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# This process's locks, when there is no Redis: page → (token, taken at).
_held: dict[str, tuple[str, float]] = {}
_changed = threading.Condition()


@functools.lru_cache(maxsize=4096)
def lock_key(page_key: str) -> str:
    """The lock's key in Redis, as Django's cache would name it (asked for
    every kept article page's view: made once per page)."""
    return cache.make_key(RENDER.format(page_key))


# A token no other render holds: a random prefix, the process (workers
# forked from one parent share the prefix) and a count.
_tokens = itertools.count()
_prefix = secrets.token_hex(6)


def new_token() -> str:
    return f"{_prefix}.{os.getpid()}.{next(_tokens)}"


def acquire(page_key: str) -> str | None:
    """Take the page's render lock: its token, or None if another holds it."""
    token = new_token()
    if redisclient.enabled():
        taken = redisclient.client().set(
            lock_key(page_key), token, nx=True, px=int(LOCK_SECONDS * 1000)
        )
        return token if taken else None
    now = time.monotonic()
    with _changed:
        held = _held.get(page_key)
        if held is not None and now - held[1] < LOCK_SECONDS:
            return None
        _held[page_key] = (token, now)
    return token


def age(page_key: str) -> float | None:
    """How long the render holding this process's lock has run (no Redis),
    or None when none holds it."""
    held = _held.get(page_key)
    if held is None:
        return None
    elapsed = time.monotonic() - held[1]
    return elapsed if elapsed < LOCK_SECONDS else None


def release(page_key: str, token: str) -> None:
    """Give the lock back, if it is still ours; waiting requests go on."""
    if redisclient.enabled():
        redisclient.script(_RELEASE)(keys=[lock_key(page_key)], args=[token])
        return
    with _changed:
        if _held.get(page_key, (None,))[0] == token:
            del _held[page_key]
        _changed.notify_all()


def wait(page_key: str, seconds: float) -> None:
    """Wait until no render holds the page's lock, ``seconds`` at most."""
    deadline = time.monotonic() + seconds
    if redisclient.enabled():
        key = lock_key(page_key)
        connection = redisclient.client()
        while connection.exists(key) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        return
    with _changed:
        while age(page_key) is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            _changed.wait(left)


def clear_local() -> None:
    """Forget this process's locks (tests)."""
    with _changed:
        _held.clear()
        _changed.notify_all()
