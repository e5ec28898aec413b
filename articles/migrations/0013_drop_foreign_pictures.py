"""Pictures another site serves, kept in bodies and ward introductions saved
before only our own media's were allowed, are dropped by today's rules: every
reader's browser would otherwise call that site. What is dropped is listed in
the migration's output, article by article, so the ward can upload the
pictures it still wants."""

from django.db import migrations

from richtext.sanitize import foreign_pictures, sanitize


def drop_foreign_pictures(apps, schema_editor):
    for app_label, model_name, field, label in (
        ("articles", "Article", "body", "Bài"),
        ("wards", "Ward", "introduction", "Giới thiệu phường"),
    ):
        model = apps.get_model(app_label, model_name)
        rows = model.objects.values_list("pk", field).iterator(chunk_size=500)
        for pk, html in rows:
            dropped = foreign_pictures(html)
            if not dropped:
                continue
            model.objects.filter(pk=pk).update(**{field: sanitize(html)})
            where = ", ".join(address or "(dán trực tiếp)" for address in dropped)
            print(f"\n  {label} #{pk}: bỏ {len(dropped)} ảnh lấy từ nơi khác: {where}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_clean_stored_bodies"),
    ]

    operations = [
        migrations.RunPython(drop_foreign_pictures, migrations.RunPython.noop)
    ]
