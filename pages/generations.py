"""Page generations: how every process learns that a ward's kept pages are
stale.

Every ward has a generation, and the site one more; a kept page remembers
the generations it was rendered under, and is stale once either has moved.
Saving or deleting anything readers see calls ``changed()``, which adds one
to its ward's generation, now and after the commit.

Where they live is where every process serving the site sees them:

- **With Redis** (REDIS_URL), in the shared cache. Every change is also
  published, and a thread of each process listens, so that a page needing
  no counting is checked without a round trip.
- **Without Redis**, in the database (pages.models.Generation: a row per
  ward and one for the site), read in one query per request: gunicorn's
  workers, db_worker and manage.py commands are separate processes, and in
  any one's memory a generation would move in the process that saved and
  nowhere else; the others would serve the old page until it expired (up
  to a minute). So pages stay kept, and a saved change reaches every worker
  at once, for the price of one small query (a hundred wards are a hundred
  rows; the host map's site generation and the page's ward generation both
  come from it). Each row also says when it last moved (``changed_at()``),
  so that the read replica router keeps a ward that just changed off the
  replica in every process, from that same query. PAGE_GENERATIONS_IN_DATABASE
  = False keeps them in the process's memory instead (the tests: one
  process, no query).
"""

import functools
import logging
import os
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import F
from django.utils import timezone

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
            retry()
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
                retry()
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


def in_database() -> bool:
    """Whether the generations live in the database (no Redis)."""
    return settings.PAGE_GENERATIONS_IN_DATABASE and not redisclient.enabled()


# Generations (their keys) whose move Redis did not take (down, or a stall
# past the socket timeout), with how many failed: moved again until it does.
_unsent: dict[str, int] = {}
_unsent_lock = threading.Lock()


def _bump(ward_id):
    key = SITE if ward_id is None else WARD.format(ward_id)
    try:
        _move(key)
    except Exception as error:
        logger.warning("Pages of ward %s not marked stale: %s", ward_id, error)
        if not in_database():
            with _unsent_lock:
                _unsent[key] = _unsent.get(key, 0) + 1
    for forget in _forgetters:
        forget(ward_id)


def _move(key):
    if in_database():
        _bump_stored(key)
        return
    try:
        generation = cache.incr(key)
    except ValueError:  # No generation yet: any new one will do.
        generation = time.time_ns()
        cache.set(key, generation, None)
    if not redisclient.enabled():
        # In this process's memory (PAGE_GENERATIONS_IN_DATABASE = False, one
        # process): there is no one else to tell.
        return
    _listener.heard(key, generation)
    redisclient.client().publish(_listener.channel(), f"{key} {generation}")


def retry() -> None:
    """Move again the generations Redis did not take (``_bump`` failed).

    A change saved while Redis stalls (a busy or failing-over Redis, past the
    socket timeout) is in the database, but the ward's generation did not
    move: once Redis answers, every copy kept before the change (in Redis,
    in every worker) would be current again, a withdrawn article back for
    the rest of their minute. So the move is kept in this process and sent
    again, by its listener thread (every RESYNC_SECONDS / 2 while it
    listens, every RESYNC_SECONDS while it cannot) and by the next request
    that looks at a kept page; until then this process serves none of the
    ward's kept pages (``unsent``). Other processes learn only through
    Redis: the window for them is Redis's stall plus RESYNC_SECONDS (2 s) at
    most, in a process whose listener runs (a web worker that has served a
    page). A process that leaves (or is killed) before Redis answers, or one
    with no listener and no request to come (a command), loses the move:
    those copies then go stale only as they expire (a minute for a list
    page)."""
    if not _unsent:
        return
    for key, failures in list(_unsent.items()):
        try:
            _move(key)
        except Exception as error:
            logger.info("Generation %s still not moved: %s", key, error)
            return
        with _unsent_lock:
            if _unsent.get(key) == failures:
                del _unsent[key]
        logger.info("Generation %s moved after Redis failed to take it.", key)


