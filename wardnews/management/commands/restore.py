from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wardnews.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Phục hồi cơ sở dữ liệu và các tệp tải lên từ một tệp sao lưu của lệnh "
        "backup. Hãy dừng trang (gunicorn) và flush_views trước, và chạy migrate "
        "sau đó."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="TỆP", help="tệp wardnews-….tar")
        parser.add_argument(
            "--force",
            action="store_true",
            help="ghi đè cả khi cơ sở dữ liệu đang có bài viết hoặc tài khoản",
        )

    def handle(self, *args, archive, force, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        try:
            manifest, found = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        expected = manifest["counts"]
        if found != expected:
            raise CommandError(
                f"Đã phục hồi nhưng số liệu không khớp bản sao lưu: "
                f"cần {expected}, có {found}."
            )
        self.stdout.write(
            f"{found.get('wards', 0)} phường, {found.get('articles', 0)} bài viết, "
            f"{found.get('attachments', 0)} tệp đính kèm, "
            f"{found.get('views', 0)} lượt xem: khớp bản sao lưu "
            f"ngày {manifest['created'][:10]}."
        )
        self.stdout.write(self.style.SUCCESS(f"Đã phục hồi từ {path}"))
