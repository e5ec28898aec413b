"""The documents' section of a ward's sitemap (wardnews/urls.py lists it
with articles' sections): only what published(ward) lets through."""

from django.contrib.sitemaps import Sitemap
from django.db.models.functions import Greatest

from .models import Document

DOCUMENTS_PER_PAGE = 2000


class DocumentSitemap(Sitemap):
    """The list and the documents, newest first, DOCUMENTS_PER_PAGE a page."""

    limit = DOCUMENTS_PER_PAGE

    def __init__(self, ward):
        self.ward = ward

    def items(self):
        return (
            Document.objects.published(self.ward)
            .annotate(last_change=Greatest("published_at", "updated_at"))
            .only("slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, document):
        return document.last_change

    def get_latest_lastmod(self):
        newest = self.items().values_list("last_change", flat=True).first()
        return newest


def sections(ward) -> dict:
    """The documents' sections of the ward's sitemap."""
    return {"van-ban": DocumentSitemap(ward)}
