"""What a document's revisions record ("Lịch sử" in the admin): its content,
never its publishing state, counters or search words, so that restoring a
revision neither publishes nor withdraws the document, nor resets its counts.

django-reversion restores a revision by saving the stored copy raw, with the
fields it left out at their defaults (a draft, 0 views). While a restore
runs (``keeping_current_state()``), those fields are read back from the
document's row first.
"""

import threading
from contextlib import contextmanager

import reversion
from django.db.models.signals import pre_save

from .models import Document

PUBLISHING = ["status", "published_at"]
KEPT_APART = [
    *PUBLISHING,
    "view_count",
    "download_count",
    "search_folded",
    "number_key",
    "created_at",
    "author",
]

reversion.register(Document, exclude=KEPT_APART)

_restoring = threading.local()


@contextmanager
def keeping_current_state():
    """Within: a document restored from a revision keeps its current
    publishing state, counters and search words."""
    _restoring.active = True
    try:
        yield
    finally:
        _restoring.active = False


def _keep_current_state(sender, instance, raw=False, **kwargs):
    if not (raw and getattr(_restoring, "active", False)) or instance.pk is None:
        return
    attnames = [Document._meta.get_field(name).attname for name in KEPT_APART]
    current = Document.objects.filter(pk=instance.pk).values(*attnames).first()
    if current is not None:
        for name, value in current.items():
            setattr(instance, name, value)


pre_save.connect(_keep_current_state, sender=Document, dispatch_uid="document-keep")
