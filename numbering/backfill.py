"""Numbering the rows a table already has: what a migration adding a model's
number (numbering.rows.register) runs."""

from django.db import migrations, models

import bulkload

FIELD = models.PositiveIntegerField(
    editable=False, verbose_name="số thứ tự trong phường"
)


def ward_seq_operations(app_label: str, model_name: str) -> list:
    """The model's ``ward_seq``, added, filled for the rows there (in the
    order of their ids, each ward's from 1, its counter set to its last)
    and made unique per ward."""

    def number_rows(apps, schema_editor):
        number_existing(
            schema_editor, apps.get_model(app_label, model_name), "ward_seq", "ward"
        )

    def forget_numbers(apps, schema_editor):
        # The column goes: its counters with it, so that going forward again
        # numbers the rows afresh.
        Counter = apps.get_model("numbering", "Counter")
        Counter.objects.filter(series=f"{app_label}.{model_name}").delete()

    nullable = FIELD.clone()
    nullable.null = True
    return [
        migrations.AddField(model_name=model_name, name="ward_seq", field=nullable),
        migrations.RunPython(number_rows, forget_numbers),
        migrations.AlterField(
            model_name=model_name, name="ward_seq", field=FIELD.clone()
        ),
        migrations.AddConstraint(
            model_name=model_name,
            constraint=models.UniqueConstraint(
                fields=("ward", "ward_seq"), name=f"{model_name}_seq_per_ward"
            ),
        ),
    ]


def number_existing(schema_editor, model, field: str, scope: str) -> None:
    """Number ``model``'s rows 1, 2, 3… within each value of ``scope`` in
    the order they were made (their ids), and set each scope's counter to
    its last number: one statement each, on PostgreSQL and SQLite alike."""
    quote = schema_editor.connection.ops.quote_name
    table = quote(model._meta.db_table)
    field_column = quote(model._meta.get_field(field).column)
    scope_column = quote(model._meta.get_field(scope).column)
    # Every row is written again, and so is its entry in every index: the
    # search's GIN index takes them into its pending list and merges once.
    with (
        bulkload.search_index_filled_at_end(model),
        schema_editor.connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET {field_column} = numbered.n FROM ("
            f"SELECT id, ROW_NUMBER() OVER (PARTITION BY {scope_column} ORDER BY id)"
            f" AS n FROM {table}) AS numbered WHERE {table}.id = numbered.id"
        )
        cursor.execute(
            "INSERT INTO numbering_counter (series, scope, last) "
            f"SELECT %s, {scope_column}, MAX({field_column}) FROM {table} "
            f"GROUP BY {scope_column}",
            [model._meta.label_lower],
        )
