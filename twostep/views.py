"""The second step's pages, in the admin's look: the code after the
password, enrolling an authenticator app, one's own settings and backup
codes."""

import time

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from activity.log import Action, record
from logins.lockout import lockout_response

from . import devices, policy, signins
from .middleware import to_step


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Hãy nhập mã."},
    )

    def clean_code(self):
        # "123 456" as the app shows it, a backup code as printed.
        return "".join(self.cleaned_data["code"].split()).lower()


WRONG_CODE = (
    "Mã không đúng hoặc đã dùng. Hãy nhập mã đang hiện trong ứng dụng "
    "xác thực, hoặc một mã dự phòng chưa dùng."
)


def _page(request, template, title, **context):
    return TemplateResponse(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            "owed": policy.owed_by(request),
            **context,
        },
    )


def _next(request) -> str:
    """Where the admin was going before the step, if it is ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _signed_in(request, device, how: str) -> None:
    """The second step is done: the session says so, under a new key."""
    request.session.cycle_key()
    otp_login(request, device)
    request._two_step_owed = None
    signins.completed(request, request.user, how)


def _staff(view):
    return never_cache(admin.site.admin_view(view))


@sensitive_post_parameters("code")
def verify(request):
    """After the password: a code from the app or a backup code. Each wrong
    one is a failed login to the lockout, like a wrong password."""
    owed = policy.owed_by(request)
    if owed != policy.VERIFY:
        return redirect(to_step(owed, _next(request)) if owed else _next(request))
    user = request.user
    form = CodeForm(request.POST or None)
    device, locked_out = _code_typed(request, form)
    if locked_out:
        return locked_out
    if device is not None:
        backup = device.name == devices.BACKUP_NAME
        _signed_in(request, device, "Mã dự phòng" if backup else "Mã xác thực")
        if backup:
            left = devices.backup_codes_left(user)
            messages.warning(
                request,
                f"Bạn vừa dùng một mã dự phòng; còn {left} mã. Tạo bộ mã "
                "mới ở mục “Xác thực hai bước” khi sắp hết.",
            )
        return HttpResponseRedirect(_next(request))
    return _page(
        request,
        "twostep/verify.html",
        "Xác thực hai bước",
        form=form,
        next=_next(request),
    )


def _code_typed(request, form):
    """What a code form posted comes to: (device, None) when the code is
    right; (None, None) when it is wrong or missing, the form saying why;
    (None, the lockout page) when too many were wrong, the session ended.
    Asks the lockout first, so a locked-out person's codes go unchecked."""
    credentials = {"username": request.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return None, _locked_out(request, credentials)
    if request.method != "POST" or not form.is_valid():
        return None, None
    device = _check_code(request, form.cleaned_data["code"], credentials)
    if getattr(request, "axes_locked_out", False):
        return None, _locked_out(request, credentials)
    if device is None:
        form.add_error("code", WRONG_CODE)
    return device, None


@transaction.atomic
def _check_code(request, code, credentials):
    """The device `code` is right for, or None; a wrong one is counted as a
    failed login. One code of a person's is checked at a time (their user
    row is locked until the count is written), and the lockout is asked
    again once it is their turn: codes posted at the same moment, from as
    many sessions, are checked one after another, and none past the limit.
    A locked-out request has axes_locked_out set, as axes does."""
    user = request.user
    list(
        get_user_model()
        .objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("pk", flat=True)
    )
    if AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out = True
        return None
    device = match_token(user, code)
    if device is None:
        record(request, Action.SECOND_STEP_FAILED, user=user)
        user_login_failed.send(
            sender=signins.SECOND_STEP, credentials=credentials, request=request
        )
    return device


def _locked_out(request, credentials):
    """Locked out: the half-signed-in session ends too, so nothing is left
    to try codes with."""
    logout(request)
    return lockout_response(request, credentials=credentials)


# The app this session is setting up: only the session shown its secret
# can confirm it.
PENDING_APP = "twostep_pending_app"


@sensitive_post_parameters("code")
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret),
    then type its first code. Open to whoever owes it, and to a member of
    staff changing their phone after a full sign-in; never to a session
    that has a device and has not yet typed its code."""
    owed = policy.owed_by(request)
    if owed == policy.VERIFY:
        return redirect(to_step(owed, _next(request)))
    user = request.user
    if devices.has_app(user) and not _reconfirmed(request):
        return redirect(
            f"{reverse('twostep:reconfirm')}?"
            f"{urlencode({'next': request.get_full_path()})}"
        )
    device = devices.pending_app(user, request.session.get(PENDING_APP))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is None:
        form.add_error(
            "code",
            "Mã QR bạn đã quét không còn dùng được (trang đăng ký đã được mở "
            "lại ở nơi khác). Hãy xoá tài khoản vừa thêm trong ứng dụng, quét "
            "mã QR mới dưới đây rồi nhập mã.",
        )
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            del request.session[PENDING_APP]
            codes = devices.confirm_app(device)
            record(request, Action.ENROLLED, user=user)
            _signed_in(request, device, "Đăng ký xác thực hai bước")
            return _backup_codes_page(request, codes, next=_next(request))
        form.add_error(
            "code",
            "Mã chưa đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng cho "
            "tài khoản này; nếu vẫn sai, kiểm tra giờ của điện thoại có đúng "
            "không.",
        )
    if device is None:
        device = devices.new_app(user)
        request.session[PENDING_APP] = device.pk
    return _page(
        request,
        "twostep/enrol.html",
        "Đăng ký xác thực hai bước",
        form=form,
        qr=devices.qr_svg(device),
        secret=devices.secret(device),
        required=owed == policy.ENROL,
        next=_next(request),
    )


def _backup_codes_page(request, codes, next=""):
    return _page(
        request,
        "twostep/backup_codes.html",
        "Mã dự phòng",
        codes=codes,
        next=next or reverse("twostep:settings"),
    )


def own_settings(request):
    """One's own second step: on or off, backup codes left, what to do."""
    return _settings_page(request, _backup_form())


