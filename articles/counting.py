"""The view counter behind "Lượt xem": who counts, and how a view is stored."""

import re

from django.db import connection

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
    """Add one view in the database and return the stored count after it.

    A single UPDATE ... RETURNING: the database adds the one, so concurrent
    readers never overwrite each other's views, and no second query reads the
    count back. PostgreSQL and SQLite (3.35+) both support it.
    """
    table = connection.ops.quote_name(article._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET view_count = view_count + 1 "  # noqa: S608
            "WHERE id = %s RETURNING view_count",
            [article.pk],
        )
        row = cursor.fetchone()
    if row is not None:  # None: the article was deleted meanwhile.
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
