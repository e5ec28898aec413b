"""Views added up in Redis and folded into the database in batches.

When news breaks, thousands of residents open one article within minutes.
Writing each view to its database row would queue every request behind that
row's lock; instead views are added to the day's hash in Redis (HINCRBY:
atomic, shared by every worker and app server), and ``manage.py flush_views``
folds the hashes into ``Article.view_count`` and ``DailyViews`` every few
seconds.

A kept article page (wardnews/pagecache.py) does not even wait for Redis:
its view goes to this process's own buffer (``add``), a dict of (day, article)
→ views, and a thread hands the buffer to Redis every HAND_SECONDS in one
round trip (``hand_over``). A view belongs to the ward's day when it was
read: the buffer is keyed by the day's hash, so one that crosses midnight
hands each view to its own day.

Nothing counted is lost, nor counted twice:

- a worker that leaves gracefully (gunicorn's restart by memory or age, a
  HUP reload, a TERM shutdown) hands its buffer over on its way out
  (gunicorn.conf.py's worker_exit, and atexit for any other process). A
  worker killed hard (SIGKILL, the OOM killer, the SIGABRT gunicorn sends a
  worker past its timeout) loses what it had not handed over yet: at most
  the last HAND_SECONDS (about 100 ms) of that worker's kept-page views;
- every hand-over of a day's views carries a token, and Redis adds them only
  if it has not seen the token (one script: SET NX, then the HINCRBYs). A
  hand-over Redis may have run without answering (a stall,
  redisclient.may_have_run) is sent again with the same token, to Redis only,
  until it answers: added once. One that never reached Redis (the
  connection refused, Redis resting) goes to the database, as a view does
  when Redis is away; if the database fails too, the views go back in the
  buffer, which holds one count per article and day however long it waits;
- a flush first renames the day's hash to a batch of its own (RENAME is
  atomic: views arriving meanwhile start a new hash), then stores the batch
  and records its name in ``FoldedViews`` in one transaction, then deletes it.
  A flush that fails before the commit leaves the batch in Redis for the next
  one; one that fails after it leaves a batch whose name the database already
  holds, which the next flush deletes without storing it twice;
- when Redis cannot be reached, the view goes straight to the database;
- a field of a batch that is no article id, or a count that is no number
  (another tool's HINCRBY, a corrupted restore), is logged and skipped, and
  a count past MAX_VIEW_COUNT capped: one bad entry never stops the flushes.

Without REDIS_URL (a developer's machine, a small ward on one process) there
is no buffer: every view is written at once (models.store_views).
"""

import atexit
import functools
import logging
import os
import threading
import time
import uuid
from datetime import date, timedelta

import redis
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

import redisclient

from .models import MAX_VIEW_COUNT, FoldedViews, store_views

logger = logging.getLogger(__name__)

PENDING = "wn:views:pending:{day}"
# The highest count an article's page has shown lately (see at_least).
SHOWN = "wn:shown:{pk}"
SHOWN_SECONDS = 600
CLAIMED = "wn:views:claimed:{day}:{token}"
# Batch names are kept this long: far longer than a flush that failed after
# its commit takes to be retried.
KEEP_FOLDED = timedelta(days=7)


