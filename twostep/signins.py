"""Sign-ins and failed ones, for the activity log and the lockout.

A sign-in is complete, and so recorded and its user name's past failures
forgotten, when the password was right and no second step is owed;
otherwise when the second step is done (views.py)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django_otp import user_has_device

from activity.log import Action, record
from logins.lockout import forget_failures

from . import devices, policy

# The sender of a wrong second step's user_login_failed: the lockout counts
# it; the log has it already, as a wrong code rather than a wrong password.
SECOND_STEP = "twostep"


def connect():
    user_logged_in.connect(password_right, dispatch_uid="twostep-signed-in")
    user_login_failed.connect(password_wrong, dispatch_uid="twostep-failed")


def password_right(sender, request, user, **kwargs):
    if request is not None:
        request.session[policy.RESETS_SEEN] = devices.resets(user)
    if user_has_device(user) or policy.required(user):
        return  # The second step comes next.
    completed(request, user, "Mật khẩu (không dùng xác thực hai bước)")


def completed(request, user, how: str) -> None:
    forget_failures(user.get_username())
    record(request, Action.SIGNED_IN, user=user, detail=how)


def password_wrong(sender, credentials, request=None, **kwargs):
    if sender == SECOND_STEP:
        return
    locked = getattr(request, "axes_locked_out", False)
    record(
        request,
        Action.SIGN_IN_FAILED,
        user=str(credentials.get("username") or ""),
        detail="Đang bị tạm khóa đăng nhập" if locked else "",
    )
