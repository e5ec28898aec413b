import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_publish_limits"),
        ("wards", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="ward",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="categories",
                to="wards.ward",
                verbose_name="phường",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="ward",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="wards.ward",
                verbose_name="phường",
            ),
        ),
    ]
