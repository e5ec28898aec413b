"""The procedures' section of a ward's sitemap (wardnews/urls.py names it):
the list and every procedure its readers may see (published(ward))."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Procedure


class ProcedureSitemap(Sitemap):
    def __init__(self, ward):
        self.ward = ward

    def items(self):
        procedures = list(
            Procedure.objects.published(self.ward)
            .prefetch_related(None)
            .only("slug", "updated_at", "ward")
            .order_by("slug", "pk")
        )
        if not procedures:
            return []
        newest = max(p.updated_at for p in procedures)
        return [(reverse("procedures:list"), newest)] + [
            (p.get_absolute_url(), p.updated_at) for p in procedures
        ]

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]
