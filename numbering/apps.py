from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "numbering"
    label = "numbering"
    verbose_name = "Đánh số"
    default_auto_field = "django.db.models.BigAutoField"
