from axes.apps import AppConfig


class LoginsConfig(AppConfig):
    """django-axes, under a Vietnamese name, with the admin below."""

    verbose_name = "Đăng nhập"

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt
        from django.db.models.signals import pre_save

        from . import admin  # noqa: F401
        from .lockout import cap_kept_data

        pre_save.connect(
            cap_kept_data, sender=AccessAttempt, dispatch_uid="logins-cap-data"
        )
