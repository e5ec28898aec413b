"""/healthz: whether this server process can serve pages, for a load
balancer, systemd or a monitor. Plain text, never cached, no cookie.

200 "ok" when the database answers a query, and every shared cache (one
outside this process, such as Redis or Memcached) takes and gives back a
value; else 503 with a line per check that failed, naming it and the kind
of error (never the message, which can hold host or user names: the
address is public).

After "ok", a line per warning: what does not stop this process serving,
but an operator should know. One so far: the shared Redis keeps nothing on
disk (neither appendonly nor a save policy), so the views waiting in it
for `flush_views` are lost if it stops; `manage.py check --deploy` says it
too (wardnews.W001), and that it could not be checked when Redis refuses
CONFIG (W002).
"""

import uuid
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

import redisclient

# These live inside the process: they cannot be down while it answers.
_IN_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check(alias: str) -> Callable[[], None]:
    def check() -> None:
        cache = caches[alias]
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=10)
        if cache.get(key) != "1":
            raise LookupError("the value put in did not come back")
        cache.delete(key)

    return check


def checks() -> dict[str, Callable[[], None]]:
    """What a healthy process needs, by the name a failure is reported as."""
    found = {"database": check_database}
    for alias, config in settings.CACHES.items():
        if config["BACKEND"] not in _IN_PROCESS_CACHES:
            found[f"cache {alias}"] = cache_check(alias)
    return found


def redis_unkept() -> str | None:
    """Why the views waiting in the shared Redis may not outlive it, or
    None: kept on disk, or no Redis."""
    if not redisclient.enabled():
        return None
    try:
        kept = redisclient.persistence()
    except redis.RedisError as error:
        return f"persistence not checked ({type(error).__name__})"
    if kept is None:
        return "persistence not checked (ResponseError)"
    if not kept:
        return (
            "neither appendonly nor a save policy: "
            "the views waiting in it are lost if it stops"
        )
    return None


def warnings() -> list[str]:
    """What does not stop this process serving, but an operator should know."""
    unkept = redis_unkept()
    return [f"redis: {unkept}"] if unkept else []


def redis_persistence_check(app_configs=None, **kwargs) -> list[CheckMessage]:
    """`check --deploy`: the shared Redis keeps what it holds on disk."""
    unkept = redis_unkept()
    if unkept is None:
        return []
    if unkept.startswith("persistence not checked"):
        return [
            CheckWarning(
                "Could not check whether Redis (REDIS_URL) keeps its data on "
                f"disk: {unkept}.",
                hint="Ask the Redis provider whether appendonly or snapshots "
                "are on (deploy/README.md).",
                id="wardnews.W002",
            )
        ]
    return [
        CheckWarning(
            f"Redis (REDIS_URL) has {unkept}.",
            hint="Set appendonly yes in its configuration (deploy/README.md).",
            id="wardnews.W001",
        )
    ]


@never_cache
@require_safe
def healthz(request):
    failed = []
    for name, check in checks().items():
        try:
            check()
        except Exception as error:  # A health check reports; it never raises.
            failed.append(f"{name}: {type(error).__name__}")
    if failed:
        body, status = "\n".join(failed) + "\n", 503
    else:
        body, status = "".join(f"{line}\n" for line in ["ok", *warnings()]), 200
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
