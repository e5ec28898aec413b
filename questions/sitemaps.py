"""The questions' section of a ward's sitemap (wardnews/urls.py lists it
with articles' sections): only what published(ward) lets through, by
address alone (nothing of the asker)."""

from django.db.models.functions import Greatest

from numbering.sitemaps import NumberedSitemap

from .models import Submission


class QuestionSitemap(NumberedSitemap):
    """The published answers, a thousand numbers a page in the order they
    were asked (numbering/sitemaps.py)."""

    def __init__(self, ward):
        self.ward = ward

    def scope(self):
        return self.ward.pk

    def items(self):
        return (
            Submission.objects.published(self.ward)
            .annotate(last_change=Greatest("published_at", "updated_at"))
            .only("slug")
        )

    def lastmod(self, item):
        return item.last_change

    def get_latest_lastmod(self):
        return (
            self.items()
            .order_by("-published_at", "-pk")
            .values_list("last_change", flat=True)
            .first()
        )
