from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wardnews.wards"
    label = "wards"
    verbose_name = "Phường"

    def ready(self):
        from . import hosts

        hosts.connect_signals()
