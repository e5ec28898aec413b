"""Who owes a second step, and which."""

from django.conf import settings
from django_otp import user_has_device

VERIFY = "verify"  # Has a device: type its code.
ENROL = "enrol"  # Must have one and has none: set it up first.


# What makes someone an editor for the second step: publishing to readers
# (any app's publish_* permission) or managing staff. Asked of the
# permissions, not the role's name: the editor's group ticked under "Nâng
# cao", or a city's own role given these, holds the same powers.
STAFF_POWERS = frozenset(
    {"wards.add_staff", "wards.change_staff", "wards.delete_staff"}
)


def holds_editors_powers(user) -> bool:
    """May the user publish, or add and change staff, in any ward (through
    a role, a group or a permission of their own)?"""
    return any(
        permission in STAFF_POWERS or permission.split(".")[-1].startswith("publish_")
        for permission in user.get_all_permissions()
    )


def required(user) -> bool:
    """Must this member of staff sign in with two steps? Superusers and
    whoever holds an editor's powers by default (TWO_STEP_REQUIRED_FOR);
    "writers" means every member of staff."""
    wanted = settings.TWO_STEP_REQUIRED_FOR
    if "superusers" in wanted and user.is_superuser:
        return True
    if "writers" in wanted and (user.is_staff or user.is_superuser):
        return True
    return "editors" in wanted and holds_editors_powers(user)


def owed(user, verified: bool) -> str | None:
    """What stands between a signed-in user and the admin: VERIFY, ENROL,
    or nothing. Anyone with a device types its code, even where it is
    optional: a writer who enrolled has chosen the second step."""
    if not user.is_authenticated or not (user.is_staff or user.is_superuser):
        return None
    if verified:
        return None
    if user_has_device(user):
        return VERIFY
    if required(user):
        return ENROL
    return None


def owed_by(request) -> str | None:
    """The same for the request's user, read once a request."""
    if not hasattr(request, "_two_step_owed"):
        user = request.user
        verified = user.is_authenticated and user.is_verified()
        request._two_step_owed = owed(user, verified)
    return request._two_step_owed


# The number of resets of the user's second step when the session's password
# was typed (signins.py).
RESETS_SEEN = "twostep_resets_seen"


def ended_by_reset(request) -> bool:
    """Was the second step of the request's member of staff reset since
    their password was typed in this session? Then the session is over
    (middleware.py): after a reset, enrolling takes the password again."""
    from . import devices

    user = request.user
    if not user.is_authenticated or not (user.is_staff or user.is_superuser):
        return False
    return request.session.get(RESETS_SEEN, 0) < devices.resets(user)
