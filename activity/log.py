"""The one way anything is written to the activity log."""

from contextvars import ContextVar

import clientip

from .models import Entry

Action = Entry.Action

# The request being answered, for records made where none is at hand (a
# model's save signal, the articles' workflow): see middleware.py.
current_request: ContextVar = ContextVar("activity_request", default=None)


def record(
    request_or_none,
    action: str,
    *,
    user=None,
    ward=None,
    target: str = "",
    detail: str = "",
) -> Entry:
    """Write down that `user` (the request's, if not given) did `action`,
    for `ward` (a Ward or its id), on `target`, from the request's address.
    Without a request, the one being answered if any: a management command
    leaves no address and, unless given, no user."""
    request = request_or_none or current_request.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    entry = Entry(
        action=action,
        target=str(target)[:300],
        detail=str(detail),
        address=(clientip.address(request) or None) if request is not None else None,
    )
    if user is not None and getattr(user, "pk", None) is not None:
        entry.user = user
        entry.username = user.get_username()
    elif isinstance(user, str):
        entry.username = user[:150]
    if ward is not None:
        entry.ward_id = getattr(ward, "pk", ward)
    entry.save()
    return entry
