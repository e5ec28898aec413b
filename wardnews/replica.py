"""Readers' page renders read from a PostgreSQL read replica, when there is
one (DJANGO_DATABASE_REPLICA_URL: the "replica" database, installed with
ReplicaRouter and ReaderReadsMiddleware by wardnews/settings.py).

Only the reads of a readers' page render go there: a GET or HEAD of a page
the page cache keeps (for_readers(); search, which it does not mark, reads
the primary), from someone not signed in, outside any transaction.
Everything else reads and writes the primary: staff (so that what they
saved is what they read next, the replica trailing by up to seconds), the
admin, the residents' forms and the pages that follow them (what was just
saved), counted document pages, the counter's flush and every management
command (no request at all), the session and host look-ups made before the
view is known, and anything inside `transaction.atomic()`.

A page rendered from the replica just after a save, before the replica has
it, would be kept by the page cache under the new generation as if new. So
for REPLICA_LAG_SECONDS after anything of a ward changes
(pages/generations.py, in whichever process saved it), that ward's pages
render from the primary, in every process: the time of the change is kept
where the generations are. With Redis, in the shared cache. Without it, the
generations' own rows on the primary (their ``changed_at``, read in the
query the page cache makes for the generations anyway): Django's cache
would then be each process's memory, and the other workers would render
from a replica that has not caught up and keep that page as new.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

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
    """Marks a reader's page render (below the session and the user) so that
    ReplicaRouter sends its reads to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reader.set(False)
        try:
            return self.get_response(request)
        finally:
            _reader.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _reads_from_replica(request, view_func):
            _reader.set(True)


def _reads_from_replica(request, view_func) -> bool:
    """A readers' page (one the page cache keeps: for_readers() in
    pages/decorators.py), asked for by someone not signed in, of a ward that
    has not just changed. Not the residents' forms and what follows them
    (the "sent" page shows what was just saved), nor a counted document page."""
    if (
        request.method not in ("GET", "HEAD")
        or getattr(view_func, "page_params", None) is None
        or request.user.is_authenticated
    ):
        return False
    ward = getattr(request, "ward", None)
    return not recently_changed(ward.pk if ward is not None else None)


def recently_changed(ward_id) -> bool:
    """Whether the ward (or every ward) changed within REPLICA_LAG_SECONDS."""
    if generations.in_database():
        try:
            changed = generations.changed_at(ward_id)
        except DatabaseError:  # The primary is never wrong.
            return True
        return changed is not None and (
            (timezone.now() - changed).total_seconds() < settings.REPLICA_LAG_SECONDS
        )
    try:
        found = cache.get_many([CHANGED.format(ward_id), CHANGED.format(None)])
    except Exception:  # The cache is down: the primary is never wrong.
        return True
    return bool(found)


def _note_change(ward_id) -> None:
    """Called in the saving process at the change and after its commit
    (without Redis, the generation's row notes it: pages/generations.py)."""
    if REPLICA not in settings.DATABASES or generations.in_database():
        return
    try:
        cache.set(CHANGED.format(ward_id), time.time(), settings.REPLICA_LAG_SECONDS)
    except Exception:  # The pages' own staleness still holds.
        pass


generations.when_changed(_note_change)
