"""Settings come from the environment, and a bad value stops the site at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
)


def load_settings(show=SHOW, **env):
    """Runs `show` (Python) with the settings the environment `env` makes."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="wardnews.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", show],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_developer_gets_sqlite_in_the_project_folder():
    result = load_settings(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        str(PROJECT / "db.sqlite3"),
    ]


def test_database_url_picks_postgresql():
    result = load_settings(
        DJANGO_DEBUG="true", DATABASE_URL="postgres://ward:pw@db.local:5433/tin"
    )
    assert result.stdout.split() == ["True", "django.db.backends.postgresql", "tin"]


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be true or false, not 'maybe'"),
        ({"DJANGO_DEBUG": "false"}, "Set DJANGO_SECRET_KEY"),
        (
            {"DJANGO_DEBUG": "true", "DATABASE_URL": "mysql://root@localhost/tin"},
            "DATABASE_URL must look like postgres://",
        ),
        (
            {"DJANGO_DEBUG": "true", "DATABASE_URL": "localhost:5432"},
            "DATABASE_URL must look like postgres://",
        ),
        (
            {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://localhost:5432/"},
            "DATABASE_URL names no database",
        ),
        (
            {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://u@db:port/tin"},
            "DATABASE_URL is malformed",
        ),
        (
            {"DJANGO_DEBUG": "true", "DATABASE_URL": "sqlite://"},
            "DATABASE_URL names no database",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_HSTS_SECONDS": "a year"},
            "DJANGO_HSTS_SECONDS must be a whole number, not 'a year'",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_MEDIA_ROOT": ""},
            "DJANGO_MEDIA_ROOT must be an absolute path, not ''",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_STATIC_ROOT": "static"},
            "DJANGO_STATIC_ROOT must be an absolute path, not 'static'",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_QUESTIONS_RETENTION_MONTHS": "2 năm"},
            "DJANGO_QUESTIONS_RETENTION_MONTHS must be a whole number, not '2 năm'",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_QUESTIONS_RETENTION_MONTHS": "0"},
            "DJANGO_QUESTIONS_RETENTION_MONTHS must be 1 or more",
        ),
        (
            {"DJANGO_DEBUG": "true", "DJANGO_QUESTIONS_ANSWER_WORKING_DAYS": "0"},
            "DJANGO_QUESTIONS_ANSWER_WORKING_DAYS must be 1 or more",
        ),
    ],
)
def test_a_bad_value_is_refused_at_start(env, complaint):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_runs_with_a_real_secret_key_and_debug_off():
    result = load_settings(DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
