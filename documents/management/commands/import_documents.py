from django.core.management.base import BaseCommand, CommandError

import bulkload
from documents.importing import COLUMNS, ImportError_, import_registry
from documents.models import Document, DocumentFile
from wards.hosts import ward_of_option


class Command(BaseCommand):
    help = (
        "Nhập sổ văn bản của phường từ tệp CSV hoặc XLSX. Dòng đầu là tên cột: "
        + ", ".join(COLUMNS)
        + ". Ngày ghi ngày/tháng/năm; cột tep ghi đường dẫn tệp (tính từ thư "
        "mục của bảng kê), nhiều tệp cách nhau bằng “;”. Chạy lại không tạo "
        "văn bản trùng: văn bản cùng số ký hiệu được cập nhật."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--ward",
            metavar="HOST",
            help="Tên miền của phường nhận văn bản (mặc định: phường mặc định).",
        )

    def handle(self, *args, file, ward, **options):
        target = ward_of_option(ward)
        self.stdout.write(f"Nhập văn bản vào {target.name} từ {file}:")
        try:
            report = import_registry(file, target)
        except ImportError_ as error:
            raise CommandError(f"Không nhập được: {error}.") from None
        if report.created or report.updated or report.files_added:
            # The planner knows the new rows at once, not when autovacuum
            # comes round (bulkload.analyze).
            bulkload.analyze(Document, DocumentFile)
        for line, reason in report.errors:
            reason = reason.rstrip(".")  # A model's message ends with its own.
            self.stdout.write(self.style.ERROR(f"Dòng {line}: {reason}."))
        summary = (
            f"Thêm mới {report.created}, cập nhật {report.updated}, không đổi "
            f"{report.unchanged} văn bản; thêm {report.files_added} tệp; "
            f"{len(report.errors)} dòng lỗi."
        )
        if report.errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
