"""On PostgreSQL, each document's folded words as a stored tsvector with a
GIN index, read by documents/search.py (as articles' migration 0016 does).
The model has no field for it: the ORM never writes it, SQLite has none."""

from django.db import migrations

INDEX = "document_search_idx"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE documents_document ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_folded)) "
        "STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON documents_document USING gin (search_vector) "
        "WITH (fastupdate = off)"
    )


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE documents_document DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(add_column, drop_column)]
