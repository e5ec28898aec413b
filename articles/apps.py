from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tin bài"

    def ready(self):
        from wards.models import Ward

        # Article's revisions are kept in every process, not only where the
        # admin was imported.
        from . import revisions  # noqa: F401

        post_save.connect(
            give_new_ward_its_categories, sender=Ward, dispatch_uid="ward-categories"
        )
        post_delete.connect(
            remove_attachment_file,
            sender="articles.Attachment",
            dispatch_uid="attachment-file",
        )
        # What readers see changed: the ward's cached pages go stale.
        for model in ("Article", "Category", "Attachment", "OldSlug"):
            for signal in (post_save, post_delete):
                signal.connect(
                    pages_changed,
                    sender=f"articles.{model}",
                    dispatch_uid=f"pages-changed-{model}-{signal is post_save}",
                )


def give_new_ward_its_categories(sender, instance, created, raw=False, **kwargs):
    """A new ward starts with the usual sections of a ward portal."""
    if created and not raw:
        from .models import Category

        Category.objects.create_defaults(instance)


def pages_changed(sender, instance, raw=False, signal=None, **kwargs):
    """An article, category, attachment or old address was saved or deleted:
    its ward's pages (pages/generations.py) are stale once it is committed,
    and so are the pages of the ward an article's save moved it out of.
    A fixture load (raw) leaves the cache alone: nothing was served yet."""
    if not raw:
        from numbering.rows import moved_from
        from pages.generations import changed
        from wards.roles import ward_of

        ward = ward_of(instance)
        changed(ward.pk if ward is not None else None)
        if signal is post_save and (old_ward := moved_from(instance)) is not None:
            changed(old_ward)


def remove_attachment_file(sender, instance, **kwargs):
    """A removed attachment's file goes too, once the removal is committed
    (a rolled-back delete keeps both)."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
