"""Readers' page renders read from a PostgreSQL read replica, when there is
one (DJANGO_DATABASE_REPLICA_URL: the "replica" database, installed with
ReplicaRouter and ReaderReadsMiddleware by wardnews/settings.py).

Only the reads of a readers' page render go there: a GET or HEAD from
someone not signed in, outside any transaction. Everything else reads and
writes the primary: staff (so that what they saved is what they read next,
the replica trailing by up to seconds), the admin, every POST (a resident's
question, a login), the counter's flush and every management command (no
request at all), the session and host look-ups made before the request is
known to be a reader's, and anything inside `transaction.atomic()`.

One window stays: a page rendered from the replica just after a save, before
the replica has it, would be kept by the page cache under the new generation
as if new. So for REPLICA_LAG_SECONDS after anything of a ward changes
(pages/generations.py, in whichever process saved it), that ward's pages
render from the primary: the time of the change is kept in the shared cache.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from pages import generations

REPLICA = "replica"
CHANGED = "replica:changed:{}"

_reader = ContextVar("replica_reader", default=False)


class ReplicaRouter:
    """Reads of a reader's request to the replica, all else to the primary."""

    def db_for_read(self, model, **hints):
        if _reader.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # The same rows on both.

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # The replica follows the primary.


class ReaderReadsMiddleware:
    """Marks a reader's request (below the session and the user) so that
    ReplicaRouter sends its reads to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _reads_from_replica(request):
            return self.get_response(request)
        token = _reader.set(True)
        try:
            return self.get_response(request)
        finally:
            _reader.reset(token)


def _reads_from_replica(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    ward = getattr(request, "ward", None)
    return not recently_changed(ward.pk if ward is not None else None)


def recently_changed(ward_id) -> bool:
    """Whether the ward (or every ward) changed within REPLICA_LAG_SECONDS."""
    try:
        found = cache.get_many([CHANGED.format(ward_id), CHANGED.format(None)])
    except Exception:  # The cache is down: the primary is never wrong.
        return True
    return bool(found)


def _note_change(ward_id) -> None:
    """Called in the saving process at the change and after its commit."""
    if REPLICA not in settings.DATABASES:
        return
    try:
        cache.set(CHANGED.format(ward_id), time.time(), settings.REPLICA_LAG_SECONDS)
    except Exception:  # The pages' own staleness still holds.
        pass


generations.when_changed(_note_change)
