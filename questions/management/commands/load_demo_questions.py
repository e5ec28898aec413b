from django.core.management.base import BaseCommand

from questions.demo_content import load_demo_questions


class Command(BaseCommand):
    help = "Nạp câu hỏi, phản ánh mẫu vào phường chưa có câu hỏi nào."

    def handle(self, *args, **options):
        done = load_demo_questions()
        if not done:
            self.stdout.write("Đã có câu hỏi: không nạp câu hỏi mẫu.")
            return
        for line in done:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Đã nạp {len(done)} câu hỏi mẫu."))
