from django.apps import AppConfig
from django.db.models.signals import post_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Tin bài"

    def ready(self):
        from wardnews.wards.models import Ward

        post_save.connect(
            give_new_ward_its_categories, sender=Ward, dispatch_uid="ward-categories"
        )


def give_new_ward_its_categories(sender, instance, created, raw=False, **kwargs):
    """A new ward starts with the usual sections of a ward portal."""
    if created and not raw:
        from .models import Category

        Category.objects.create_defaults(instance)
