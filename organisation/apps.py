from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class OrganisationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisation"
    verbose_name = "Cơ cấu tổ chức"

    def ready(self):
        # What readers see changed: the ward's kept pages go stale.
        for model in ("Body", "Person"):
            for signal in (post_save, post_delete):
                signal.connect(
                    pages_changed,
                    sender=f"organisation.{model}",
                    dispatch_uid=f"organisation-pages-{model}-{signal is post_save}",
                )


def pages_changed(sender, instance, raw=False, **kwargs):
    """A body or a person was saved or deleted: its ward's pages (the
    organisation, the English page, "Liên hệ", a leaders block on the home
    page) are stale once it is committed."""
    if not raw:
        from pages.generations import changed

        changed(instance.ward_id)
