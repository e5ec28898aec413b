"""Bodies and ward introductions saved under the older, looser allow-list
(inline styles that could lay a link over the page) are cleaned by today's
rules: pages show the stored HTML as it is, so the rules must hold for it
too."""

from django.db import migrations

from richtext.sanitize import sanitize


def clean(apps, schema_editor):
    for app_label, model_name, field in (
        ("articles", "Article", "body"),
        ("wards", "Ward", "introduction"),
    ):
        model = apps.get_model(app_label, model_name)
        rows = model.objects.values_list("pk", field).iterator(chunk_size=500)
        for pk, html in rows:
            cleaned = sanitize(html)
            if cleaned != html:
                model.objects.filter(pk=pk).update(**{field: cleaned})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_picture_field"),
        ("wards", "0006_picture_field"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
