"""Backups of everything staff and readers made: the database and the
uploaded files (MEDIA_ROOT), in one timestamped tar file, and their restore.

Inside the archive:
    manifest.json      what it holds, with the counts a restore checks
    database.dump      PostgreSQL: pg_dump's custom format (pg_restore reads it)
    database.sqlite3   SQLite: a copy made with SQLite's backup API
    media/...          MEDIA_ROOT as it was (photos, their renditions,
                       attachments, the editor's pictures, ward logos)

Both database copies are exact (ids, view counts, revisions, permissions),
and consistent while the site keeps serving and counting: the views waiting
in Redis are stored first, then pg_dump reads one snapshot, SQLite's backup
API copies a consistent state. The counts the manifest records (and a
restore checks) are the copy's own: counted in the snapshot pg_dump reads,
or in the SQLite copy, never in the live database, whose views move on
meanwhile. The database is copied before the files, so every file a row
names is in the archive (a photo uploaded meanwhile is at worst an extra
file).

A restore forgets what the caches kept about the old data, and only that:
the project's own keys in a Redis that other applications may share, and
never the views still waiting there (flush_views stores them into the
restored database).

The commands (`manage.py backup`, `manage.py restore`) only take arguments
and print; the work is here.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.utils import timezone

import bulkload
import redisclient
from articles import viewbuffer
from pages import generations as page_generations

FORMAT = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """What went wrong, in words for the IT officer running the command."""


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def content_counts(cursor=None) -> dict[str, int]:
    """What a restore must bring back, counted through ``cursor`` (the live
    database's when None; a backup's copy, or its snapshot, else); {} when
    the database has no tables yet."""
    from articles.models import Article, Attachment, DailyViews
    from wards.models import Ward

    if Article._meta.db_table not in connection.introspection.table_names():
        return {}
    if cursor is None:
        with connection.cursor() as cursor:
            return content_counts(cursor)
    quote = connection.ops.quote_name

    def count(model) -> str:
        return f"SELECT COUNT(*) FROM {quote(model._meta.db_table)}"

    def total(model, field) -> str:
        column = quote(model._meta.get_field(field).column)
        return f"SELECT COALESCE(SUM({column}), 0) FROM {quote(model._meta.db_table)}"

    queries = {
        "wards": count(Ward),
        "articles": count(Article),
        "attachments": count(Attachment),
        "users": count(get_user_model()),
        "views": total(Article, "view_count"),
        "daily_views": total(DailyViews, "views"),
    }
    counts = {}
    for name, sql in queries.items():
        cursor.execute(sql)
        counts[name] = int(cursor.fetchone()[0])
    return counts


def has_content() -> bool:
    """Whether the database holds anything a restore would destroy: an
    article or an account. A freshly migrated database has neither."""
    counts = content_counts()
    return bool(counts.get("articles") or counts.get("users"))


# PostgreSQL: the client programs, told where the database is through the
# environment (a password never shows in the process list).


def _pg_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": str(db.get("PORT") or ""),
        "PGCONNECT_TIMEOUT": str(db.get("OPTIONS", {}).get("connect_timeout", "")),
        "PGSSLMODE": db.get("OPTIONS", {}).get("sslmode"),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _run_pg(program: str, *args: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(
            f"Không tìm thấy {program}: hãy cài postgresql-client cùng phiên bản "
            "với máy chủ PostgreSQL (Debian 12: apt-get install postgresql-client)."
        )
    result = subprocess.run(
        [program, *args], env=_pg_environment(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} báo lỗi:\n{result.stderr.strip()}")


# SQLite: its online backup API, in either direction.


def _sqlite_copy(source: str, target: str) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _dump_postgresql(database: Path) -> dict[str, int]:
    """pg_dump into `database`, and the counts of what it dumped: a
    transaction exports its snapshot, counts in it, and stays open while
    pg_dump reads that same snapshot (--snapshot)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = content_counts(cursor)
        _run_pg(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={database}",
        )
    return counts


def _copy_sqlite(database: Path) -> dict[str, int]:
    """SQLite's online copy into `database`, and the counts of the copy."""
    _sqlite_copy(connection.settings_dict["NAME"], str(database))
    copy = sqlite3.connect(database)
    try:
        return content_counts(copy.cursor())
    finally:
        copy.close()


