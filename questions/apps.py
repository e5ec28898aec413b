from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class QuestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "questions"
    verbose_name = "Hỏi đáp, phản ánh, góp ý"

    def ready(self):
        # What readers see changed (a published answer, a comment count, a
        # comment report): the ward's kept pages go stale.
        for model in ("Submission", "CommentReport"):
            for signal in (post_save, post_delete):
                signal.connect(
                    pages_changed,
                    sender=f"questions.{model}",
                    dispatch_uid=f"questions-pages-{model}-{signal is post_save}",
                )
        post_delete.connect(
            remove_file, sender="questions.SubmissionFile", dispatch_uid="q-file"
        )
        post_delete.connect(
            remove_file, sender="questions.CommentReport", dispatch_uid="q-report"
        )

    def load_demo(self) -> list[str]:
        """Hỏi đáp's demo, for `manage.py load_demo` (articles/, which may
        not import this app)."""
        from .demo_content import load_demo_questions

        return load_demo_questions()


def pages_changed(sender, instance, raw=False, signal=None, **kwargs):
    """An item or a comment report was saved or deleted: its ward's pages are
    stale (the document page counts comments), and so are those of the ward
    an item's save moved it out of. A fixture load leaves the cache alone."""
    if raw:
        return
    kind, status = getattr(instance, "kind", None), getattr(instance, "status", None)
    if status == "moi" and kind != "gop-y":
        # A new question or report shows nowhere public yet: a flood of
        # them must not empty the ward's cache.
        return
    from numbering.rows import moved_from
    from pages.generations import changed

    changed(instance.ward.pk)
    if signal is post_save and (old_ward := moved_from(instance)) is not None:
        changed(old_ward)


def remove_file(sender, instance, **kwargs):
    """A removed file's stored file goes too, once the removal is committed."""
    from django.db import transaction

    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
