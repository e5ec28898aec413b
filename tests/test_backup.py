"""`manage.py backup` and `manage.py restore`: after a backup, a wiped
database and wiped files, the restore brings back every ward, article,
photo (with its renditions), attachment, account and count.

Runs on the database the suite runs on: PostgreSQL (pg_dump and pg_restore)
with DATABASE_URL=postgres://…, SQLite (its backup API) without."""

import hashlib
import io
import shutil
import tarfile
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

import redisclient
from articles import viewbuffer
from articles.models import Article, Attachment, DailyViews, store_views
from pages import generations
from wardnews import backups
from wards import hosts
from wards.models import Ward

from .conftest import PHONE_UA, SECOND_HOST, png_bytes, redis_for_tests
from .test_attachments import pdf_bytes

# pg_dump and pg_restore are other processes: they see committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(ward, second_ward, category, make_article, writer, client, media_root):
    """Two wards' content as staff and readers leave it: photos, an
    attachment, views counted on two days."""
    photo = make_article(
        title="Hội nghị tổng kết năm",
        featured_image=ContentFile(png_bytes((1600, 900)), "hoi-nghi.png"),
        featured_image_alt="Quang cảnh hội nghị",
    )
    Attachment.objects.create(
        article=photo,
        name="Quyết định số 12.pdf",
        file=SimpleUploadedFile("quyet-dinh.pdf", pdf_bytes()),
    )
    make_article(title="Thông báo lịch tiếp công dân", author=writer)
    bode = make_article(
        title="Ra quân tổng vệ sinh",
        category=second_ward.categories.get(slug="tin-tuc-su-kien"),
    )
    for _ in range(3):
        client.get(photo.get_absolute_url(), headers={"user-agent": PHONE_UA})
        client.cookies.clear()
    client.get(
        bode.get_absolute_url(), headers={"user-agent": PHONE_UA}, HTTP_HOST=SECOND_HOST
    )
    viewbuffer.fold_all()  # Stored, as flush_views does (with Redis).
    DailyViews.objects.create(article=photo, day="2025-01-24", views=75)
    Article.objects.filter(pk=photo.pk).update(view_count=78)
    return photo


def snapshot(media_root) -> dict:
    """Everything a restore must bring back, as plain values (views still
    buffered in Redis stored first, as `backup` does)."""
    viewbuffer.fold_all()
    return {
        "wards": sorted(Ward.objects.values_list("id", "name", "slug", "is_default")),
        "hosts": sorted(
            Ward.objects.values_list("hosts__host", flat=True).exclude(hosts__host=None)
        ),
        "articles": sorted(
            Article.objects.values_list(
                "id",
                "ward_id",
                "slug",
                "title",
                "body",
                "status",
                "published_at",
                "featured_image",
                "view_count",
                "author__username",
            )
        ),
        "daily_views": sorted(
            DailyViews.objects.values_list("article_id", "day", "views")
        ),
        "attachments": sorted(
            Attachment.objects.values_list("id", "article_id", "name", "file", "size")
        ),
        "roles": sorted(Group.objects.values_list("name", "permissions__codename")),
        "files": {
            str(path.relative_to(media_root)): hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
            for path in media_root.rglob("*")
            if path.is_file()
        },
    }


def test_a_restore_brings_back_everything_after_a_wipe(
    site, media_root, tmp_path, reader
):
    before = snapshot(media_root)
    assert any(name.startswith("renditions/") for name in before["files"])
    assert any(name.startswith("attachments/") for name in before["files"])
    assert sum(views for *_, views in before["daily_views"]) == 75 + 3 + 1

    out = io.StringIO()
    call_command("backup", dir=str(tmp_path / "saoluu"), stdout=out)
    [archive] = (tmp_path / "saoluu").glob("wardnews-*.tar")
    assert f"Đã sao lưu vào {archive}" in out.getvalue()

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    hosts.clear()
    assert not Article.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    hosts.clear()
    assert "3 bài viết, 1 tệp đính kèm, 79 lượt xem: khớp bản sao lưu" in out.getvalue()
    assert snapshot(media_root) == before

    # And readers get it all back: the page with its photo, the download.
    response = reader.get(site.get_absolute_url())
    assert response.status_code == 200
    assert "Lượt xem: 79" in response.text
    assert "/media/renditions/articles/" in response.text
    download = reader.get(Attachment.objects.get().get_absolute_url())
    assert b"".join(download.streaming_content) == pdf_bytes()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
def test_a_restored_database_has_its_planner_statistics(site, tmp_path):
    """pg_restore brings the rows back, not the statistics: without an
    ANALYZE the first readers' pages run on plans made for empty tables."""
    call_command("backup", dir=str(tmp_path / "saoluu"), stdout=io.StringIO())
    [archive] = (tmp_path / "saoluu").glob("wardnews-*.tar")
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", str(archive), stdout=io.StringIO())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN %s "
            "AND last_analyze IS NOT NULL",
            [(Article._meta.db_table, DailyViews._meta.db_table)],
        )
        analysed = {name for (name,) in cursor.fetchall()}
    assert analysed == {Article._meta.db_table, DailyViews._meta.db_table}


