"""Who may add and manage whom in "Cán bộ", and the one rule for signing in.

A person may sign in to the admin when they work for a ward (a membership)
or are a superuser: `is_staff` is kept so whenever memberships change
(signals in apps.py) or a superuser changes the account, never ticked by
hand. Superusers manage everyone; a ward's editors (the role's
`wards.*_staff` permissions in that ward, roles.py) add writers to that ward
and manage the accounts that only write for wards they edit. Nobody but a
superuser gives a role other than "Phóng viên", or touches a superuser's
account, groups or permissions.
"""

from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef

from . import roles
from .models import Membership, Ward


def sync_staff_status(user_id) -> None:
    """Sets the account's "may sign in to the admin" from its memberships
    (superusers always may). One query when nothing changes."""
    works = Membership.objects.filter(user=OuterRef("pk"))
    User.objects.filter(pk=user_id, is_superuser=False).exclude(
        is_staff=Exists(works)
    ).update(is_staff=Exists(works))
    User.objects.filter(pk=user_id, is_superuser=True, is_staff=False).update(
        is_staff=True
    )


def membership_changed(sender, instance, raw=False, **kwargs):
    """post_save and post_delete of a membership."""
    if not raw:
        sync_staff_status(instance.user_id)


def managed_wards(user, action: str = "change") -> list[Ward]:
    """The wards whose staff the user may add, change or view (action):
    every ward for superusers, else those where their role has it."""
    cache = user.__dict__.setdefault("_managed_wards", {})
    if action not in cache:
        if user.is_superuser:
            cache[action] = list(Ward.objects.all())
        elif not user.is_active:
            cache[action] = []
        else:
            cache[action] = [
                ward
                for ward in Ward.objects.for_user(user)
                if user.has_perm(f"wards.{action}_staff", ward)
            ]
    return cache[action]


def assignable_roles(user):
    """The roles the user may give: any for superusers (a city may have
    made its own, such as "Cộng tác viên"), "Phóng viên" for editors."""
    if user.is_superuser:
        return Group.objects.order_by("name")
    return Group.objects.filter(name=roles.WRITER)


def may_change_account(user, account) -> bool:
    """Superusers change any account. An editor changes an account only if
    every ward it works for is one whose staff they manage, in a role they
    may give, and it is neither theirs nor a superuser's: someone who also
    edits, or also works for another ward, is the city's IT's to change."""
    if user.is_superuser:
        return True
    if account.is_superuser or account.pk == user.pk:
        return False
    memberships = list(account.ward_memberships.all())
    if not memberships:
        return False
    wards = {ward.pk for ward in managed_wards(user, "change")}
    allowed_roles = set(assignable_roles(user).values_list("pk", flat=True))
    return all(
        membership.ward_id in wards and membership.role_id in allowed_roles
        for membership in memberships
    )
