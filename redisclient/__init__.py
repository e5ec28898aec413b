"""The shared Redis: one connection pool per process, and a short rest after
a failure.

Redis is optional (REDIS_URL): without it a process keeps what it would share
(views, page generations) to itself or in the database. When it fails, every
caller leaves it alone for REST_SECONDS instead of each request waiting for
the timeout. A building block: it knows nothing of articles or wards.
"""

import logging
import time

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Redis answers in well under a millisecond on the same network; waiting
# longer than this means it is down, and the view goes to the database.
TIMEOUT_SECONDS = 0.5

# After a failed round trip, Redis is left alone this long: pages render and
# views go to the database, without each request waiting for the timeout.
REST_SECONDS = 5

_client = None
_client_url = None
_scripts = {}
_resting_until = 0.0


def enabled() -> bool:
    return bool(settings.REDIS_URL)


def resting_or_disabled() -> bool:
    return not enabled() or resting()


def client() -> redis.Redis:
    """One connection pool per process, made on first use."""
    global _client, _client_url
    url = settings.REDIS_URL
    if _client is None or _client_url != url:
        # The URL is noted only once its client is made: one that cannot be
        # (REDIS_URL unset) must not leave the previous client answering for
        # it.
        _client = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            # Never sent again after a failure: an increment that timed out
            # may have run, and a second one would count the view twice.
            retry=Retry(NoBackoff(), 0),
        )
        _client_url = url
    return _client


def script(source: str):
    """A Lua script, loaded once per process (EVALSHA after the first run)."""
    connection = client()  # First: REDIS_URL may have changed (tests).
    known = _scripts.get((source, _client_url))
    if known is None:
        known = _scripts[(source, _client_url)] = connection.register_script(source)
    return known


def may_have_run(error: Exception) -> bool:
    """Whether a command that failed with this error may have run, or may
    still run: Redis took it and its answer did not come in time (a stall),
    or the connection broke after it was sent. Not when the failure came
    while connecting (refused, unreachable: nothing was sent), nor when Redis
    answered with an error (it ran nothing).

    A caller that would otherwise do the command's work elsewhere (a view
    written to the database) must not when this is true: the work would be
    done twice once Redis goes on.
    """
    if not isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return False
    if isinstance(error, redis.AuthenticationError | redis.BusyLoadingError):
        return False  # Redis answered: it refused the connection or command.
    # redis-py words every failure to connect so ("Error 111 connecting to
    # …", "Timeout connecting to server"); tests/test_counter_redis.py holds
    # it to that.
    return "connecting to" not in str(error)


def persistence() -> bool | None:
    """Whether the shared Redis keeps what it holds on disk, to load again
    when it restarts: an append-only file (appendonly yes) or a save policy
    (snapshots). None when Redis will not say: CONFIG refused, as managed
    Redis services often do. Raises RedisError when it cannot be reached."""
    pipe = client().pipeline(transaction=False)
    pipe.config_get("appendonly")
    pipe.config_get("save")
    try:
        appendonly, save = pipe.execute()
    except redis.ResponseError:
        return None
    return appendonly.get("appendonly") == "yes" or bool(save.get("save", "").strip())


def resting() -> bool:
    """Whether Redis failed a moment ago and is being left alone."""
    return _resting_until > time.monotonic()


def rest(error: Exception) -> None:
    """Leave Redis alone for REST_SECONDS after this failure; said once."""
    global _resting_until
    if not resting():
        logger.warning(
            "Redis failed (%s): left alone for %s seconds; pages render and "
            "views go to the database meanwhile.",
            error,
            REST_SECONDS,
        )
    _resting_until = time.monotonic() + REST_SECONDS


def wake() -> None:
    """Use Redis again at once (tests; a rest ends by itself)."""
    global _resting_until
    _resting_until = 0.0
