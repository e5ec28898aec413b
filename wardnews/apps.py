from django.apps import AppConfig
from django.core import checks


class WardnewsConfig(AppConfig):
    """The project shell: its commands (backup, restore) and its checks."""

    name = "wardnews"

    def ready(self):
        from .health import redis_persistence_check

        checks.register(redis_persistence_check, checks.Tags.caches, deploy=True)
