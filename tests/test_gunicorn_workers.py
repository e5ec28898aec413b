"""gunicorn.conf.py replaces a worker for what it costs (memory, age), not
after a number of requests, which at full load threw its kept pages away
every half minute."""

import logging
import runpy
import time
from types import SimpleNamespace

import pytest

from .serving import PROJECT


def config(monkeypatch, **environ):
    # The hooks run in this test process, whose peak memory after a whole
    # suite passes the default 512 MB: no limit unless the test sets one.
    environ.setdefault("GUNICORN_MAX_WORKER_MB", "1000000")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(PROJECT / "gunicorn.conf.py"))


def worker():
    return SimpleNamespace(alive=True, pid=1234, log=logging.getLogger("test"))


def serve(conf, w, requests):
    for _ in range(requests):
        conf["post_request"](w, None, {}, None)


def test_no_worker_is_replaced_for_its_number_of_requests(monkeypatch):
    conf = config(monkeypatch)
    assert conf["max_requests"] == 0
    w = worker()
    conf["post_fork"](None, w)
    serve(conf, w, 5 * conf["CHECK_EVERY"])
    assert w.alive


def test_a_worker_grown_past_its_memory_leaves_after_its_request(monkeypatch):
    conf = config(monkeypatch, GUNICORN_MAX_WORKER_MB="1")
    w = worker()
    conf["post_fork"](None, w)
    serve(conf, w, conf["CHECK_EVERY"] - 1)
    assert w.alive  # Looked at once every CHECK_EVERY requests.
    serve(conf, w, 1)
    assert not w.alive


@pytest.mark.parametrize("hours_ago, leaves", [(21, False), (27, True)])
def test_a_worker_leaves_after_its_hours_give_or_take_a_tenth(
    monkeypatch, hours_ago, leaves
):
    conf = config(monkeypatch, GUNICORN_MAX_WORKER_HOURS="24")
    w = worker()
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now - hours_ago * 3600)
    conf["post_fork"](None, w)
    monkeypatch.setattr(time, "monotonic", lambda: now)
    serve(conf, w, conf["CHECK_EVERY"])
    assert w.alive is not leaves
