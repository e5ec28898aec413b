"""A database made before the code moved into layers (wards and the login
guard to the top level, shared building blocks out of articles) migrates with
today's code: nothing of the move is left to apply (only what came after
it), and what staff had still works, their
roles, permissions, article history, the admin's log and failed logins.

tests/data/before-layers.sqlite3 is such a database, made by the code of
48cb30b (tests/data/README.md says how). Each test runs `manage.py` on a copy
of it in a child process, as an operator upgrading would: they use that
SQLite file whichever database the suite runs on."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
BEFORE_THE_MOVE = Path(__file__).resolve().parent / "data" / "before-layers.sqlite3"

# What the database held when it was made (tests/data/README.md).
ARTICLES = 14
WARDS = {"phuc-loi": "Phường Phúc Lợi", "bo-de": "Phường Bồ Đề"}
EDITED_TITLE = "Lịch cắt điện tuần tới ở tổ dân phố số 5 (bản nháp)"
# Migrations of the apps the database had, made after it: the upgrade applies
# these and no other of theirs (a new app's migrations all apply).
MADE_SINCE = {
    ("wards", "0007_footer_notice"),
    ("wards", "0008_staff"),
    ("wards", "0009_invitation_links"),
    ("articles", "0017_article_credit"),
    ("articles", "0018_daily_views_ward"),
    ("articles", "0019_reader_indexes_without_statistics"),
    ("articles", "0020_ward_seq"),
    ("articles", "0021_search_index_by_ward"),
}

# Run by `manage.py shell` on the migrated copy: what staff would find, as
# one line of JSON. Models by app label, as stored rows name them, not by
# module path, which is what moved.
WHAT_STAFF_FIND = """
import json
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

Article = apps.get_model("articles", "Article")
Ward = apps.get_model("wards", "Ward")
Membership = apps.get_model("wards", "Membership")
AccessAttempt = apps.get_model("axes", "AccessAttempt")

users = {user.username: user for user in User.objects.all()}
# The article whose history was kept: a revision finds it.
edited = Version.objects.order_by("pk").first().object
phucloi_article = Article.objects.filter(ward__slug="phuc-loi").first()
bode_article = Article.objects.filter(ward__slug="bo-de").first()
phucloi = Ward.objects.get(slug="phuc-loi")

def may(username, permission, obj=None):
    return users[username].has_perm(permission, obj)

