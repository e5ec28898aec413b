"""The admin's article search: a few distinct words, looked up through the
folded words readers' search uses (PostgreSQL: their indexed tsvector), and
no statement of a request running past DATABASE_STATEMENT_TIMEOUT_MS: a
search that takes too long gets a Vietnamese page, never a 500."""

import re
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from articles import search

ARTICLES = "/admin/articles/article/"


def listed(response):
    return sorted(article.title for article in response.context["cl"].result_list)


def search_statement(queries) -> str:
    """The statement that lists the changelist's page of articles."""
    found = [
        q["sql"]
        for q in queries
        if "search_folded" in q["sql"] or "search_vector" in q["sql"]
    ]
    assert found, [q["sql"] for q in queries]
    return found[-1]


def conditions(sql: str) -> int:
    """How many word conditions a search statement holds."""
    if connection.vendor == "postgresql":
        return sql.count("@@")
    return sql.count("LIKE")


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


def test_a_repeated_word_is_searched_once(writer_client, make_article):
    make_article(title="Phường ra quân tổng vệ sinh")
    with CaptureQueriesContext(connection) as queries:
        response = writer_client.get(ARTICLES, {"q": " ".join(["phuong"] * 400)})
    assert response.status_code == 200
    assert listed(response) == ["Phường ra quân tổng vệ sinh"]
    sql = search_statement(queries)
    assert conditions(sql) == 1
    assert sql.count("phuong") == 1


def test_at_most_eight_distinct_words_are_searched(writer_client, make_article):
    words = [f"tu{n}" for n in range(20)]
    make_article(title=" ".join(words[:8]))
    with CaptureQueriesContext(connection) as queries:
        response = writer_client.get(ARTICLES, {"q": " ".join(words)})
    assert listed(response) == [" ".join(words[:8])]
    sql = search_statement(queries)
    assert all(word not in sql for word in words[8:])
    if connection.vendor == "sqlite":
        assert conditions(sql) == 8


def test_one_letter_words_are_not_searched(writer_client, make_article):
    make_article(title="Tiêm chủng đợt 2")
    response = writer_client.get(ARTICLES, {"q": "a b tiem chung 2"})
    assert listed(response) == ["Tiêm chủng đợt 2"]


def test_dropped_words_are_said_in_vietnamese(writer_client, make_article):
    make_article(title="Tiêm chủng")
    page = writer_client.get(ARTICLES, {"q": "tiem tiem a chung"}).text
    assert "Chỉ tìm theo “tiem chung”" in page
    assert "tối đa 8 từ" in page
    quiet = writer_client.get(ARTICLES, {"q": "tiem chung"}).text
    assert "Chỉ tìm theo" not in quiet


def test_a_search_of_only_short_words_finds_nothing_and_says_why(
    writer_client, make_article
):
    make_article(title="Tin a")
    response = writer_client.get(ARTICLES, {"q": "a"})
    assert listed(response) == []
    assert "ít nhất 2 chữ cái" in response.text


def test_words_match_whole_with_or_without_accents(writer_client, make_article):
    make_article(title="Lịch tiếp công dân")
    make_article(title="Tiếp tục công việc")
    assert listed(writer_client.get(ARTICLES, {"q": "TIẾP CÔNG DÂN"})) == [
        "Lịch tiếp công dân"
    ]
    assert listed(writer_client.get(ARTICLES, {"q": "cong"})) == [
        "Lịch tiếp công dân",
        "Tiếp tục công việc",
    ]
    # Whole words, as readers' search: part of a word finds nothing.
    assert listed(writer_client.get(ARTICLES, {"q": "con"})) == []


def test_lead_and_body_words_are_found_not_their_markup(writer_client, make_article):
    make_article(title="Một", body='<p class="canh-bao">Tiêm chủng mở rộng</p>')
    assert listed(writer_client.get(ARTICLES, {"q": "tiem chung"})) == ["Một"]
    assert listed(writer_client.get(ARTICLES, {"q": "canh bao"})) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's search index"
)
def test_on_postgresql_the_search_reads_the_indexed_words(writer_client, make_article):
    make_article(title="Phường ra quân")
    with CaptureQueriesContext(connection) as queries:
        writer_client.get(ARTICLES, {"q": "phuong ra quan"})
    searches = [q["sql"] for q in queries if "search_vector" in q["sql"]]
    assert searches
    assert all(re.search(r"search_vector\"\)? @@", sql) for sql in searches), searches
    assert not any("LIKE" in sql.upper() for sql in searches)


class _Cancelled(Exception):
    """What psycopg raises for a cancelled statement (SQLSTATE 57014)."""

    pgcode = "57014"


def _timed_out():
    error = OperationalError("canceling statement due to statement timeout")
    error.__cause__ = _Cancelled()
    return error


def test_a_search_past_the_time_limit_gets_a_vietnamese_page(writer_client):
    with mock.patch.object(search, "matching", side_effect=_timed_out()):
        response = writer_client.get(ARTICLES, {"q": "phuong"})
    assert response.status_code == 503
    assert "Yêu cầu cần quá nhiều thời gian" in response.text
    assert "ít từ hơn" in response.text
    assert response["Retry-After"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's timeout")
def test_every_connection_has_the_statement_time_limit(db, settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (shown,) = cursor.fetchone()
    assert settings.STATEMENT_TIMEOUT_MS == 10_000
    assert shown == "10s"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's timeout")
@pytest.mark.django_db(transaction=True)
def test_a_statement_postgresql_stops_is_answered_not_a_500(
    writer_client, make_article
):
    """A real cancellation: the search made slow on purpose, the limit made
    short for the test."""
    make_article(title="Phường ra quân")
    matching = search.matching

    def slow(articles, query):
        return matching(articles, query).extra(where=["pg_sleep(0.5) IS NOT NULL"])

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")
    try:
        with mock.patch.object(search, "matching", side_effect=slow):
            response = writer_client.get(ARTICLES, {"q": "phuong"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 503
    assert "Yêu cầu cần quá nhiều thời gian" in response.text
