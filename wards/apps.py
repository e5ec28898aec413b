from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class WardsConfig(AppConfig):
    name = "wards"
    label = "wards"
    verbose_name = "Phường"

    def ready(self):
        from . import hosts
        from .permission_names import rename_permissions

        hosts.connect_signals()
        # A ward's name, logo, address, footer links or hosts are on every
        # page of every ward's site (the host map decides which ward a page
        # is of).
        for model in ("Ward", "WardHost", "WardLink"):
            for signal in (post_save, post_delete):
                signal.connect(
                    every_page_changed,
                    sender=f"wards.{model}",
                    dispatch_uid=f"pages-changed-{model}-{signal is post_save}",
                )
        # Working for a ward is what lets a person sign in to the admin.
        from .staffing import membership_changed

        for signal in (post_save, post_delete):
            signal.connect(
                membership_changed,
                sender="wards.Membership",
                dispatch_uid=f"staff-status-{signal is post_save}",
            )
        post_save.connect(
            give_new_ward_its_links, sender="wards.Ward", dispatch_uid="ward-links"
        )
        # Connected after django.contrib.auth's ready() (it comes first in
        # INSTALLED_APPS), so it runs after create_permissions for each app.
        post_migrate.connect(rename_permissions, dispatch_uid="wards-permission-names")


def every_page_changed(sender, raw=False, **kwargs):
    if not raw:
        from pages.generations import changed

        changed(None)


def give_new_ward_its_links(sender, instance, created, raw=False, **kwargs):
    """A new ward's footer links to the national public service portal."""
    if created and not raw:
        from .models import NATIONAL_PORTAL, WardLink

        title, url = NATIONAL_PORTAL
        WardLink.objects.get_or_create(
            ward=instance, url=url, defaults={"title": title}
        )
