"""`manage.py createsuperuser` (and `make superuser`) in Vietnamese, saying
how the new superuser's first sign-in goes: password, then enrolling an
authenticator app (docs/deploying.md)."""

import getpass
import os
import sys

from django.contrib.auth.management import get_default_username
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core import exceptions
from django.core.management.base import CommandError

FIRST_SIGN_IN = (
    "Lần đăng nhập đầu tiên vào trang quản trị (/{admin}): nhập tên đăng nhập "
    "và mật khẩu, rồi trang sẽ yêu cầu đăng ký xác thực hai bước: quét mã QR "
    "bằng một ứng dụng xác thực trên điện thoại (Google Authenticator, "
    "Microsoft Authenticator, FreeOTP…), nhập mã 6 chữ số, và in các mã dự "
    "phòng hiện ra."
)


class Command(createsuperuser.Command):
    help = "Tạo tài khoản quản trị viên hệ thống (superuser)."

    OPTION_HELP = {
        "username": "tên đăng nhập của tài khoản",
        "email": "email của tài khoản (có thể để trống)",
        "interactive": "không hỏi gì: mật khẩu lấy từ DJANGO_SUPERUSER_PASSWORD "
        "(không có thì tài khoản chưa đăng nhập được bằng mật khẩu)",
        "database": "cơ sở dữ liệu (mặc định: default)",
    }

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest in self.OPTION_HELP:
                action.help = self.OPTION_HELP[action.dest]

    def handle(self, *args, **options):
        username = options[self.UserModel.USERNAME_FIELD]
        database = options["database"]
        email = options.get("email")
        password = None
        try:
            if options["interactive"]:
                if hasattr(self.stdin, "isatty") and not self.stdin.isatty():
                    self.stdout.write(
                        "Không tạo tài khoản: lệnh cần chạy trong cửa sổ dòng "
                        "lệnh để hỏi mật khẩu (hoặc dùng --noinput với "
                        "DJANGO_SUPERUSER_PASSWORD)."
                    )
                    return
                username = self._ask_username(username, database)
                if email is None:
                    email = self._ask("Email (có thể để trống): ", "email")
                password = self._ask_password(username, email)
            else:
                password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
                username = username or os.environ.get("DJANGO_SUPERUSER_USERNAME")
                if not username:
                    raise CommandError(
                        "Với --noinput, hãy cho tên đăng nhập bằng --username "
                        "hoặc DJANGO_SUPERUSER_USERNAME."
                    )
                problem = self._username_problem(username, database)
                if problem:
                    raise CommandError(problem)
                if email is None:
                    email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
                if password is not None:
                    self._check_password(password, username, email)
            self.UserModel._default_manager.db_manager(database).create_superuser(
                username=username, email=email or "", password=password
            )
        except KeyboardInterrupt:
            self.stderr.write("\nĐã huỷ.")
            sys.exit(1)
        except exceptions.ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if options["verbosity"] >= 1:
            from django.conf import settings

            self.stdout.write(f"Đã tạo tài khoản quản trị viên “{username}”.")
            self.stdout.write(FIRST_SIGN_IN.format(admin=settings.ADMIN_URL))

    def _ask(self, prompt, field_name, default=None):
        field = self.UserModel._meta.get_field(field_name)
        while True:
            raw = input(prompt)
            if default and raw == "":
                raw = default
            try:
                return field.clean(raw, None)
            except exceptions.ValidationError as error:
                self.stderr.write("Lỗi: " + "; ".join(error.messages))

    def _ask_username(self, username, database):
        if username:
            problem = self._username_problem(username, database)
            if not problem:
                return username
            self.stderr.write(problem)
        default = get_default_username(database=database)
        prompt = "Tên đăng nhập"
        if default:
            prompt += f" (để trống để dùng “{default}”)"
        while True:
            username = self._ask(prompt + ": ", self.UserModel.USERNAME_FIELD, default)
            problem = self._username_problem(username, database)
            if not problem:
                return username
            self.stderr.write(problem)

    def _username_problem(self, username, database) -> str:
        if not username:
            return "Lỗi: tên đăng nhập không được để trống."
        manager = self.UserModel._default_manager.db_manager(database)
        if manager.filter(**{self.UserModel.USERNAME_FIELD: username}).exists():
            return f"Lỗi: tên đăng nhập “{username}” đã có người dùng."
        try:
            self.username_field.clean(username, None)
        except exceptions.ValidationError as error:
            return "Lỗi: " + "; ".join(error.messages)
        return ""

    def _ask_password(self, username, email):
        while True:
            password = getpass.getpass("Mật khẩu: ")
            again = getpass.getpass("Nhập lại mật khẩu: ")
            if password != again:
                self.stderr.write("Lỗi: hai lần nhập mật khẩu không khớp.")
                continue
            if not password.strip():
                self.stderr.write("Lỗi: mật khẩu không được để trống.")
                continue
            try:
                validate_password(
                    password, self.UserModel(username=username, email=email)
                )
            except exceptions.ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue  # Nobody bypasses the rules for the admin's key.
            return password

    def _check_password(self, password, username, email):
        """DJANGO_SUPERUSER_PASSWORD meets the same rules as a typed one:
        nobody bypasses them for the admin's key, scripts included."""
        try:
            validate_password(password, self.UserModel(username=username, email=email))
        except exceptions.ValidationError as error:
            raise CommandError(
                "Không tạo tài khoản: mật khẩu trong DJANGO_SUPERUSER_PASSWORD "
                "chưa đạt yêu cầu: " + " ".join(error.messages)
            ) from None