print(json.dumps({
    "stale_content_types": sorted(
        f"{ct.app_label}.{ct.model}"
        for ct in ContentType.objects.all()
        if ct.model_class() is None
    ),
    "articles": Article.objects.count(),
    "numbered": sorted(
        Article.objects.values_list("ward__slug", "ward_seq").order_by("pk")
    ),
    "wards": dict(Ward.objects.values_list("slug", "name")),
    "roles": sorted(
        [m.user.username, m.ward.slug, m.role.name]
        for m in Membership.objects.select_related("user", "ward", "role")
    ),
    "permissions": {
        "writer changes articles": may("phongvien", "articles.change_article"),
        "writer changes his ward's article": may(
            "phongvien", "articles.change_article", phucloi_article
        ),
        "writer changes another ward's article": may(
            "phongvien", "articles.change_article", bode_article
        ),
        "writer publishes": may("phongvien", "articles.publish_article"),
        "writer sees statistics (his own permission)": may(
            "phongvien", "articles.view_statistics"
        ),
        "editor publishes in Phuc Loi": may(
            "bientapvien", "articles.publish_article", phucloi_article
        ),
        "editor publishes in Bo De, where he writes": may(
            "bientapvien", "articles.publish_article", bode_article
        ),
        "editor sees Phuc Loi's staff (added to the role)": may(
            "bientapvien", "wards.view_membership", phucloi
        ),
        "contributor adds articles in Bo De": may(
            "congtacvien", "articles.add_article", bode_article
        ),
        "contributor changes articles": may("congtacvien", "articles.change_article"),
    },
    "history": [
        [v.revision.user.username, v.revision.comment, v.field_dict["title"]]
        for v in Version.objects.get_for_object(edited).order_by("pk")
    ],
    "log": [
        [
            entry.user.username,
            entry.get_change_message(),
            str(entry.get_edited_object()),
            entry.get_admin_url(),
        ]
        for entry in LogEntry.objects.order_by("pk")
    ],
    "edited_article": [edited.pk, edited.title],
    "failed_logins": list(
        AccessAttempt.objects.values_list("username", "failures_since_start")
    ),
}))
"""


def manage(database, *args):
    """`manage.py` with today's code on the SQLite file, in the environment
    of an operator's machine: none of this process's Django, database or
    Redis settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_MEDIA_ROOT=str(database.parent / "media"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def content_types(database):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return sorted(
            db.execute("SELECT id, app_label, model FROM django_content_type")
        )


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """A copy of the database made before the move, and what `manage.py
    migrate` with today's code said on it."""
    database = tmp_path_factory.mktemp("upgrade") / "db.sqlite3"
    shutil.copyfile(BEFORE_THE_MOVE, database)
    return database, manage(database, "migrate", "--no-input")


@pytest.fixture(scope="module")
def staff_find(upgraded):
    database, _ = upgraded
    result = manage(database, "shell", "--verbosity=0", "-c", WHAT_STAFF_FIND)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_fixture_is_small_and_made_before_the_move():
    assert BEFORE_THE_MOVE.stat().st_size < 2_000_000
    with sqlite3.connect(f"file:{BEFORE_THE_MOVE}?mode=ro", uri=True) as db:
        migrations = set(db.execute("SELECT app, name FROM django_migrations"))
    assert ("wards", "0006_picture_field") in migrations
    assert ("articles", "0016_search_vector") in migrations


def test_migrate_applies_only_what_came_after_the_move(upgraded):
    _, result = upgraded
    assert result.returncode == 0, result.stderr
    assert "have changes that are not yet reflected" not in result.stdout
    applied = {
        tuple(line.split()[1].removesuffix("...").split(".", 1))
        for line in result.stdout.splitlines()
        if line.strip().startswith("Applying ")
    }
    with sqlite3.connect(f"file:{BEFORE_THE_MOVE}?mode=ro", uri=True) as db:
        apps_then = {app for (app,) in db.execute("SELECT app FROM django_migrations")}
    assert {(app, name) for app, name in applied if app in apps_then} == MADE_SINCE


def test_every_migration_shows_as_applied_after_the_upgrade(upgraded):
    database, _ = upgraded
    plan = manage(database, "showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr
    lines = plan.stdout.splitlines()
    assert lines
    assert [line for line in lines if not line.startswith("[X]")] == []
    for app in ("wards", "articles", "axes"):
        assert any(line.startswith(f"[X]  {app}.") for line in lines), app


def test_the_upgrade_keeps_every_content_type_and_adds_none(upgraded, staff_find):
    database, _ = upgraded
    # Same rows, same ids: permissions, revisions and the admin's log point
    # at content types by id. New models add theirs.
    before, after = content_types(BEFORE_THE_MOVE), content_types(database)
    assert set(before) <= set(after)
    models_then = {(app, model) for _, app, model in before}
    assert all(
        (app, model) not in models_then for _, app, model in after[len(before) :]
    )
    assert staff_find["stale_content_types"] == []


def test_the_wards_and_their_articles_are_all_still_there(staff_find):
    assert staff_find["wards"] == WARDS
    assert staff_find["articles"] == ARTICLES


def test_each_wards_articles_are_numbered_from_one(staff_find):
    """The sitemap's pages are ranges of these numbers: every article the
    database had is numbered, each ward's 1, 2, 3… without a gap."""
    numbered = staff_find["numbered"]
    assert len(numbered) == ARTICLES
    for slug in WARDS:
        numbers = sorted(n for ward, n in numbered if ward == slug)
        assert numbers == list(range(1, len(numbers) + 1))


def test_the_numbers_can_be_taken_back_and_given_again(upgraded, tmp_path):
    """An operator stepping the articles back before their numbers and
    forward again (a deploy rolled back): the counters go with the column,
    and the rows are numbered afresh."""
    database, _ = upgraded
    copy = tmp_path / "db.sqlite3"
    shutil.copyfile(database, copy)
    for step in (["articles", "0019"], []):
        result = manage(copy, "migrate", "--no-input", *step)
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as db:
        numbered = db.execute(
            "SELECT ward_id, COUNT(*), MAX(ward_seq) FROM articles_article "
            "GROUP BY ward_id ORDER BY ward_id"
        ).fetchall()
        counters = db.execute(
            "SELECT scope, last FROM numbering_counter "
            "WHERE series = 'articles.article' ORDER BY scope"
        ).fetchall()
    assert sum(count for _, count, _ in numbered) == ARTICLES
    assert counters == [(ward, last) for ward, count, last in numbered]
    assert all(count == last for _, count, last in numbered)


def test_staff_keep_their_roles_in_each_ward(staff_find):
    assert staff_find["roles"] == [
        ["bientapvien", "bo-de", "Phóng viên"],
        ["bientapvien", "phuc-loi", "Biên tập viên"],
        ["congtacvien", "bo-de", "Cộng tác viên"],
        ["phongvien", "phuc-loi", "Phóng viên"],
    ]
    assert staff_find["permissions"] == {
        "writer changes articles": True,
        "writer changes his ward's article": True,
        "writer changes another ward's article": False,
        "writer publishes": False,
        "writer sees statistics (his own permission)": True,
        "editor publishes in Phuc Loi": True,
        "editor publishes in Bo De, where he writes": False,
        "editor sees Phuc Loi's staff (added to the role)": True,
        "contributor adds articles in Bo De": True,
        "contributor changes articles": False,
    }


def test_an_articles_history_still_shows_who_changed_what(staff_find):
    _, title_now = staff_find["edited_article"]
    assert title_now == EDITED_TITLE
    old_title = "Lịch cắt điện tuần tới (bản nháp)"
    assert staff_find["history"] == [
        ["phongvien", "Tạo bài viết", old_title],
        ["bientapvien", "Sửa tiêu đề", EDITED_TITLE],
    ]


def test_the_admins_log_still_opens_what_was_changed(staff_find):
    article, _ = staff_find["edited_article"]
    assert staff_find["log"] == [
        [
            "bientapvien",
            "Đã sửa Tiêu đề.",
            EDITED_TITLE,
            f"/admin/articles/article/{article}/change/",
        ],
        ["quantri", "Đã sửa Địa chỉ.", "Phường Bồ Đề", "/admin/wards/ward/2/change/"],
        [
            "quantri",
            "Đã thêm cán bộ của phường “congtacvien – Phường Bồ Đề (Cộng tác viên)”.",
            "congtacvien",
            "/admin/auth/user/4/change/",
        ],
    ]


def test_failed_logins_are_still_counted(staff_find):
    assert staff_find["failed_logins"] == [["phongvien", 2]]


def test_the_models_need_no_new_migration(upgraded):
    database, _ = upgraded
    result = manage(database, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