def create_backup(folder: Path) -> tuple[Path, dict]:
    """Write a backup archive into `folder`; its path and manifest. Views
    still buffered in Redis are stored first, so the backup holds them."""
    viewbuffer.fold_all()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = folder / f"wardnews-{stamp}.tar"
    partial = archive.with_name(archive.name + ".partial")
    media_root = Path(settings.MEDIA_ROOT)
    manifest = {
        "format": FORMAT,
        "created": timezone.localtime().isoformat(),
        "engine": engine(),
    }
    with tempfile.TemporaryDirectory() as work:
        if engine() == "postgresql":
            database = Path(work) / POSTGRES_DUMP
            manifest["counts"] = _dump_postgresql(database)
        else:
            database = Path(work) / SQLITE_COPY
            manifest["counts"] = _copy_sqlite(database)
        files = [p for p in media_root.rglob("*") if p.is_file()]
        manifest["media_files"] = len(files)
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        # Named .partial until complete: a broken run never looks like a backup.
        try:
            with tarfile.open(partial, "w") as tar:
                tar.add(manifest_path, arcname=MANIFEST)
                tar.add(database, arcname=database.name)
                for path in files:
                    tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root)}")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.rename(archive)
    return archive, manifest


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile(MANIFEST))
    except (OSError, KeyError, tarfile.TarError, ValueError):
        raise BackupError(
            f"{archive} không phải tệp sao lưu của cổng thông tin."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: định dạng sao lưu không được hỗ trợ.")
    return manifest


def restore_backup(archive: Path, force: bool = False) -> tuple[dict, dict]:
    """Bring back the database and the files of `archive`: the manifest and
    the counts found after the restore."""
    manifest = read_manifest(archive)
    if manifest["engine"] != engine():
        raise BackupError(
            f"Bản sao lưu là của {manifest['engine']}, còn cơ sở dữ liệu đang "
            f"dùng là {engine()}: không phục hồi được sang loại khác."
        )
    if has_content() and not force:
        raise BackupError(
            "Cơ sở dữ liệu đang có bài viết hoặc tài khoản: phục hồi sẽ ghi đè "
            "toàn bộ. Nếu chắc chắn, hãy chạy lại với --force."
        )
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory() as work:
        name = POSTGRES_DUMP if engine() == "postgresql" else SQLITE_COPY
        _extract(tar, tar.getmember(name), work)
        database = str(Path(work) / name)
        # This process's own connection must not hold the tables.
        connection.close()
        if engine() == "postgresql":
            _run_pg(
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                database,
            )
        else:
            _sqlite_copy(database, connection.settings_dict["NAME"])
        bulkload.analyze_everything()
        media_root.mkdir(parents=True, exist_ok=True)
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(f"{MEDIA}/"):
                member.name = member.name.removeprefix(f"{MEDIA}/")
                _extract(tar, member, media_root)
    forget_cached()
    return manifest, content_counts()


def forget_cached() -> None:
    """Forget what the caches kept (picture sizes, pages, their generations,
    the counts pages showed): it describes the old data. In Redis, only the
    project's own keys: its cache's key prefix and the shown counts
    (viewbuffer.SHOWN), never another application's keys (FLUSHDB would take
    them all) nor the views waiting to be stored."""
    for cache in caches.all():
        if isinstance(cache, RedisCache):
            _delete_matching(
                cache._cache.get_client(write=True), f"{cache.key_prefix}:*"
            )
        else:
            cache.clear()
    if redisclient.enabled():
        _delete_matching(redisclient.client(), viewbuffer.SHOWN.format(pk="*"))
    # Every process drops the pages it keeps in memory: the generations
    # just deleted start again from new numbers, heard through Redis.
    page_generations.changed(None)


def _delete_matching(client, pattern: str) -> None:
    keys = []
    for key in client.scan_iter(match=pattern, count=1000):
        keys.append(key)
        if len(keys) == 1000:
            client.unlink(*keys)
            keys = []
    if keys:
        client.unlink(*keys)


def _extract(tar, member, folder) -> None:
    """One regular file of the archive into the folder, never outside it.
    Python's "data" filter does that from 3.11.4; Debian 12 ships 3.11.2,
    so the same checks are made by hand there."""
    if hasattr(tarfile, "data_filter"):
        tar.extract(member, folder, filter="data")
        return
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"Tệp lạ trong bản sao lưu: {member.name}")
    member.mode = 0o644
    tar.extract(member, folder)
