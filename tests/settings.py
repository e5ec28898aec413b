"""Fast settings for the test suite: the real ones, with test-only shortcuts."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "false")

from wardnews.settings import *  # noqa: E402, F403
from wardnews.settings import DATABASES

# The test wards' hosts; anything else is refused as in production.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".localhost"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the counter's concurrency tests write from threads.
    # One per run, so two suites running at once never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"wardnews-test-{os.getpid()}.db")
    }

# Never scan a collectstatic output left in the project: WhiteNoise would
# rebuild its file list for every test client.
STATIC_ROOT = os.path.join(tempfile.gettempdir(), "wardnews-test-static-none")

# One process: the page generations in its memory, as they were before they
# moved to the database (no query per request to count in every page's
# query budget). The database's are tested on their own, with real
# processes too (tests/test_page_cache_workers.py).
PAGE_GENERATIONS_IN_DATABASE = False

# "Tin đọc nhiều" read afresh for every page: tests add views and look at
# once. Its sharing is tested on its own (tests/test_most_read.py).
MOST_READ_RANKING_SECONDS = 0

# Tests ask for pages faster than any reader: no cap on renders, but in the
# tests of the cap itself (tests/test_render_limits.py).
RENDERS_PER_SECOND = 0
SEARCHES_PER_SECOND = 0

# The suite's staff sign in with force_login, which has no second step: the
# two-step tests (tests/test_twostep*.py) turn on the production rule,
# superusers and editors (wardnews/settings.py), for themselves.
TWO_STEP_REQUIRED_FOR = frozenset()
# Tasks run the moment they are queued, in the test's own transaction, so a
# test sees their work at once; the tests of the queue itself (outbox's, the
# renditions') switch to the database backend and run the worker themselves
# (the `task_queue` fixture in tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