def _backup_form(data=None):
    """The code asked for new backup codes, on the settings page: not
    focused there, as it is on a page that asks for nothing else."""
    form = CodeForm(data, auto_id="backup_%s")
    form.fields["code"].widget.attrs.pop("autofocus")
    return form


def _settings_page(request, form):
    user = request.user
    return _page(
        request,
        "twostep/settings.html",
        "Xác thực hai bước",
        has_app=devices.has_app(user),
        required=policy.required(user),
        codes_left=devices.backup_codes_left(user),
        form=form,
    )


@require_POST
@sensitive_post_parameters("code")
def backup_codes(request):
    """A fresh set of backup codes (the old ones stop working), shown once,
    for a current code: a session left open (or taken) without the phone
    gets none."""
    user = request.user
    if not devices.has_app(user):
        return redirect("twostep:settings")
    form = _backup_form(request.POST)
    device, locked_out = _code_typed(request, form)
    if locked_out:
        return locked_out
    if device is not None:
        return _backup_codes_page(request, devices.new_backup_codes(user))
    return _settings_page(request, form)


# When this session last typed a current code to change its second step
# (a new phone): good for a few minutes.
RECONFIRMED = "twostep_reconfirmed_at"
RECONFIRMED_FOR = 300  # seconds


def _reconfirmed(request) -> bool:
    at = request.session.get(RECONFIRMED)
    return at is not None and 0 <= time.time() - at < RECONFIRMED_FOR


@sensitive_post_parameters("code")
def reconfirm(request):
    """A current code before changing one's phone: a session left open (or
    taken) without the phone cannot swap in another app. Wrong codes count
    towards the lockout, as after the password."""
    owed = policy.owed_by(request)
    if owed:
        return redirect(to_step(owed, _next(request)))
    user = request.user
    if not devices.has_app(user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    device, locked_out = _code_typed(request, form)
    if locked_out:
        return locked_out
    if device is not None:
        request.session[RECONFIRMED] = time.time()
        return HttpResponseRedirect(_next(request))
    return _page(
        request,
        "twostep/reconfirm.html",
        "Xác nhận bằng mã hiện tại",
        form=form,
        next=_next(request),
    )


verify = _staff(verify)
enrol = _staff(enrol)
own_settings = _staff(own_settings)
backup_codes = _staff(backup_codes)
reconfirm = _staff(reconfirm)
