from axes.apps import AppConfig


class LoginsConfig(AppConfig):
    """django-axes, under a Vietnamese name, with the admin below."""

    verbose_name = "Đăng nhập"

    def ready(self):
        super().ready()
        from . import admin  # noqa: F401
