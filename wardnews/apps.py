from django.apps import AppConfig
from django.core import checks


class WardnewsConfig(AppConfig):
    """The project shell: its commands (backup, restore) and its checks."""

    name = "wardnews"

    def ready(self):
        from django.conf import settings

        from .health import redis_persistence_check

        checks.register(redis_persistence_check, checks.Tags.caches, deploy=True)
        if "replica" in settings.DATABASES:
            # Every process that may save (commands too) notes the change.
            from . import replica  # noqa: F401
