from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twostep import devices


class Command(BaseCommand):
    help = (
        "Đặt lại xác thực hai bước của một tài khoản (mất điện thoại và mã dự "
        "phòng, không còn quản trị viên nào khác đăng nhập được): lần đăng "
        "nhập tới, tài khoản đăng ký lại ứng dụng xác thực."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản “{username}”.") from None
        devices.reset(None, user)
        self.stdout.write(
            f"Đã đặt lại xác thực hai bước của “{username}”: các phiên đăng "
            "nhập đang mở của tài khoản này đã kết thúc; lần đăng nhập tới, "
            "sau mật khẩu, tài khoản này đăng ký lại ứng dụng xác thực."
        )
