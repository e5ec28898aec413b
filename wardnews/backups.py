"""Backups of everything staff and readers made: the database and the
uploaded files (MEDIA_ROOT), in one timestamped tar file, and their restore.

Inside the archive:
    manifest.json      what it holds, with the counts a restore checks
    database.dump      PostgreSQL: pg_dump's custom format (pg_restore reads it)
    database.sqlite3   SQLite: a copy made with SQLite's backup API
    media/...          MEDIA_ROOT as it was (photos, their renditions,
                       attachments, the editor's pictures, ward logos)

Both database copies are exact (ids, view counts, revisions, permissions),
and consistent while the site keeps serving and counting: pg_dump reads one
snapshot, SQLite's backup API copies a consistent state. The database is
copied before the files, so every file a row names is in the archive (a
photo uploaded meanwhile is at worst an extra file).

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
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from articles import viewbuffer

FORMAT = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """What went wrong, in words for the IT officer running the command."""


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def content_counts() -> dict[str, int]:
    """What a restore must bring back, counted; {} when the database has no
    tables yet."""
    from articles.models import Article, Attachment, DailyViews
    from wards.models import Ward

    if Article._meta.db_table not in connection.introspection.table_names():
        return {}
    return {
        "wards": Ward.objects.count(),
        "articles": Article.objects.count(),
        "attachments": Attachment.objects.count(),
        "users": get_user_model().objects.count(),
        "views": Article.objects.aggregate(n=Sum("view_count"))["n"] or 0,
        "daily_views": DailyViews.objects.aggregate(n=Sum("views"))["n"] or 0,
    }


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
        "counts": content_counts(),
    }
    with tempfile.TemporaryDirectory() as work:
        if engine() == "postgresql":
            database = Path(work) / POSTGRES_DUMP
            _run_pg(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={database}",
            )
        else:
            database = Path(work) / SQLITE_COPY
            _sqlite_copy(connection.settings_dict["NAME"], str(database))
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
        media_root.mkdir(parents=True, exist_ok=True)
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(f"{MEDIA}/"):
                member.name = member.name.removeprefix(f"{MEDIA}/")
                _extract(tar, member, media_root)
    # Whatever a cache kept (picture sizes, pages) describes the old data.
    for cache in caches.all():
        cache.clear()
    return manifest, content_counts()


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
