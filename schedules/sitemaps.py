"""The schedule's section of a ward's sitemap: its two pages, as of the
newest published change, when the ward has published any."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse

from .models import Entry


class ScheduleSitemap(Sitemap):
    def __init__(self, ward):
        self.ward = ward

    def items(self):
        last = Entry.objects.published(self.ward).aggregate(
            week=Max(Greatest("changed_at", "published_at")),
            receptions=Max(
                Greatest("changed_at", "published_at"),
                filter=Q(kind=Entry.Kind.RECEPTION),
            ),
        )
        pages = []
        if last["week"] is not None:
            pages.append(("schedules:week", last["week"]))
        if last["receptions"] is not None:
            pages.append(("schedules:receptions", last["receptions"]))
        return pages

    def location(self, page):
        return reverse(page[0])

    def lastmod(self, page):
        return page[1]
