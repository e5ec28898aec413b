"""The newsroom's roles may work the questions inbox: writers what is
assigned to them, editors all of the ward's, and its comment reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = "Phóng viên"
EDITOR = "Biên tập viên"

# As wards/roles.py had them when the questions came.
WRITER_PERMISSIONS = ["change_submission", "view_submission", "view_submissionfile"]
EDITOR_PERMISSIONS = [
    *WRITER_PERMISSIONS,
    "view_ward_submissions",
    "add_commentreport",
    "change_commentreport",
    "delete_commentreport",
    "view_commentreport",
]


def give_roles(apps, schema_editor):
    # Permissions are otherwise made after all migrations have run.
    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((WRITER, WRITER_PERMISSIONS), (EDITOR, EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="questions", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_roles, migrations.RunPython.noop)]
