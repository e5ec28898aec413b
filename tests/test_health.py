"""/healthz answers a load balancer or monitor: fast, plain, never cached,
no cookie, and 503 naming what failed."""

import json
import logging
import re
import sys
import time
import urllib.request

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.checks import run_checks

from wardnews.logs import JsonFormatter
from wards import hosts

from .serving import Gunicorn, deployed_env, free_port, manage
from .test_outage import take_away
from .test_production import fetch


class BrokenCache(BaseCache):
    """A shared cache whose server is gone."""

    def __init__(self, location, params):
        super().__init__(params)

    def set(self, *args, **kwargs):
        raise ConnectionRefusedError("cache server down")

    def get(self, *args, **kwargs):
        raise ConnectionRefusedError("cache server down")


def test_it_says_ok_fast_plain_and_uncached(reader, make_article):
    article = make_article()
    started = time.monotonic()
    response = reader.get("/healthz")
    assert time.monotonic() - started < 0.5
    assert response.status_code == 200
    # "ok" first; a line on the shared Redis's durability may follow (below).
    assert response.content.splitlines()[0] == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    # A monitor asking every few seconds is no reader.
    article.refresh_from_db()
    assert article.view_count == 0


@pytest.mark.django_db(transaction=True)
def test_it_names_the_database_when_it_cannot_be_reached(reader, ward, monkeypatch):
    take_away(monkeypatch)
    started = time.monotonic()
    response = reader.get("/healthz")
    assert time.monotonic() - started < 1
    assert response.status_code == 503
    assert response.content == b"database: OperationalError\n"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_it_answers_plainly_even_before_the_ward_is_known(reader, ward, monkeypatch):
    """During a long outage the ward map is reloaded, and fails, before the
    view is reached: still the monitor's plain answer."""
    take_away(monkeypatch)
    hosts.clear()
    # As served: the test client would re-raise what handler500 answers.
    reader.raise_request_exception = False
    response = reader.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: OperationalError\n"


def test_it_checks_a_shared_cache_when_one_is_configured(
    reader, db, settings, tmp_path
):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    assert reader.get("/healthz").content.splitlines()[0] == b"ok"
    assert list((tmp_path / "cache").iterdir()) == []  # It cleans up after itself.

    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": f"{__name__}.BrokenCache"},
    }
    response = reader.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"cache pages: ConnectionRefusedError\n"


# --- Does the shared Redis keep what it holds? --------------------------

NO_PERSISTENCE_LINE = (
    b"redis: neither appendonly nor a save policy: "
    b"the views waiting in it are lost if it stops\n"
)


def on_redis(settings, server):
    settings.REDIS_URL = server.url()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def deploy_warnings():
    return {
        message.id: message.msg
        for message in run_checks(include_deployment_checks=True)
        if message.id.startswith("wardnews.")
    }


def test_it_says_when_redis_keeps_nothing_on_disk(
    reader, db, settings, throwaway_redis
):
    on_redis(settings, throwaway_redis("--save", "", "--appendonly", "no"))
    response = reader.get("/healthz")
    assert response.status_code == 200  # Still serving: no reason to stop.
    assert response.content == b"ok\n" + NO_PERSISTENCE_LINE
    [(name, said)] = deploy_warnings().items()
    assert name == "wardnews.W001"
    assert "appendonly" in said


@pytest.mark.parametrize(
    "options",
    [("--appendonly", "yes", "--save", ""), ("--appendonly", "no", "--save", "60 1")],
)
def test_a_redis_with_an_append_only_file_or_snapshots_is_ok(
    reader, db, settings, throwaway_redis, options
):
    on_redis(settings, throwaway_redis(*options))
    assert reader.get("/healthz").content == b"ok\n"
    assert deploy_warnings() == {}


def test_a_redis_that_refuses_config_is_said_unchecked_not_failed(
    reader, db, settings, throwaway_redis
):
    """Managed Redis services often disable CONFIG."""
    on_redis(
        settings,
        throwaway_redis(
            "--save", "", "--appendonly", "no", "--rename-command", "CONFIG", ""
        ),
    )
    response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\nredis: persistence not checked (ResponseError)\n"
    assert list(deploy_warnings()) == ["wardnews.W002"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get_and_head(reader, db, method):
    assert getattr(reader, method)("/healthz").status_code == 405
    assert reader.head("/healthz").status_code == 200


# --- Logs: JSON lines on stdout -------------------------------------------


def test_django_logs_a_json_line_with_the_request_and_no_query(rf):
    request = rf.get(
        "/tim-kiem/?q=mat-khau&token=bi-mat", headers={"x-request-id": "abc-123"}
    )
    try:
        raise ValueError("hỏng")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (request.path,),
            sys.exc_info(),
            extra={"request": request, "status_code": 500},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "Internal Server Error: /tim-kiem/"
    assert (entry["request_id"], entry["method"], entry["path"], entry["status"]) == (
        "abc-123",
        "GET",
        "/tim-kiem/",
        500,
    )
    assert "ValueError: hỏng" in entry["exc"]
    assert "bi-mat" not in line and "mat-khau" not in line


@pytest.mark.gunicorn
def test_gunicorn_logs_json_lines_with_one_request_id(tmp_path):
    """gunicorn's request lines and Django's error lines are JSON on stdout,
    carry the proxy's request id (or a new one), and no query string."""
    env = deployed_env(
        tmp_path,
        free_port(),
        DJANGO_SECRET_KEY="logs-test-" + "k" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_WORKERS="1",
    )
    manage(env, ["migrate", "--no-input"])
    server = Gunicorn(env, tmp_path)
    try:
        fetch(server.base + "/healthz?token=bi-mat", **{"X-Request-ID": "nginx-42"})
        fetch(server.base + "/robots.txt", **{"X-Request-ID": "x" * 500})  # Not an id.
        fetch(server.base + "/robots.txt", Host="ke-la.example")
        # A link checker: answered without a body for gunicorn to drop.
        urllib.request.urlopen(
            urllib.request.Request(server.base + "/robots.txt", method="HEAD"),
            timeout=10,
        ).close()
        server.requests_logged(5)  # /healthz when it started, and these four.
    finally:
        server.stop()
    out, err = server.log.read_bytes(), server.err.read_bytes()
    assert err == b"", err.decode()
    lines = [json.loads(line) for line in out.decode().splitlines()]
    requests = {
        (e["path"], e["status"]): e
        for e in lines
        if e["logger"] == "gunicorn.access" and e["method"] == "GET"
    }
    given = requests["/healthz", 200]
    replaced = requests["/robots.txt", 200]
    refused = requests["/robots.txt", 400]
    assert given["request_id"] == "nginx-42"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["request_id"])
    assert given["duration_ms"] >= 0 and given["bytes"] == 3
    assert "bi-mat" not in out.decode()
    [disallowed] = [e for e in lines if e["logger"] == "django.security.DisallowedHost"]
    assert disallowed["request_id"] == refused["request_id"]
    [head] = [e for e in lines if e.get("method") == "HEAD"]
    assert (head["path"], head["status"], head["bytes"]) == ("/robots.txt", 200, 0)
    assert [e for e in lines if e["level"] == "WARNING"] == []
