from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("series", models.CharField(max_length=100, verbose_name="dãy số")),
                ("scope", models.BigIntegerField(verbose_name="phạm vi")),
                (
                    "last",
                    models.PositiveBigIntegerField(default=0, verbose_name="số cuối"),
                ),
            ],
            options={
                "verbose_name": "bộ đếm",
                "verbose_name_plural": "bộ đếm",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("series", "scope"),
                        name="counter_one_per_series_scope",
                    )
                ],
            },
        ),
    ]
