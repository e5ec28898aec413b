"""The questions' codes counted by numbering/'s counters (one a year in the
series "questions.code"), as each ward's numbers are: the years' last
numbers move there, and the questions' own counter table goes, with its
content type and permissions (else left behind, naming no model)."""

from django.db import migrations

SERIES = "questions.code"


def move_counts(apps, schema_editor):
    CodeCounter = apps.get_model("questions", "CodeCounter")
    Counter = apps.get_model("numbering", "Counter")
    Counter.objects.bulk_create(
        Counter(series=SERIES, scope=year, last=last)
        for year, last in CodeCounter.objects.values_list("year", "last")
    )


def move_counts_back(apps, schema_editor):
    CodeCounter = apps.get_model("questions", "CodeCounter")
    Counter = apps.get_model("numbering", "Counter")
    counters = Counter.objects.filter(series=SERIES)
    CodeCounter.objects.bulk_create(
        CodeCounter(year=year, last=last)
        for year, last in counters.values_list("scope", "last")
    )
    counters.delete()


def forget_the_model(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="questions", model="codecounter").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0004_ward_seq"),
        ("numbering", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_counts, move_counts_back),
        migrations.DeleteModel(name="CodeCounter"),
        migrations.RunPython(forget_the_model, migrations.RunPython.noop),
    ]