def pending_key(day: date | None = None) -> str:
    """The hash of a day's pending views (today's, the ward's day)."""
    if day is not None:
        return PENDING.format(day=day.isoformat())
    return _today_key(int(timezone.now().timestamp() // 60))


@functools.lru_cache(maxsize=4)
def _today_key(minute: int) -> str:
    """Today's key, worked out once a minute rather than once a view."""
    return PENDING.format(day=timezone.localdate().isoformat())


def pending(article_pk: int) -> int:
    """Today's views of the article not yet folded into the database: in
    Redis, then in this process's buffer (in that order: views handed over
    in between are missed, never added twice; other workers' buffers are
    missed too, for a tenth of a second at most)."""
    in_redis = int(redisclient.client().hget(pending_key(), article_pk) or 0)
    return in_redis + held(article_pk)


# Atomically: the larger of the stored floor and ARGV[1], kept as the floor.
_AT_LEAST = """
local floor = tonumber(redis.call('GET', KEYS[1]) or '0')
local count = tonumber(ARGV[1])
if count > floor then floor = count end
redis.call('SET', KEYS[1], floor, 'EX', ARGV[2])
return floor
"""


def at_least(article_pk: int, count: int) -> int:
    """The count a page may show: never less than one shown before.

    A page adds the buffered views to the stored total, read a moment apart:
    a flush storing a batch in between leaves it out of both, and the count
    would dip below what readers saw a second ago. Every such sum is at most
    the true count, so the highest one seen is too.
    """
    try:
        return int(
            redisclient.script(_AT_LEAST)(
                keys=[SHOWN.format(pk=article_pk)], args=[count, SHOWN_SECONDS]
            )
        )
    except redis.RedisError as error:
        redisclient.rest(error)
        return count


def fold_all() -> tuple[int, int]:
    """Claim every day's pending views and store every claimed batch, this
    run's and any an earlier run left (this process's own buffer handed over
    first). Returns (views, batches) stored; (0, 0) without a buffer, where
    views are stored as they come."""
    if not redisclient.enabled():
        return 0, 0
    hand_over()
    r = redisclient.client()
    for key in r.scan_iter(match=PENDING.format(day="*")):
        day = key.decode().rsplit(":", 1)[1]
        try:
            r.rename(key, CLAIMED.format(day=day, token=uuid.uuid4().hex))
        except redis.ResponseError:
            pass  # Another flusher claimed it first.
    views = batches = 0
    for key in r.scan_iter(match=CLAIMED.format(day="*", token="*")):
        views += _fold(r, key.decode())
        batches += 1
    FoldedViews.objects.filter(folded_at__lt=timezone.now() - KEEP_FOLDED).delete()
    return views, batches


def _fold(r: redis.Redis, key: str) -> int:
    day = date.fromisoformat(key.split(":")[3])
    counts = _counts(key, r.hgetall(key))
    stored = 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                FoldedViews.objects.create(batch=key)
        except IntegrityError:
            logger.info("View batch %s was stored before; deleting it.", key)
        else:
            store_views(counts, day)
            stored = sum(counts.values())
    r.delete(key)
    return stored


# The largest article id a database column holds (a bigint's).
_MAX_ID = 2**63 - 1


def _counts(key: str, fields: dict) -> dict[int, int]:
    """A batch's views by article, as store_views takes them. A field that
    cannot be an article id, or a count that is not a number (a stray
    HINCRBY from another tool, a corrupted restore), is logged and skipped:
    one bad entry must not fail the batch, and every flush after it, with
    the good ones. A count past MAX_VIEW_COUNT (HINCRBY keeps 64 bits, the
    columns 32) is capped, as store_views caps the totals."""
    counts = {}
    for field, value in fields.items():
        try:
            pk, views = int(field.decode()), int(value.decode())
        except (UnicodeDecodeError, ValueError):
            pk = views = None
        if pk is None or not 0 < pk <= _MAX_ID:
            logger.warning(
                "View batch %s: skipped %r = %r, not an article's views.",
                key,
                field,
                value,
            )
            continue
        if views > 0:
            counts[pk] = min(views, MAX_VIEW_COUNT)
    return counts


# This process's views are handed to Redis this often.
HAND_SECONDS = 0.1
# A hand-over's token, kept this long: far longer than Redis may stall.
HANDED = "wn:handed:{token}"
HANDED_SECONDS = 24 * 3600

# KEYS: the hand-over's token, the day's pending views; ARGV: the token's
# life, then article, views, article, views… Added once per token.
_HAND = """
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then
  for i = 2, #ARGV, 2 do
    redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
  end
  return 1
end
return 0
"""


class _ProcessViews:
    """This process's views not handed to Redis yet (see the module's
    docstring): (the day's pending key, article) → views, and the hand-overs
    Redis may have run without answering, to send again."""

    def __init__(self):
        self._counts: dict[tuple[str, int], int] = {}
        # (token, the day's pending key, {article: views}, first sent at).
        self._in_doubt: list[tuple[str, str, dict, float]] = []
        self._lock = threading.Lock()
        self._handing = threading.Lock()
        self._pid = None
        self._thread = None

    def add(self, article_pk: int) -> None:
        if self._pid != os.getpid():
            self._start()
        key = (pending_key(), article_pk)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def held(self, key: str, article_pk: int) -> int:
        """The article's views of this day held here, not sent yet."""
        with self._lock:
            return self._counts.get((key, article_pk), 0)

    def _start(self) -> None:
        with self._handing:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name="view-hand-over", daemon=True
            )
            self._thread.start()

    def clear(self) -> None:
        """Forget every view held (tests), once any hand-over under way ends."""
        with self._handing, self._lock:
            self._counts.clear()
            self._in_doubt.clear()

    def after_fork(self) -> None:
        """A forked child starts empty: its parent hands over its own."""
        self.__init__()

    def _run(self) -> None:
        while True:
            time.sleep(HAND_SECONDS)
            try:
                self.hand_over()
            except Exception:
                logger.exception("Views not handed over; kept for the next try.")

    def hand_over(self) -> None:
        """Hand every view held to Redis (or, when it cannot be reached, to
        the database), one hand-over at a time."""
        with self._handing:
            with self._lock:
                counts, self._counts = self._counts, {}
            fresh = _by_day(counts)
            doubtful, self._in_doubt = self._in_doubt, []
            if not fresh and not doubtful:
                return
            if not redisclient.resting():
                try:
                    self._send(doubtful + fresh)
                    return
                except redis.RedisError as error:
                    redisclient.rest(error)
                    # A Redis that answered with an error ran the rest of
                    # the pipeline; one that stalled may run all of it.
                    if redisclient.may_have_run(error) or isinstance(
                        error, redis.ResponseError
                    ):
                        self._keep_in_doubt(doubtful + fresh)
                        return
            self._keep_in_doubt(doubtful)
            self._store(fresh)

    @staticmethod
    def _send(batches) -> None:
        hand = redisclient.script(_HAND)
        pipe = redisclient.client().pipeline(transaction=False)
        for token, key, views, _ in batches:
            args = [HANDED_SECONDS]
            for pk, n in views.items():
                args += [pk, n]
            hand(keys=[HANDED.format(token=token), key], args=args, client=pipe)
        pipe.execute()

    def _keep_in_doubt(self, batches) -> None:
        """Keep hand-overs Redis may have run, to send again with their
        tokens; one older than its token's life can no longer be told apart
        from a new one, and is given up (said, never added twice)."""
        now = time.monotonic()
        for batch in batches:
            if now - batch[3] < HANDED_SECONDS:
                self._in_doubt.append(batch)
            else:
                logger.error(
                    "Views %s of %s given up: Redis never answered.",
                    batch[2],
                    batch[1],
                )

    def _store(self, batches) -> None:
        """Views that never reached Redis, into the database in one
        transaction; back in the buffer if it fails too."""
        if not batches:
            return
        try:
            with transaction.atomic():
                for _, key, views, _ in batches:
                    store_views(views, date.fromisoformat(key.rsplit(":", 1)[1]))
        except DatabaseError as error:
            logger.warning("Views kept in the buffer: the database failed (%s).", error)
            with self._lock:
                for _, key, views, _ in batches:
                    for pk, n in views.items():
                        self._counts[(key, pk)] = self._counts.get((key, pk), 0) + n
        finally:
            if threading.current_thread() is self._thread:
                connection.close()


def _by_day(counts) -> list[tuple[str, str, dict, float]]:
    """The buffer's counts as one hand-over per day, each with its token."""
    days: dict[str, dict[int, int]] = {}
    for (key, pk), n in counts.items():
        days.setdefault(key, {})[pk] = n
    now = time.monotonic()
    return [(uuid.uuid4().hex, key, views, now) for key, views in days.items()]


_process = _ProcessViews()
os.register_at_fork(after_in_child=_process.after_fork)


def add(article_pk: int) -> None:
    """Count one view of the article in this process's buffer, handed to
    Redis within HAND_SECONDS (with Redis only: the page cache's kept
    article pages)."""
    _process.add(article_pk)


def held(article_pk: int) -> int:
    """Today's views of the article in this process's buffer, not yet handed
    to Redis: read after Redis's count, so none is added twice."""
    return _process.held(pending_key(), article_pk)


def hand_over() -> None:
    """Hand this process's buffered views over now (a worker leaving, a
    flush in this process, tests)."""
    _process.hand_over()


def clear_local() -> None:
    """Forget this process's buffered views (tests: a test's views are never
    handed over into the next one's Redis)."""
    _process.clear()


# Any process's own exit path (gunicorn's workers also hand over in
# worker_exit, before their exit).
atexit.register(hand_over)
