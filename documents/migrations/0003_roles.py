"""The newsroom's roles get the documents' permissions: writers enter
documents as drafts, editors publish them (wards/roles.py lists the same)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = "Phóng viên"
EDITOR = "Biên tập viên"

ROLE_PERMISSIONS = {
    WRITER: [
        "documents.add_document",
        "documents.change_document",
        "documents.view_document",
        "documents.add_documentfile",
        "documents.change_documentfile",
        "documents.delete_documentfile",
        "documents.view_documentfile",
    ],
    EDITOR: [
        "documents.add_document",
        "documents.change_document",
        "documents.delete_document",
        "documents.view_document",
        "documents.publish_document",
        "documents.add_documentfile",
        "documents.change_documentfile",
        "documents.delete_documentfile",
        "documents.view_documentfile",
    ],
}


def add_permissions(apps, schema_editor):
    # Permissions are otherwise made after all migrations have run.
    app_config = apps.get_app_config("documents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_search_vector"),
        ("articles", "0010_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
