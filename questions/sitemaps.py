"""The questions' section of a ward's sitemap (wardnews/urls.py lists it
with articles' sections): only what published(ward) lets through, by
address alone (nothing of the asker)."""

from django.contrib.sitemaps import Sitemap
from django.db.models.functions import Greatest

from .models import Submission

QUESTIONS_PER_PAGE = 2000


class QuestionSitemap(Sitemap):
    """The published answers, newest first, QUESTIONS_PER_PAGE a page."""

    limit = QUESTIONS_PER_PAGE

    def __init__(self, ward):
        self.ward = ward

    def items(self):
        return (
            Submission.objects.published(self.ward)
            .annotate(last_change=Greatest("published_at", "updated_at"))
            .only("slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.last_change

    def get_latest_lastmod(self):
        return self.items().values_list("last_change", flat=True).first()
