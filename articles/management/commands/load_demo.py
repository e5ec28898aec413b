from django.core.management.base import BaseCommand

from articles.demo_content import load_demo_content
from organisation.demo_content import load_demo_content as load_organisation


class Command(BaseCommand):
    help = "Nạp bài viết mẫu vào cơ sở dữ liệu chưa có bài nào."

    def handle(self, *args, **options):
        done = load_demo_content()
        # After the articles' demo, which makes the second ward.
        done += load_organisation()
        if not done:
            self.stdout.write("Đã có bài viết: không nạp bài mẫu.")
            return
        for line in done:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Đã nạp {len(done)} mục bài mẫu."))
