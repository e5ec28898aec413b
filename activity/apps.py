from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Nhật ký"

    def ready(self):
        from . import roles

        roles.connect()
