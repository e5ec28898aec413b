from django_otp.plugins.otp_totp.models import TOTPDevice


class AuthenticatorApp(TOTPDevice):
    """A staff member's authenticator app, as superusers see it in the
    admin (admin.py): whose, since when, last used; never its secret."""

    class Meta:
        proxy = True
        verbose_name = "ứng dụng xác thực"
        verbose_name_plural = "ứng dụng xác thực của cán bộ"
