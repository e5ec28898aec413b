"""The newsroom's roles may work on procedures: writers draft a ward's own,
editors publish them and set the ward's submission place and contact of the
shared ones (wards/roles.py says the same for groups made later)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = "Phóng viên"
EDITOR = "Biên tập viên"

# As roles.py had it when these permissions came.
ROLE_PERMISSIONS = {
    WRITER: [
        "add_procedure",
        "change_procedure",
        "view_procedure",
        "add_procedureform",
        "change_procedureform",
        "delete_procedureform",
        "view_procedureform",
        "view_wardproceduredetails",
    ],
    EDITOR: [
        "add_procedure",
        "change_procedure",
        "delete_procedure",
        "view_procedure",
        "publish_procedure",
        "add_procedureform",
        "change_procedureform",
        "delete_procedureform",
        "view_procedureform",
        "add_wardproceduredetails",
        "change_wardproceduredetails",
        "delete_wardproceduredetails",
        "view_wardproceduredetails",
    ],
}


def give_roles(apps, schema_editor):
    # Permissions are otherwise made after all migrations have run.
    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:  # Made later by roles.role_group, with these.
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="procedures", codename__in=codenames
            )
        )


def take_roles_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ROLE_PERMISSIONS:
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="procedures")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_initial"),
        ("articles", "0010_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_roles, take_roles_back)]
