from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    label = "pages"
    verbose_name = "Trang cho bạn đọc"
    default_auto_field = "django.db.models.BigAutoField"
