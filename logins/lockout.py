from django.contrib import admin
from django.template.response import TemplateResponse


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE): in the
    admin's own look, saying when to try again. It names no account, so it
    tells a guesser nothing about which user names exist."""
    from axes.conf import settings
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": "Tạm khoá đăng nhập",
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return TemplateResponse(
        request,
        "admin/lockout.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    ).render()


def attempted_username(request, credentials) -> str | None:
    """The user name a login tried, as axes records it: no longer than any
    account's (150), so a crafted 10,000-character one is an attempt like
    any other, not a database error on the attempts table's 255."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username")
    return username[:150] if isinstance(username, str) else username


def forget_failures(username: str) -> None:
    """A sign-in completed clears the failures of its own user name, and no
    one else's tried from the same address. Called once the whole sign-in
    is done, second step and all (twostep/): a right password alone must not
    wipe the count of wrong codes, or each new password login would buy a
    guesser a fresh round of them."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=username).delete()
