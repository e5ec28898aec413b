from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http.request import validate_host

from vietnamese.messages import explain
from wards.models import Ward, WardHost, normalise_host


class Command(BaseCommand):
    help = (
        "Tạo phường trả lời tên miền HOST (kèm 8 chuyên mục thường có), hoặc "
        "cập nhật phường đã có tên miền đó. Chạy lại nhiều lần không sao."
    )

    def add_arguments(self, parser):
        parser.add_argument("host", metavar="HOST", help="ví dụ: phucloi.hanoi.gov.vn")
        parser.add_argument("name", metavar="TÊN", help="ví dụ: “Phường Phúc Lợi”")
        parser.add_argument("--address", help="địa chỉ trụ sở")
        parser.add_argument("--phone", help="số điện thoại")
        parser.add_argument("--email", help="thư điện tử")
        parser.add_argument("--responsible", help="người chịu trách nhiệm")

    def handle(self, *args, host, name, **options):
        options["responsible_person"] = options["responsible"]
        details = {
            field: options[field]
            for field in ["address", "phone", "email", "responsible_person"]
            if options[field] is not None
        }
        try:
            ward, created = Ward.objects.update_or_create_for_host(
                host, name, **details
            )
        except ValidationError as error:
            problems = explain(error, Ward, WardHost)
            raise CommandError(f"Không lưu được phường: {problems}") from None
        hosts = ", ".join(ward.hosts.values_list("host", flat=True))
        if not validate_host(normalise_host(host), settings.ALLOWED_HOSTS):
            self.stderr.write(
                self.style.WARNING(
                    f"Chú ý: “{normalise_host(host)}” chưa có trong "
                    "DJANGO_ALLOWED_HOSTS, nên trang của phường chưa mở được: "
                    "thêm tên miền này (hoặc .tên-miền-cha) vào biến đó."
                )
            )
        verb = "Đã tạo" if created else "Đã cập nhật"
        self.stdout.write(self.style.SUCCESS(f"{verb} {ward.name} (tên miền {hosts})."))
