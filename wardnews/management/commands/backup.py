from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wardnews.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và mọi tệp tải lên (ảnh, tệp đính kèm) vào một "
        "tệp wardnews-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY.tar. Chạy được khi trang vẫn "
        "đang phục vụ bạn đọc."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="folder",
            default=".",
            help="thư mục đặt tệp sao lưu (mặc định: thư mục hiện tại)",
        )

    def handle(self, *args, folder, **options):
        try:
            archive, manifest = create_backup(Path(folder).resolve())
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(
            f"{counts.get('wards', 0)} phường, {counts.get('articles', 0)} bài viết, "
            f"{counts.get('attachments', 0)} tệp đính kèm, "
            f"{manifest['media_files']} tệp trong thư mục media."
        )
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {archive}"))
