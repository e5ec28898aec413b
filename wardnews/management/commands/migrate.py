"""Django's migrate, without the time limit every statement of a request has
(DATABASE_STATEMENT_TIMEOUT_MS): one statement of a migration may rewrite or
index a table of 100,000 articles."""

from django.core.management.commands import migrate
from django.db import connections


class Command(migrate.Command):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        try:
            return super().handle(*args, **options)
        finally:
            # Back to the connection's own limit: the test suite goes on
            # with the connection it migrated.
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