def test_restore_refuses_to_overwrite_a_site_in_use(site, media_root, tmp_path):
    call_command("backup", dir=str(tmp_path), stdout=io.StringIO())
    [archive] = tmp_path.glob("wardnews-*.tar")
    Article.objects.filter(pk=site.pk).update(title="Sửa sau khi sao lưu")

    with pytest.raises(CommandError, match="đang có bài viết hoặc tài khoản.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Article.objects.get(pk=site.pk).title == "Sửa sau khi sao lưu"

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert Article.objects.get(pk=site.pk).title == "Hội nghị tổng kết năm"


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "khong-phai.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"))
    with pytest.raises(CommandError, match="không phải tệp sao lưu"):
        call_command("restore", str(bogus), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("restore", str(tmp_path / "mat.tar"), stdout=io.StringIO())


def test_a_broken_backup_leaves_no_archive(site, tmp_path, monkeypatch):
    """An archive in the folder is always a whole one."""

    def fail(tar, path, **kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(tarfile.TarFile, "add", fail)
    with pytest.raises(OSError):
        call_command("backup", dir=str(tmp_path / "saoluu"), stdout=io.StringIO())
    assert list((tmp_path / "saoluu").iterdir()) == []


def test_restore_works_on_a_python_without_tar_filters(monkeypatch, tmp_path):
    """Debian 12's Python 3.11.2 has no tarfile filters: the checks are made
    by hand, and a member reaching outside the folder is refused."""
    import io
    import tarfile

    from wardnews import backups

    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as tar:
        for name in ("media/ok.txt", "media/../../escape.txt"):
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"ok"))
    with tarfile.open(archive) as tar:
        good, bad = tar.getmembers()
        backups._extract(tar, good, tmp_path / "out")
        assert (tmp_path / "out" / "media" / "ok.txt").read_bytes() == b"ok"
        with pytest.raises(backups.BackupError):
            backups._extract(tar, bad, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


# With Redis shared with other applications, and under traffic.


@pytest.fixture
def shared_redis(settings):
    """Redis as in production (a key prefix of the project's own), in a
    database another application writes to as well."""
    url = redis_for_tests(db=10)
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "wardnews",
        }
    }
    yield redisclient.client()
    redisclient.client().flushdb()


def test_a_restore_leaves_other_keys_and_the_waiting_views_in_redis(
    shared_redis, site, tmp_path
):
    call_command("backup", dir=str(tmp_path), stdout=io.StringIO())
    [archive] = tmp_path.glob("wardnews-*.tar")
    shared_redis.set("hoadon:phien:42", "của ứng dụng khác")
    shared_redis.hset("hangdoi:email", "1", "gửi thư")
    # A reader's view waiting for flush_views, and what the cache kept.
    Client(headers={"user-agent": PHONE_UA}).get(site.get_absolute_url())
    assert viewbuffer.pending(site.pk) == 1
    cache.set("kich-thuoc-anh", (1600, 900))
    assert shared_redis.keys(f"{viewbuffer.SHOWN.format(pk='*')}")

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    hosts.clear()

    assert shared_redis.get("hoadon:phien:42").decode() == "của ứng dụng khác"
    assert shared_redis.hget("hangdoi:email", "1").decode() == "gửi thư"
    assert viewbuffer.pending(site.pk) == 1
    # What described the old data is gone: the cache's keys, the shown floors.
    assert cache.get("kich-thuoc-anh") is None
    # But a new site generation, so that every process drops the pages it
    # keeps in memory (heard through Redis).
    site_key, _ = generations.redis_keys(site.ward_id, cache.key_prefix, cache.version)
    # (and, where a replica is configured, its note of the change).
    left = {key.decode() for key in shared_redis.keys("wardnews:*")}
    assert site_key in left
    assert all(key == site_key or ":replica:" in key for key in left), left
    assert not shared_redis.keys(f"{viewbuffer.SHOWN.format(pk='*')}")
    # The waiting view is stored into the restored database.
    assert viewbuffer.fold_all() == (1, 1)
    site.refresh_from_db()
    assert site.view_count == 78 + 1


def test_a_backup_taken_while_views_arrive_restores_without_a_false_alarm(
    site, tmp_path, monkeypatch
):
    """Views stored by another process (flush_views, or readers while Redis
    is away) between the backup's fold and its dump: the backup's counts are
    the dump's own, so the restore finds what it recorded."""

    def store_from_another_process():
        def store():
            try:
                store_views({site.pk: 5}, timezone.localdate())
            finally:
                connection.close()

        thread = threading.Thread(target=store)
        thread.start()
        thread.join()

    real = {"pg": backups._run_pg, "sqlite": backups._sqlite_copy}

    def dump_pg(program, *args):
        if program == "pg_dump":
            store_from_another_process()
        real["pg"](program, *args)

    def copy_sqlite(source, target):
        store_from_another_process()
        real["sqlite"](source, target)

    monkeypatch.setattr(backups, "_run_pg", dump_pg)
    monkeypatch.setattr(backups, "_sqlite_copy", copy_sqlite)
    call_command("backup", dir=str(tmp_path), stdout=io.StringIO())
    monkeypatch.undo()
    [archive] = tmp_path.glob("wardnews-*.tar")
    recorded = backups.read_manifest(archive)["counts"]["views"]

    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)
    assert f"{recorded} lượt xem: khớp bản sao lưu" in out.getvalue()
    assert backups.content_counts()["views"] == recorded
