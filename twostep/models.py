from django.conf import settings
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice


class AuthenticatorApp(TOTPDevice):
    """A staff member's authenticator app, as superusers see it in the
    admin (admin.py): whose, since when, last used; never its secret."""

    class Meta:
        proxy = True
        verbose_name = "ứng dụng xác thực"
        verbose_name_plural = "ứng dụng xác thực của cán bộ"


class Resets(models.Model):
    """How many times a member of staff's second step has been reset. A
    session remembers the number when its password was typed; one from
    before a later reset is over (middleware.py), so a lost phone's open
    session cannot enrol a new app without the password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name="cán bộ",
    )
    count = models.PositiveIntegerField("số lần đặt lại", default=0)

    class Meta:
        verbose_name = "số lần đặt lại xác thực hai bước"
        verbose_name_plural = "số lần đặt lại xác thực hai bước"

    def __str__(self):
        return f"{self.user}: {self.count}"
