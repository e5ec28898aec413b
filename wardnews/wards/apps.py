from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WardsConfig(AppConfig):
    name = "wardnews.wards"
    label = "wards"
    verbose_name = "Phường"

    def ready(self):
        from . import hosts
        from .permission_names import rename_permissions

        hosts.connect_signals()
        # Connected after django.contrib.auth's ready() (it comes first in
        # INSTALLED_APPS), so it runs after create_permissions for each app.
        post_migrate.connect(rename_permissions, dispatch_uid="wards-permission-names")
