from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Văn bản"

    def ready(self):
        # Revisions are kept in every process, not only where the admin was
        # imported.
        from . import models, revisions  # noqa: F401

        post_delete.connect(
            remove_file, sender="documents.DocumentFile", dispatch_uid="document-file"
        )
        # What readers see changed: the ward's kept pages go stale.
        for model in ("Document", "DocumentFile"):
            for signal in (post_save, post_delete):
                signal.connect(
                    pages_changed,
                    sender=f"documents.{model}",
                    dispatch_uid=f"documents-pages-{model}-{signal is post_save}",
                )
        for through in (
            models.Document.related_documents.through,
            models.Document.related_articles.through,
        ):
            m2m_changed.connect(
                pages_changed,
                sender=through,
                dispatch_uid=f"documents-pages-{through.__name__}",
            )


def pages_changed(sender, instance, raw=False, signal=None, **kwargs):
    """A document or one of its files was saved or deleted, or its related
    documents and articles changed: its ward's pages are stale, and so are
    those of the ward a document's save moved it out of. A fixture load
    (raw) leaves the cache alone."""
    if raw:
        return
    from numbering.rows import moved_from
    from pages.generations import changed

    ward_id = getattr(instance, "ward_id", None)
    if ward_id is None:
        ward_id = instance.ward.pk  # A file: its document's ward.
    changed(ward_id)
    if signal is post_save and (old_ward := moved_from(instance)) is not None:
        changed(old_ward)


def remove_file(sender, instance, **kwargs):
    """A removed file's stored file goes too, once the removal is committed."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
