"""The view counter behind "Lượt xem": who counts, and how a view is stored."""

import re

from django.db import connection, transaction
from django.utils import timezone

from .models import DailyViews

# Crawlers and link-preview fetchers announce themselves in the User-Agent.
# In-app browsers (Zalo, Facebook's FBAN/FBAV, Messenger) are residents
# reading the news and are deliberately not in this list; nor are phones of
# the CUBOT brand, whose model name ends in "bot".
_NOT_A_READER = re.compile(
    r"(?<!cu)bot\b|crawl|spider|slurp|mediapartners|facebookexternalhit"
    r"|facebookcatalog|meta-externalagent|embedly|preview|whatsapp|skypeuripreview"
    r"|vkshare|pinterest|headlesschrome|lighthouse|curl/|wget/"
    r"|python-requests|python-urllib|httpx|go-http-client|java/|okhttp|libwww",
    re.IGNORECASE,
)

# One browser reloading an article within this time counts once. A cookie
# tells, not the IP address: a whole office or school shares one address.
RECOUNT_AFTER_SECONDS = 30 * 60
SEEN_COOKIE = "wn_seen_{pk}"


def is_reader(request) -> bool:
    """Whether this request is a person reading the page."""
    if request.method != "GET":
        return False  # HEAD asks for headers: link checkers, not readers.
    user_agent = request.headers.get("User-Agent", "")
    return bool(user_agent) and not _NOT_A_READER.search(user_agent)


def seen_cookie_name(article) -> str:
    return SEEN_COOKIE.format(pk=article.pk)


def should_count(request, article) -> bool:
    """A reader's first view in RECOUNT_AFTER_SECONDS, and not staff checking
    their own work (previews and proofreading are not readership)."""
    if not is_reader(request) or seen_cookie_name(article) in request.COOKIES:
        return False
    return not request.user.is_staff


def increment_view_count(article) -> int:
    """Add one view in the database, to the total and to today's row, and
    return the stored total after it.

    Two statements, one transaction, so the total and the days always add up:

    - a single UPDATE ... RETURNING on the total: the database adds the one,
      so concurrent readers never overwrite each other's views, and no second
      query reads the count back;
    - an INSERT ... ON CONFLICT DO UPDATE on the article's row of the ward's
      day (TIME_ZONE, not UTC), made by the first view of the day and
      incremented in place by the others, with no read-then-write race.

    PostgreSQL and SQLite support both (SQLite from 3.35 for RETURNING, from
    3.24 for ON CONFLICT). The UPDATE comes first: on PostgreSQL its row lock
    queues the article's concurrent views, and a deleted article gets no day
    row. This function is the one place views are stored: keep it so.
    """
    quote = connection.ops.quote_name
    articles = quote(article._meta.db_table)
    days = quote(DailyViews._meta.db_table)
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    # No savepoint: inside a caller's transaction both statements simply
    # belong to it, and stand or fall with it. Only the quoted table names are
    # formatted into the SQL; values go as parameters.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {articles} SET view_count = view_count + 1 "
            "WHERE id = %s RETURNING view_count",
            [article.pk],
        )
        row = cursor.fetchone()
        if row is None:  # The article was deleted meanwhile.
            return article.view_count
        cursor.execute(
            f"INSERT INTO {days} (article_id, day, views) "
            "VALUES (%s, %s, 1) ON CONFLICT (article_id, day) "
            f"DO UPDATE SET views = {days}.views + 1",
            [article.pk, today],
        )
    article.view_count = row[0]
    return article.view_count


def mark_seen(response, article) -> None:
    """Remember in this browser that it has been counted for this article.

    One small cookie per article, sent back only to that article's page, so
    it travels with no other request and expires on its own.
    """
    response.set_cookie(
        seen_cookie_name(article),
        "1",
        max_age=RECOUNT_AFTER_SECONDS,
        path=article.get_absolute_url(),
        httponly=True,
        samesite="Lax",
    )


def count_view(request, article, response) -> None:
    """Count this request as a view of the article, if it is one.

    The one entry point the article page calls, before its response is
    rendered, so that the page shows the count including this view.
    """
    if should_count(request, article):
        increment_view_count(article)
        mark_seen(response, article)
