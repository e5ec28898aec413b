"""/healthz: whether this server process can serve pages, for a load
balancer, systemd or a monitor. Plain text, never cached, no cookie.

200 "ok" when the database answers a query, and every shared cache (one
outside this process, such as Redis or Memcached) takes and gives back a
value; else 503 with a line per check that failed, naming it and the kind
of error (never the message, which can hold host or user names: the
address is public).
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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
        body, status = "ok\n", 200
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
