from django.apps import AppConfig


class PicturesConfig(AppConfig):
    """Installed for its template tags ({% load pictures %}); it has no models."""

    name = "pictures"
    verbose_name = "Ảnh"
