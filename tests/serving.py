"""The project as deployed, for the tests that need the real server: its
`manage.py` commands and `gunicorn wardnews.wsgi` run in child processes,
from the project root, with an environment of their own; and a request
answered as Django hands it to the WSGI server."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from .conftest import PHONE_UA

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def deployed_env(folder, port, **settings):
    """The environment a deployed server reads: none of this process's own
    Django, database, Redis or gunicorn settings, files in `folder`, gunicorn
    on `port`, then `settings`."""
    # As collectstatic leaves it: WhiteNoise warns about a missing folder.
    (folder / "static").mkdir(exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        # Every request comes from this one address, faster than a reader.
        DJANGO_RENDERS_PER_SECOND="0",
        DJANGO_SEARCHES_PER_SECOND="0",
    )
    env.update(settings)
    return env


def manage(env, *commands, timeout=300):
    """Runs each `manage.py` command in turn; a failure fails with its output."""
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT,
            env=env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )


def shell(env, code, timeout=120) -> str:
    """`manage.py shell -c code` in its own process: what it printed."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    ).stdout


class Gunicorn:
    """`gunicorn wardnews.wsgi` as deployed (the project's gunicorn.conf.py),
    its output in `folder`: stdout (gunicorn's and Django's JSON log lines)
    in gunicorn.log, stderr in gunicorn.err. Started, it answers /healthz."""

    def __init__(self, env, folder):
        self.base = f"http://{env['GUNICORN_BIND']}"
        self.log = folder / "gunicorn.log"
        self.err = folder / "gunicorn.err"
        with self.log.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [str(GUNICORN), "wardnews.wsgi"],
                cwd=PROJECT,
                env=env,
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # It answers; whether the site is well is the test's.
            except OSError:
                if self.process.poll() is not None:
                    pytest.fail(f"gunicorn stopped at start:\n{self.said()}")
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"gunicorn did not answer within 30 s:\n{self.said()}")
                time.sleep(0.2)

    def requests_logged(self, count, seconds=10):
        """Waits until gunicorn has logged ``count`` requests: it writes a
        request's line after the answer has left, so a test that has its
        answers may be a moment ahead of the log."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            lines = self.log.read_text().count('"logger": "gunicorn.access"')
            if lines >= count:
                return
            time.sleep(0.05)

    def said(self):
        return self.log.read_text() + self.err.read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def served_to_head(url, **headers):
    """A reader's HEAD request, answered as Django hands it to the WSGI
    server (the test client would drop the body itself): the response, the
    body bytes, the number of queries run."""
    headers = {"user-agent": PHONE_UA, **headers}
    request = RequestFactory(headers=headers).head(url)
    # As the test client does: the test's transaction stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = WSGIHandler()(request.environ, lambda status, headers: None)
            body = b"".join(response)
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return response, body, len(queries)
