"""Everything written before there were wards is the default ward's."""

from django.db import migrations


def assign_default_ward(apps, schema_editor):
    Ward = apps.get_model("wards", "Ward")
    Category = apps.get_model("articles", "Category")
    Article = apps.get_model("articles", "Article")
    ward = Ward.objects.get(is_default=True)
    Category.objects.filter(ward__isnull=True).update(ward=ward)
    Article.objects.filter(ward__isnull=True).update(ward=ward)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_ward_fields"),
        ("wards", "0002_default_ward"),
    ]

    operations = [migrations.RunPython(assign_default_ward, migrations.RunPython.noop)]
