"""Role changes: a ward membership given, changed or taken away, wherever
it happens (the user admin, the staff invitation, a command), recorded
through the model's signals. The membership model is named by its label,
so this building block imports no domain app."""

from django.db.models.signals import post_delete, post_save, pre_save

from .log import Action, record

MEMBERSHIP = "wards.Membership"


def connect():
    pre_save.connect(remember_role, sender=MEMBERSHIP, dispatch_uid="activity-pre")
    post_save.connect(role_saved, sender=MEMBERSHIP, dispatch_uid="activity-save")
    post_delete.connect(role_deleted, sender=MEMBERSHIP, dispatch_uid="activity-del")


def remember_role(sender, instance, **kwargs):
    instance._role_before = (
        sender.objects.filter(pk=instance.pk).values_list("role_id", flat=True).first()
        if instance.pk
        else None
    )


def role_saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # Loading a fixture or a backup: nobody changed anything.
        return
    if created:
        detail = f"Giao vai trò {instance.role.name}"
    elif instance._role_before != instance.role_id:
        detail = f"Đổi vai trò thành {instance.role.name}"
    else:
        return
    record(
        None,
        Action.ROLE_CHANGED,
        ward=instance.ward_id,
        target=instance.user,
        detail=f"{detail} tại {instance.ward}",
    )


def role_deleted(sender, instance, origin=None, **kwargs):
    # A membership going with its ward: the entry cannot point at the ward
    # being deleted, so it names it.
    ward_goes = (
        origin is not None and getattr(origin, "model", type(origin)) is not sender
    )
    record(
        None,
        Action.ROLE_CHANGED,
        ward=None if ward_goes else instance.ward_id,
        target=instance.user,
        detail=f"Bỏ vai trò {instance.role.name} tại {instance.ward}",
    )
