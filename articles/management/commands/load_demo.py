from django.apps import apps
from django.core.management.base import BaseCommand

from articles.demo_content import load_demo_content
from documents.demo_content import load_demo_documents
from organisation.demo_content import load_demo_content as load_organisation
from procedures.demo_content import load_demo_procedures
from schedules.demo_content import load_schedule_demo


class Command(BaseCommand):
    help = "Nạp bài viết mẫu vào cơ sở dữ liệu chưa có bài nào."

    def handle(self, *args, **options):
        done = [
            *load_demo_content(),
            # After the articles' demo, which makes the second ward.
            *load_organisation(),
            *load_demo_documents(),
            *load_schedule_demo(),
            *load_demo_procedures(),
            # Apps the news may not import (questions/, beside it) bring their
            # demo through their app config's load_demo().
            *(
                line
                for config in apps.get_app_configs()
                for line in getattr(config, "load_demo", list)()
            ),
        ]
        if not done:
            self.stdout.write("Đã có bài viết: không nạp bài mẫu.")
            return
        for line in done:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Đã nạp {len(done)} mục bài mẫu."))
