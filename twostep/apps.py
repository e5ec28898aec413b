from django.apps import AppConfig


class TwoStepConfig(AppConfig):
    name = "twostep"
    verbose_name = "Xác thực hai bước"

    def ready(self):
        from . import signins

        signins.connect()
