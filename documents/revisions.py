"""What a document's revisions record ("Lịch sử" in the admin): its content,
never its publishing state, counters or search words, so that restoring a
revision neither publishes nor withdraws the document, nor resets its counts.

django-reversion restores a revision by saving the stored copy raw (with
model signals muted while staff only look at it), the fields it left out at
their defaults: a draft, no views. ``keeping_current_state()`` writes the
document's own values of those fields back right after.
"""

from contextlib import contextmanager

import reversion

from .models import Document

KEPT_APART = [
    "status",
    "published_at",
    "view_count",
    "download_count",
    "search_folded",
    "number_key",
]

reversion.register(Document, exclude=KEPT_APART)


@contextmanager
def keeping_current_state(version):
    """Within: restoring ``version``'s revision keeps the document's
    current publishing state, counters and search words."""
    revision = version.revision
    revert = revision.revert

    def revert_keeping(delete=False):
        documents = Document.objects.filter(pk=version.object_id)
        current = documents.values(*KEPT_APART).first()
        revert(delete=delete)
        if current is not None:
            documents.update(**current)

    revision.revert = revert_keeping
    try:
        yield
    finally:
        del revision.revert
