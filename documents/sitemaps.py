"""The documents' section of a ward's sitemap (wardnews/urls.py lists it
with articles' sections): only what published(ward) lets through."""

from django.db.models.functions import Greatest

from numbering.sitemaps import NumberedSitemap

from .models import Document


class DocumentSitemap(NumberedSitemap):
    """The published documents, a thousand numbers a page in the order they
    were made (numbering/sitemaps.py)."""

    def __init__(self, ward):
        self.ward = ward

    def scope(self):
        return self.ward.pk

    def items(self):
        return (
            Document.objects.published(self.ward)
            .annotate(last_change=Greatest("published_at", "updated_at"))
            .only("slug")
        )

    def lastmod(self, document):
        return document.last_change

    def get_latest_lastmod(self):
        return (
            self.items()
            .order_by("-published_at", "-pk")
            .values_list("last_change", flat=True)
            .first()
        )


def sections(ward) -> dict:
    """The documents' sections of the ward's sitemap."""
    return {"van-ban": DocumentSitemap(ward)}
