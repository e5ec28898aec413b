"""The documents' section of a ward's sitemap (wardnews/urls.py lists it
with articles' sections): only what published(ward) lets through. The
questions' section is made the same way (PublishedSitemap)."""

from django.db.models.functions import Greatest

from numbering.sitemaps import NumberedSitemap

from .models import Document


class PublishedSitemap(NumberedSitemap):
    """The ward's rows of ``model`` its readers may see (published(ward)),
    by address alone (their slug: nothing of a question's asker is read),
    each as of its publication or later correction, the section as of its
    newest publication's (read from the (ward, status, -published_at)
    index). The documents' and the questions' alike."""

    model: type

    def items(self):
        return (
            self.model.objects.published(self.ward)
            .annotate(last_change=Greatest("published_at", "updated_at"))
            .only("slug")
        )

    def lastmod(self, row):
        return row.last_change

    def get_latest_lastmod(self):
        return (
            self.items()
            .order_by("-published_at", "-pk")
            .values_list("last_change", flat=True)
            .first()
        )


class DocumentSitemap(PublishedSitemap):
    """The published documents, a thousand numbers a page in the order they
    were made (numbering/sitemaps.py)."""

    model = Document


def sections(ward) -> dict:
    """The documents' sections of the ward's sitemap."""
    return {"van-ban": DocumentSitemap(ward)}
