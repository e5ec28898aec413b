"""The newsroom's roles as groups, with their permissions; staff who were
members of a ward before roles keep what they could do: publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = "Phóng viên"
EDITOR = "Biên tập viên"

# As roles.py had it when the roles were made; later changes are migrations
# of their own (or made by a superuser in the admin's groups).
ROLE_PERMISSIONS = {
    WRITER: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_category",
        "articles.add_attachment",
        "articles.change_attachment",
        "articles.delete_attachment",
        "articles.view_attachment",
    ],
    EDITOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.view_statistics",
        "articles.add_category",
        "articles.change_category",
        "articles.view_category",
        "articles.add_attachment",
        "articles.change_attachment",
        "articles.delete_attachment",
        "articles.view_attachment",
        "wards.change_ward",
        "wards.view_ward",
    ],
}


def make_roles(apps, schema_editor):
    # Permissions are otherwise made after all migrations have run.
    for label in ("articles", "wards"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("wards", "Membership")
    for name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
    Membership.objects.filter(role=None).update(
        role=Group.objects.get(name=EDITOR)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_newsroom"),
        ("wards", "0004_membership_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]
