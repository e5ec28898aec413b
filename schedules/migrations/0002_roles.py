"""The newsroom's roles may work on the schedule: writers (Phóng viên)
enter drafts, editors (Biên tập viên) publish them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = "Phóng viên"
EDITOR = "Biên tập viên"

# As wards/roles.py has them for the schedule when this was written.
ROLE_PERMISSIONS = {
    WRITER: [
        "add_entry",
        "change_entry",
        "delete_entry",
        "view_entry",
    ],
    EDITOR: [
        "add_entry",
        "change_entry",
        "delete_entry",
        "view_entry",
        "publish_entry",
    ],
}


def add_permissions(apps, schema_editor):
    # Permissions are otherwise made after all migrations have run.
    app_config = apps.get_app_config("schedules")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="schedules", codename__in=codenames
            )
        )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="schedules", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("schedules", "0001_initial"),
        ("articles", "0010_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
