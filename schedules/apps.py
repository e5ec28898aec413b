from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SchedulesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedules"
    verbose_name = "Lịch công tác"

    def ready(self):
        # Revisions are kept in every process, not only where the admin was
        # imported.
        from . import revisions  # noqa: F401

        for signal in (post_save, post_delete):
            signal.connect(
                pages_changed,
                sender="schedules.Entry",
                dispatch_uid=f"pages-changed-entry-{signal is post_save}",
            )


def pages_changed(sender, instance, raw=False, **kwargs):
    """An entry was saved or deleted: its ward's kept pages (the week, the
    receptions, the home page's block) are stale once it is committed."""
    if not raw:
        from pages.generations import changed

        changed(instance.ward_id)
