from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from articles.importing import ImportStatus, import_file, refresh_planner_statistics
from wards.hosts import ward_of_option


class Command(BaseCommand):
    help = (
        "Nhập bài viết từ tệp văn bản (dòng 1: chuyên mục, dòng 2: tiêu đề, "
        "dòng 3: “Ngày đăng DD/MM/YYYY | HH:MM | Lượt xem: N”, rồi sapo và "
        "nội dung). Bài đã có (cùng tiêu đề và thời gian đăng) được giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ward",
            metavar="HOST",
            help="Tên miền của phường nhận bài (mặc định: phường mặc định).",
        )
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, ward, **options):
        target = ward_of_option(ward)
        self.stdout.write(f"Nhập vào {target.name}:")
        counts = Counter()
        for file in files:
            result = import_file(file, target)
            counts[result.status] += 1
            line = f"{file}: {result.message}"
            if result.status == ImportStatus.IMPORTED:
                line = self.style.SUCCESS(line)
            elif result.status == ImportStatus.FAILED:
                line = self.style.ERROR(line)
            self.stdout.write(line)

        if counts[ImportStatus.IMPORTED]:
            refresh_planner_statistics()
        summary = (
            f"Đã nhập {counts[ImportStatus.IMPORTED]}, "
            f"không đổi {counts[ImportStatus.UNCHANGED]}, "
            f"lỗi {counts[ImportStatus.FAILED]} (trên {len(files)} tệp)."
        )
        if counts[ImportStatus.FAILED]:
            raise CommandError(summary)
        self.stdout.write(summary)