def unsent(ward_id) -> bool:
    """Whether a move of the ward's (or the site's) generation is still
    waiting for Redis: its kept pages may show what the change removed."""
    return bool(_unsent) and (SITE in _unsent or WARD.format(ward_id) in _unsent)


def _bump_stored(key):
    """Move a generation kept in the database. In a savepoint: a database
    that cannot (the table not made yet, mid-migration) leaves the caller's
    transaction usable."""
    from .models import Generation

    _request.stored = None
    now = timezone.now()
    with transaction.atomic():
        moved = Generation.objects.filter(key=key).update(
            value=F("value") + 1, changed_at=now
        )
        if not moved:
            Generation.objects.bulk_create(
                [Generation(key=key, value=time.time_ns(), changed_at=now)],
                ignore_conflicts=True,
            )


def _read(names) -> dict:
    """The generations of these keys that exist (missing ones left out)."""
    if not in_database():
        return cache.get_many(names)
    stored = _stored()
    return {name: stored[name][0] for name in names if name in stored}


def _stored() -> dict:
    """Every generation in the database, as (value, changed_at) by key."""
    stored = _request.stored
    if stored is None:
        from .models import Generation

        rows = Generation.objects.values_list("key", "value", "changed_at")
        stored = {key: (value, changed) for key, value, changed in rows}
        if _request.active:
            _request.stored = stored
    return stored


def changed_at(ward_id):
    """When the ward's or the site's generation last moved, whichever is
    later (None: not since they were made), as every process sees it: from
    the same read as the generations. Only where they live in the database
    (``in_database()``)."""
    stored = _stored()
    times = [stored[key][1] for key in keys(ward_id) if key in stored]
    return max((t for t in times if t is not None), default=None)


class _Request(threading.local):
    """Without Redis, the whole table is read once per request (a row per
    ward: a hundred rows are one small read): the host map's site generation
    and the page's ward generation come from the same query. Outside a
    request (commands, tasks) every read asks the database."""

    active = False
    stored = None


_request = _Request()


def _request_started(**kwargs):
    _request.active = True
    _request.stored = None


def _request_finished(**kwargs):
    _request.active = False
    _request.stored = None


def read_again() -> None:
    """The next read asks the database again (a request that waited for
    another's render: the generations may have moved meanwhile)."""
    _request.stored = None


request_started.connect(_request_started, dispatch_uid="page-generations-start")
request_finished.connect(_request_finished, dispatch_uid="page-generations-end")


def ensure(ward_id) -> tuple:
    """The ward's generations, made where missing (a new cache or database,
    or evicted), so that a page rendered now can be checked later."""
    found = _read(keys(ward_id))
    missing = [key for key in keys(ward_id) if key not in found]
    if not missing:
        return tuple(found[key] for key in keys(ward_id))
    _make(missing)
    return current(ward_id)


def _make(missing) -> None:
    """New generations for these keys, unless another process made them."""
    if not in_database():
        for key in missing:
            cache.add(key, time.time_ns(), None)
        return
    from .models import Generation

    _request.stored = None
    with transaction.atomic():
        Generation.objects.bulk_create(
            [Generation(key=key, value=time.time_ns()) for key in missing],
            ignore_conflicts=True,
        )


def site_generation():
    """The site's page generation, which any ward's change moves
    (wards/hosts.py reloads its map when it does); made if there is none."""
    if redisclient.resting():
        raise redis.ConnectionError("Redis is resting after a failure.")
    generation = _read([SITE]).get(SITE)
    if generation is None:
        _make([SITE])
        generation = _read([SITE]).get(SITE)
    return generation


def keys(ward_id):
    return (SITE, WARD.format(ward_id))


@functools.lru_cache(maxsize=1024)
def redis_keys(ward_id, key_prefix, version):
    """The generations' keys as Django's cache names them in Redis."""
    return tuple(cache.make_and_validate_key(k) for k in keys(ward_id))


def current(ward_id: int) -> tuple:
    """The site's and the ward's current generations: one round trip."""
    found = _read(keys(ward_id))
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
    """Forget the generations this process has heard, and any move waiting
    for Redis (tests)."""
    _listener.known.clear()
    with _unsent_lock:
        _unsent.clear()
