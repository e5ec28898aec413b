from django.core.management.base import BaseCommand

from articles.demo_content import load_demo_content
from procedures.demo_content import load_demo_procedures


class Command(BaseCommand):
    help = "Nạp bài viết mẫu vào cơ sở dữ liệu chưa có bài nào."

    def handle(self, *args, **options):
        done = load_demo_content()
        done += load_demo_procedures()
        if not done:
            self.stdout.write("Đã có bài viết: không nạp bài mẫu.")
            return
        for line in done:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Đã nạp {len(done)} mục bài mẫu."))
