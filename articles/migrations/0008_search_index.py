"""Fill the search text of existing articles; on PostgreSQL, index it.

The index is on the same expression the search query uses (Django's
SearchVector over search_folded with the "simple" configuration), so a
search reads the index instead of every article. SQLite searches without it.
"""

from django.db import migrations

from vietnamese.text import fold_accents, search_words

INDEX = "article_search_folded_idx"


def fill_search_text(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("title", "lead", "body").iterator():
        text = search_words(article.title, article.lead, article.body)
        Article.objects.filter(pk=article.pk).update(
            search_text=text, search_folded=fold_accents(text)
        )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin "
            "(to_tsvector('simple'::regconfig, COALESCE(search_folded, ''))) "
            # Found at once after a bulk import, not after the next VACUUM.
            "WITH (fastupdate = off)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_search_and_daily_views")]

    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
