from axes.apps import AppConfig


class LoginsConfig(AppConfig):
    """django-axes, under a Vietnamese name, with the admin below."""

    verbose_name = "Đăng nhập"

    def ready(self):
        super().ready()
        from django.contrib.auth.signals import user_logged_in

        from . import admin  # noqa: F401

        user_logged_in.connect(forget_own_failures, dispatch_uid="forget-failures")


def forget_own_failures(sender, request, user, **kwargs):
    """A correct login clears the failures of its own user name, and no
    one else's tried from the same address."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.get_username()).delete()
