"""Views added up in Redis and folded into the database in batches.

When news breaks, thousands of residents open one article within minutes.
Writing each view to its database row would queue every request behind that
row's lock; instead each view is one HINCRBY on the day's hash in Redis
(atomic, shared by every worker and app server), and ``manage.py flush_views``
folds the hashes into ``Article.view_count`` and ``DailyViews`` every few
seconds.

Nothing counted is lost:

- a worker keeps nothing of its own: a restart loses no view;
- a flush first renames the day's hash to a batch of its own (RENAME is
  atomic: views arriving meanwhile start a new hash), then stores the batch
  and records its name in ``FoldedViews`` in one transaction, then deletes it.
  A flush that fails before the commit leaves the batch in Redis for the next
  one; one that fails after it leaves a batch whose name the database already
  holds, which the next flush deletes without storing it twice;
- when Redis cannot be reached, the view goes straight to the database.

Without REDIS_URL (a developer's machine, a small ward on one process) there
is no buffer: every view is written at once (models.store_views).
"""

import functools
import logging
import uuid
from datetime import date, timedelta

import redis
from django.db import IntegrityError, transaction
from django.utils import timezone

import redisclient

from .models import FoldedViews, store_views

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
    """Today's views of the article not yet folded into the database."""
    return int(redisclient.client().hget(pending_key(), article_pk) or 0)


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
    run's and any an earlier run left. Returns (views, batches) stored;
    (0, 0) without a buffer, where views are stored as they come."""
    if not redisclient.enabled():
        return 0, 0
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
    counts = {int(pk): int(n) for pk, n in r.hgetall(key).items() if int(n) > 0}
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
