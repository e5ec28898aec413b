"""A staff member's devices: the authenticator app (TOTP) and the backup
codes (django-otp's static device)."""

from base64 import b32encode

import segno
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.log import Action, record

from .models import Resets

APP_NAME = "Ứng dụng xác thực"
BACKUP_NAME = "Mã dự phòng"
BACKUP_CODES = 10


@transaction.atomic
def new_app(user) -> TOTPDevice:
    """An authenticator app to set up, with a secret of its own: each
    attempt gets a new one, and any attempt not finished (in this session or
    another) is forgotten, so a secret shown to someone else is never the
    one a code confirms (views.enrol keeps it with the session shown it)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def pending_app(user, pk) -> TOTPDevice | None:
    """The attempt `pk` (a session's), if it is still the one under way."""
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


def secret(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, drawn here: an inline SVG with
    no script or style, so nothing of the secret leaves the server."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title="Mã QR để thêm tài khoản vào ứng dụng xác thực"
    )


@transaction.atomic
def confirm_app(device: TOTPDevice) -> list[str]:
    """The app's first code was right: it replaces any earlier app, and a
    fresh set of backup codes goes with it. Returns those codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Ten one-time codes, replacing any left: stored as django-otp keeps
    them, shown to their owner once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def reset(request, user) -> None:
    """Forget a colleague's app and backup codes (a lost phone): they enrol
    again at their next sign-in, and every session they have open ends (a
    lost phone's may still be signed in: it must not enrol a thief's app
    without the password). Recorded."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    resets, _ = Resets.objects.get_or_create(user=user)
    resets.count = F("count") + 1
    resets.save(update_fields=["count"])
    record(request, Action.DEVICE_RESET, target=user.get_username())


def resets(user) -> int:
    """How many times `user`'s second step has been reset."""
    return Resets.objects.filter(user=user).values_list("count", flat=True).first() or 0
