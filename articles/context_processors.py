from django.conf import settings

from .models import Category


def portal(request):
    """The ward's name and contacts and the category menu, on every page."""
    return {
        "ward": {
            "name": settings.WARD_NAME,
            "address": settings.WARD_ADDRESS,
            "phone": settings.WARD_PHONE,
            "email": settings.WARD_EMAIL,
        },
        # Lazy: evaluated once, by the template's menu, where it is shown.
        "menu_categories": Category.objects.all(),
    }
