"""The article's ward on its DailyViews rows, and the index "Tin đọc nhiều"
reads a ward's last 30 days from (issue 19): the query walked every
published article of the ward; it now reads only the window's rows.

The rows are filled from their articles in one UPDATE ... FROM (PostgreSQL,
SQLite from 3.33) before the column becomes required."""

import django.db.models.deletion
from django.db import migrations, models


def fill_wards(apps, schema_editor):
    quote = schema_editor.connection.ops.quote_name
    days = quote(apps.get_model("articles", "DailyViews")._meta.db_table)
    articles = quote(apps.get_model("articles", "Article")._meta.db_table)
    schema_editor.execute(
        f"UPDATE {days} SET ward_id = {articles}.ward_id FROM {articles} "
        f"WHERE {articles}.id = {days}.article_id"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_article_credit"),
        ("wards", "0009_invitation_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyviews",
            name="ward",
            field=models.ForeignKey(
                null=True,
                editable=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wards.ward",
                verbose_name="phường",
            ),
        ),
        migrations.RunPython(fill_wards, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="dailyviews",
            name="ward",
            field=models.ForeignKey(
                editable=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wards.ward",
                verbose_name="phường",
            ),
        ),
        migrations.RemoveIndex(model_name="dailyviews", name="daily_views_day_idx"),
        migrations.AddIndex(
            model_name="dailyviews",
            index=models.Index(
                fields=["ward", "day"],
                include=("article", "views"),
                name="daily_views_ward_day_idx",
            ),
        ),
    ]
