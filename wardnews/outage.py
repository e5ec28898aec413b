"""While the database is unreachable, readers get a short Vietnamese "try
again soon" page (503 with Retry-After) instead of a generic error, at once.

Why 503 and not 500: a 500 says the site is broken, and search engines drop
or demote the pages that answer it; a 503 with Retry-After says "come back
later", which crawlers, monitors and proxies all honour. Nothing needs to be
done when the database returns: each request asks Django for a connection,
CONN_HEALTH_CHECKS drops a persistent one that died, and the next one
connects again (settings.py gives a connect timeout, so a database host that
does not answer at all costs a worker seconds, not minutes).

Two ways in, one page:
- DatabaseOutageMiddleware catches the error from a view or its template
  (nearly every case), so each request logs one line, not a traceback;
- server_error (handler500) catches it from another middleware, such as the
  ward lookup reloading its host map during a long outage.

A statement PostgreSQL stopped for running past DATABASE_STATEMENT_TIMEOUT_MS
(settings.py) is answered the same two ways, with a page of its own: the
database is there, but that page asked too much of it (503, "try again
later, or ask less": a narrower search).
"""

import logging
import sqlite3
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from .health import healthz

logger = logging.getLogger(__name__)

# Long enough for a database restart, short enough that readers come back.
RETRY_AFTER_SECONDS = 30

# SQLite's ways of saying "not now" rather than "this query is wrong".
_SQLITE_UNAVAILABLE = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN"}


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether the error means the database cannot be reached right now
    (down, restarting, the connection lost), not that a query is wrong.

    PostgreSQL: a failed connection or a lost one carries no SQLSTATE, or
    one of class 08 (connection exception) or 57P (the server shutting down,
    crashed, or still starting up). InterfaceError: a connection Django
    already knows is closed.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorname", "") in _SQLITE_UNAVAILABLE
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return code is None or code.startswith(("08", "57P"))


def is_statement_timeout(error: BaseException | None) -> bool:
    """Whether PostgreSQL cancelled a statement (SQLSTATE 57014,
    query_canceled): past statement_timeout, or cancelled by an operator."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return code == "57014"


def unavailable_response(template: str = "503.html") -> HttpResponse:
    """The 503 page. Rendered without the request, so no context processor
    (which would read the ward and its menu from the database) runs."""
    page = loader.get_template(template).render()
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy or browser must not keep serving the outage after it ends.
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """Answers the 503 page when a view or its template cannot reach the
    database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return _answer(request, exception)


def _answer(request, error):
    """The page for a database error, or None for any other error."""
    if is_statement_timeout(error):
        logger.warning(
            "Statement stopped after %s ms: %s",
            settings.STATEMENT_TIMEOUT_MS,
            request.get_full_path()[:200],
            extra={"request": request},
        )
        return unavailable_response("503_too_long.html")
    if not is_database_unavailable(error):
        return None
    # Django logs the 503 itself (django.request); this says why.
    reason = str(error).strip().partition("\n")[0]
    logger.warning("Database unavailable: %s", reason, extra={"request": request})
    return unavailable_response()


def server_error(request, *args, **kwargs):
    """handler500: the 503 page when what failed is the database's absence,
    else the usual 500 page."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error) and request.path_info == "/healthz":
        # A monitor asking for health gets the plain answer it reads.
        return healthz(request)
    return _answer(request, error) or defaults.server_error(request, *args, **kwargs)
