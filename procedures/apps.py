from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = "Thủ tục hành chính"

    def ready(self):
        # Revisions are kept in every process, not only where the admin was
        # imported.
        from . import revisions  # noqa: F401

        post_delete.connect(
            remove_form_file,
            sender="procedures.ProcedureForm",
            dispatch_uid="procedure-form-file",
        )
        # What readers see changed: the kept pages of the ward go stale, or
        # of every ward for a shared procedure.
        for model in ("Procedure", "ProcedureForm", "WardProcedureDetails"):
            for signal in (post_save, post_delete):
                signal.connect(
                    pages_changed,
                    sender=f"procedures.{model}",
                    dispatch_uid=f"procedures-changed-{model}-{signal is post_save}",
                )


def pages_changed(sender, instance, raw=False, **kwargs):
    """A procedure, one of its forms or a ward's details of it was saved or
    deleted: the pages that show it are stale (pages/generations.py). A
    fixture load (raw) leaves the cache alone: nothing was served yet."""
    if not raw:
        from pages.generations import changed

        changed(instance.ward_id_shown)


def remove_form_file(sender, instance, **kwargs):
    """A removed form's file goes too, once the removal is committed."""
    from django.db import transaction

    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
