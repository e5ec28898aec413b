"""Invitations: a new staff member sets their own password from a one-time
link, so nobody types, sends or knows a colleague's password.

The link carries Django's password-reset token (PASSWORD_RESET_TIMEOUT, three
days): it stops working once the password is set, or when the account signs
in, and (InvitationTokens) when a new invitation is sent or the account is
deactivated. Setting the password does not sign in: the admin's own sign-in (with its
lockout, and any second step) stays the only way in.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import F
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.html import format_html
from django.utils.http import urlsafe_base64_encode

import outbox

from .hosts import url_on_ward
from .models import InvitationLinks, display_name

logger = logging.getLogger(__name__)

# The user name whose password the browser just set, for the next page: the
# link may have come by hand, with no letter saying it.
PASSWORD_SET_FOR = "staff_password_set_for"


def send(subject: str, message: str, recipients: list[str], html_message=None):
    """Every staff email leaves through here: queued with the request's
    changes (outbox/), sent by the worker, tried again while the mail
    server is down."""
    outbox.send_mail(subject, message, recipients, html_message=html_message)


def on_their_site(request, user, path: str) -> str:
    """The absolute address of `path` on the site of a ward the person works
    for (where they will sign in: sessions are per host)."""
    membership = user.ward_memberships.select_related("ward").first()
    if membership is not None:
        path = url_on_ward(request, membership.ward, path)
    return request.build_absolute_uri(path)


def links_ended(user) -> int:
    return (
        InvitationLinks.objects.filter(user=user)
        .values_list("ended", flat=True)
        .first()
        or 0
    )


def end_links(user) -> None:
    """Every set-password link sent to `user` so far stops working."""
    InvitationLinks.objects.get_or_create(user=user)
    InvitationLinks.objects.filter(user=user).update(ended=F("ended") + 1)


class InvitationTokens(PasswordResetTokenGenerator):
    """Django's token, which also ends with the count of links ended: a
    lost link has no other way to be revoked (deactivating and reactivating
    the account gives back the same password, login and email)."""

    def _make_hash_value(self, user, timestamp):
        ended = links_ended(user)
        # Nothing added before the first ending: links sent before this
        # rule keep working.
        return super()._make_hash_value(user, timestamp) + (str(ended) if ended else "")


invitation_tokens = InvitationTokens()


def invitation_link(request, user) -> str:
    """A new link, which ends every earlier one."""
    end_links(user)
    return on_their_site(
        request,
        user,
        reverse(
            "staff_set_password",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": invitation_tokens.make_token(user),
            },
        ),
    )


def invitation_text(request, user, link: str) -> tuple[str, str]:
    """The email's subject and body, in Vietnamese."""
    memberships = user.ward_memberships.select_related("ward", "role")
    roles = [f"{m.role} của {m.ward}" for m in memberships]
    if user.is_superuser:
        roles.insert(0, "Quản trị viên thành phố (mọi phường)")
    days = round(settings.PASSWORD_RESET_TIMEOUT / 86400)
    subject = "Mời anh/chị đặt mật khẩu vào trang quản trị cổng thông tin"
    lines = [
        f"Kính gửi {display_name(user)},",
        "",
        "Anh/chị vừa được cấp tài khoản trên trang quản trị cổng thông tin "
        f"điện tử, với vai trò: {'; '.join(roles)}.",
        "",
        "Để bắt đầu, hãy mở liên kết dưới đây và tự đặt mật khẩu cho mình "
        "(ít nhất 12 ký tự):",
        "",
        link,
        "",
        f"Liên kết chỉ dùng được một lần, trong {days} ngày. Sau đó, đăng nhập tại:",
        on_their_site(request, user, reverse("admin:login")),
        f"Tên đăng nhập: {user.get_username()}",
        "",
        "Chỉ anh/chị biết mật khẩu này: đừng gửi nó cho ai, kể cả người quản "
        "trị. Nếu anh/chị không chờ thư này, hãy bỏ qua nó.",
        "",
        f"Người cấp tài khoản: {display_name(request.user)}.",
    ]
    return subject, "\n".join(lines)


@dataclass
class Outcome:
    sent: bool
    link_shown: bool


def invite(request, user) -> Outcome:
    """Sends the invitation, and says in the admin what happened. Without
    email, a superuser sees the link once, to hand over in person; an editor
    is told to ask the city's IT (the link is the account: an editor who
    held it could sign in as their writer)."""
    who = display_name(user)
    if not user.email:
        messages.warning(
            request,
            f"Chưa gửi thư mời: tài khoản {who} chưa có email. "
            "Thêm email rồi bấm “Gửi thư mời đặt mật khẩu”.",
        )
        return Outcome(sent=False, link_shown=False)
    if not outbox.configured():
        if request.user.is_superuser:
            messages.warning(
                request,
                format_html(
                    "Máy chủ chưa cấu hình gửi email (DJANGO_EMAIL_HOST), nên "
                    "thư mời chưa gửi được. Hãy đưa tận tay {} liên kết đặt "
                    "mật khẩu dưới đây (chỉ hiện một lần, dùng được một lần):"
                    '<br><input class="invitation-link vLargeTextField" '
                    'readonly value="{}" aria-label="Liên kết đặt mật khẩu">',
                    who,
                    invitation_link(request, user),
                ),
            )
            return Outcome(sent=False, link_shown=True)
        messages.warning(
            request,
            f"Hệ thống chưa được cài đặt để gửi email, nên thư mời cho {who} "
            "chưa gửi được. Hãy nhờ quản trị viên hệ thống gửi thư mời giúp.",
        )
        return Outcome(sent=False, link_shown=False)
    subject, message = invitation_text(request, user, invitation_link(request, user))
    try:
        send(subject, message, [user.email])
    except Exception:  # The queue's table out of reach.
        logger.exception("invitation to %s not queued", user.email)
        messages.error(
            request,
            f"Không gửi được thư mời tới {user.email}. Tài khoản đã lưu; thử "
            "lại sau bằng “Gửi thư mời đặt mật khẩu”.",
        )
        return Outcome(sent=False, link_shown=False)
    messages.success(
        request,
        f"Đã gửi thư mời tới {user.email}: {who} tự đặt mật khẩu từ liên kết "
        "trong thư, rồi đăng nhập.",
    )
    return Outcome(sent=True, link_shown=False)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link's page: the new password, twice, in the admin's look."""

    template_name = "admin/wards/set_password.html"
    success_url = reverse_lazy("staff_password_set")
    reset_url_token = "dat-mat-khau"
    token_generator = invitation_tokens
    title = "Đặt mật khẩu"

    def get_user(self, uidb64):
        # A colleague who has left keeps no way back in through an old link.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[PASSWORD_SET_FOR] = self.user.get_username()
        return response

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            **super().get_context_data(**kwargs),
            "title": self.title,
        }


class PasswordSetView(auth_views.PasswordResetCompleteView):
    template_name = "admin/wards/password_set.html"
    title = "Đã đặt mật khẩu"

    def get_context_data(self, **kwargs):
        return {
            **admin.site.each_context(self.request),
            **super().get_context_data(**kwargs),
            "title": self.title,
            "username": self.request.session.get(PASSWORD_SET_FOR),
        }
