from django.contrib import admin
from django.db.models.expressions import Combinable
from django.db.models.functions import Left
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
        "title": "Tạm khóa đăng nhập",
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


def kept_data_limit() -> int:
    """How much of what was sent one record of failures keeps, per field:
    the attempts up to a lockout, each at most 1,024 characters as axes
    cuts them, with axes' separators."""
    from axes.conf import settings

    return settings.AXES_FAILURE_LIMIT * (1024 + len("\n---------\n"))


def cap_kept_data(sender, instance, **kwargs):
    """axes appends each failure's GET and POST data to its record, and goes
    on appending while locked out (each failure then also extends the
    lockout): a guesser could grow one row by a kilobyte a request for ever.
    The append is an expression the database computes; cut it there, so a
    record keeps what the attempts up to the lockout sent and then only
    counts (pre_save of AccessAttempt, connected in apps.py)."""
    limit = kept_data_limit()
    for field in ("get_data", "post_data"):
        value = getattr(instance, field)
        if isinstance(value, Combinable):
            setattr(instance, field, Left(value, limit))
        elif isinstance(value, str) and len(value) > limit:
            setattr(instance, field, value[:limit])
