"""On PostgreSQL, keep each article's folded words as a stored tsvector,
indexed, instead of indexing an expression (migration 0008).

With the expression index, a word found in one article in ten made the
planner walk the newest articles and build each one's tsvector on the fly
(half a millisecond each): seconds at 100,000 articles. A stored column is
read, not computed, whichever plan is chosen.

The column is PostgreSQL's alone (GENERATED ALWAYS ... STORED): the model
has no field for it, so the ORM never writes it and SQLite, which has none,
works as before. articles/search.py reads it.
"""

from django.db import migrations

# The name the expression's index had (migration 0008), which the bulk
# import's tests know it by.
INDEX = "article_search_folded_idx"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        "ALTER TABLE articles_article ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_folded)) "
        "STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON articles_article USING gin (search_vector) "
        # Found at once after a bulk import, not after the next VACUUM.
        "WITH (fastupdate = off)"
    )


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Its index goes with it.
    schema_editor.execute("ALTER TABLE articles_article DROP COLUMN search_vector")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON articles_article USING gin "
        "(to_tsvector('simple'::regconfig, COALESCE(search_folded, ''))) "
        "WITH (fastupdate = off)"
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_reader_page_indexes")]

    operations = [migrations.RunPython(add_column, drop_column)]
