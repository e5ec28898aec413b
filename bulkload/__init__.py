"""Loading rows in bulk (the generators and importers of articles and
documents): the planner told of them at once, and a search index filled in
one pass at the end rather than row by row."""

from contextlib import contextmanager

from django.db import connection


def analyze(*models) -> None:
    """Let the database's planner know the models' tables at once.

    Until autovacuum's ANALYZE comes round (minutes later, on its own
    schedule), PostgreSQL's planner knows nothing of rows just loaded and
    picks plans for an empty table: right after 100,000 articles, older
    category pages took 2 to 24 s and an admin search minutes. ANALYZE reads
    a sample of each table: seconds, once. One table a statement, as SQLite
    takes them.

    On PostgreSQL outside a transaction (a command, not a test), VACUUM
    (ANALYZE): it also marks the new rows' pages all-visible, so that a
    count reads an index alone (sitemap.xml counts the ward's articles:
    822 pages read instead of 21,826 at 100,000) and the first readers do
    not write the rows' hint bits. 3 s at 100,000 articles."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"{command} {table}")


def analyze_everything() -> None:
    """analyze() for every table of the database at once: after a restore
    (pg_restore brings the rows back but not the planner's statistics, so
    the first hours would run on plans made for empty tables)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def search_index_filled_at_end(model):
    """On PostgreSQL, the model's GIN search indexes (made with fastupdate
    off, so that each save is indexed at once) take the new rows into their
    pending list and merge them in one pass at the end: several times faster
    than row by row. Use inside the caller's transaction, so the indexes'
    setting comes back whatever happens; meanwhile they are locked (no reader
    of this database can search the table: a tool for bench and developer
    databases)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s "
            "AND schemaname = current_schema() "
            "AND indexdef LIKE '%%USING gin%%fastupdate=off%%'",
            [model._meta.db_table],
        )
        names = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f"ALTER INDEX {name} SET (fastupdate = on)")
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        # Merging a hundred thousand rows into the index is one long
        # statement: not bound by the limit requests have.
        cursor.execute("SET LOCAL statement_timeout = 0")
    yield
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])
            cursor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
