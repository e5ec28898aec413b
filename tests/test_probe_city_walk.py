"""Probe of issue 19 from the outside (walk): a ward editor and a resident
using the city-scale installation through nginx, with and without Redis.
Each test here failed when written; see the docstrings for what was done."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _worker(code, folder, **extra):
    """One gunicorn worker's view of the settings, as its own process: no
    REDIS_URL, a read replica named (as docs/city.md, "The read replica",
    tells a city to set), the database a file of the test's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    database = f"sqlite:///{folder / 'wardnews.sqlite3'}"
    env.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL=database,
        DJANGO_DATABASE_REPLICA_URL=database,
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_redis_a_change_saved_in_one_worker_keeps_the_others_off_the_replica(
    tmp_path,
):
    """A city with a read replica and no Redis (settings allow it; gunicorn
    runs 3 workers). An editor withdraws an article: the save runs in worker
    A, which notes "ward changed" so that for REPLICA_LAG_SECONDS the ward's
    pages render from the primary (wardnews/replica.py). The note goes to
    Django's cache, which without Redis is each process's own memory. The
    generations live in the database, so worker B learns at once that its
    kept home page is stale, and renders it anew - from the replica, which
    may not have the withdrawal yet - and keeps that render under the new
    generation for LIST_SECONDS: the withdrawn article stays on the home
    page of the readers B serves for up to a minute, nginx spreading it.

    Either the note reaches every worker (as the generations do, through
    the database) or the settings refuse a replica without Redis."""
    made = _worker(
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)",
        tmp_path,
    )
    assert made.returncode == 0, made.stderr
    ward = 1  # The default ward the migration makes.
    # Worker A: what saving any of the ward's articles calls.
    saved = _worker(
        "from pages.generations import changed\n"
        "from wardnews import replica\n"
        f"changed({ward})\n"
        f"print(replica.recently_changed({ward}))",
        tmp_path,
    )
    if saved.returncode != 0:
        # Refused at start: a replica needs a shared cache. Say so clearly.
        assert "REDIS_URL" in saved.stderr, saved.stderr
        return
    assert saved.stdout.split()[-1] == "True", saved.stderr  # A knows.
    # Worker B, a moment later: the next reader of the ward's home page.
    other = _worker(
        f"from wardnews import replica\nprint(replica.recently_changed({ward}))",
        tmp_path,
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout.split()[-1] == "True", (
        "another worker renders the ward's pages from the replica right "
        "after the change, and keeps them"
    )
