"""Page generations: how every process learns that a ward's kept pages are
stale.

Every ward has a generation in the shared cache (Django's: Redis when
REDIS_URL is set), and the site one more; a kept page remembers the
generations it was rendered under, and is stale once either has moved.
Saving or deleting anything readers see calls ``changed()``, which adds one
to its ward's generation, now and after the commit. With Redis, every change
is also published, and a thread of each process listens, so that a page
needing no counting is checked without a round trip.
"""

import functools
import logging
import os
import threading
import time

import redis
from django.core.cache import cache
from django.db import transaction

import redisclient

logger = logging.getLogger(__name__)

SITE = "pages:site"
WARD = "pages:ward:{}"


class _Listener:
    """This process's copy of the generations, kept current by Redis: every
    change is published (``_bump``) and a thread of each process listens, so
    a page that needs no counting is checked without a round trip.

    Generations only grow (INCR, or a new nanosecond clock reading when one
    was lost), so a value read by a request and one heard from Redis merge by
    taking the larger. Whatever could be missed (a message sent while the
    connection was down) is caught by reading every known generation again
    on reconnecting and every RESYNC_SECONDS; until the thread is listening,
    requests read the generations themselves.
    """

    RESYNC_SECONDS = 2.0

    def __init__(self):
        self.known: dict[str, int] = {}
        self.listening = False
        self._pid = None
        self._start = threading.Lock()

    @staticmethod
    def channel() -> str:
        """One channel per Redis database and key prefix: two installations
        sharing a Redis never hear each other."""
        db = redisclient.client().connection_pool.connection_kwargs.get("db", 0)
        return cache.make_key(f"pages:changed:{db}")

    def generations(self, ward_id) -> tuple | None:
        """The generations as last heard, or None (ask Redis)."""
        if not self.listening:
            self.ensure()
            return None
        known = self.known
        try:
            return (known[SITE], known[WARD.format(ward_id)])
        except KeyError:
            return None

    def heard(self, key, generation) -> None:
        if generation is not None and generation > self.known.get(key, -1):
            self.known[key] = generation

    def ensure(self) -> None:
        """Start this process's thread (once, and again after a fork)."""
        if self._pid == os.getpid():
            return
        with self._start:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self.listening = False
                self.known = {}
                threading.Thread(
                    target=self._run, name="page-generations", daemon=True
                ).start()

    def _run(self):
        while True:
            try:
                self._listen()
            except Exception as error:
                logger.warning(
                    "Page generations unheard (%s): asking each time.", error
                )
            self.listening = False
            time.sleep(self.RESYNC_SECONDS)

    def _listen(self):
        pubsub = redisclient.client().pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel())
            resynced = 0.0
            while True:
                if time.monotonic() - resynced > self.RESYNC_SECONDS:
                    self._resync()
                    resynced = time.monotonic()
                    self.listening = True
                message = pubsub.get_message(timeout=self.RESYNC_SECONDS / 2)
                if message is not None:
                    key, _, generation = message["data"].decode().rpartition(" ")
                    self.heard(key, int(generation))
        finally:
            pubsub.close()

    def _resync(self):
        keys = list(self.known)
        if keys:
            found = cache.get_many(keys)
            for key in keys:
                self.heard(key, found.get(key))


_listener = _Listener()
# What forgets a process's own copies of a ward's pages (None: every ward).
_forgetters = []


def changed(ward_id: int | None) -> None:
    """Something readers of this ward see has changed (None: of every ward).
    Its pages go stale everywhere, now and again once the change is committed:
    a page rendered in between, from the data before the commit, is then
    stale too."""
    _bump(ward_id)
    transaction.on_commit(lambda: _bump(ward_id))


def _bump(ward_id):
    key = SITE if ward_id is None else WARD.format(ward_id)
    try:
        try:
            generation = cache.incr(key)
        except ValueError:  # No generation yet: any new one will do.
            generation = time.time_ns()
            cache.set(key, generation, None)
        if redisclient.enabled():
            redisclient.client().publish(_listener.channel(), f"{key} {generation}")
    except Exception as error:  # The cache is down: pages expire on their own.
        logger.warning("Pages of ward %s not marked stale: %s", ward_id, error)
    for forget in _forgetters:
        forget(ward_id)


def site_generation():
    """The site's page generation, which any ward's change moves
    (wards/hosts.py reloads its map when it does); made if there is none."""
    if redisclient.resting():
        raise redis.ConnectionError("Redis is resting after a failure.")
    generation = cache.get(SITE)
    if generation is None:
        cache.add(SITE, time.time_ns(), None)
        generation = cache.get(SITE)
    return generation


def keys(ward_id):
    return (SITE, WARD.format(ward_id))


@functools.lru_cache(maxsize=1024)
def redis_keys(ward_id, key_prefix, version):
    """The generations' keys as Django's cache names them in Redis."""
    return tuple(cache.make_and_validate_key(k) for k in keys(ward_id))


def current(ward_id: int) -> tuple:
    """The site's and the ward's current generations: one round trip."""
    found = cache.get_many(keys(ward_id))
    generations = tuple(found.get(k) for k in keys(ward_id))
    remember(ward_id, generations)
    return generations


def remember(ward_id, generations):
    if redisclient.enabled():
        for key, generation in zip(keys(ward_id), generations, strict=True):
            _listener.heard(key, generation)


def when_changed(forget) -> None:
    """Call ``forget(ward_id)`` in this process whenever ``changed()`` is
    (ward_id None: every ward), to drop what it keeps of those pages."""
    if forget not in _forgetters:
        _forgetters.append(forget)


def heard(ward_id) -> tuple | None:
    """The (site, ward) generations as this process last heard them from
    Redis, or None: ask (not listening yet, or never heard of the ward)."""
    return _listener.generations(ward_id)


def clear_local() -> None:
    """Forget the generations this process has heard (tests)."""
    _listener.known.clear()
