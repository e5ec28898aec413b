"""The questions' section of a ward's sitemap (wardnews/urls.py lists it
with articles' sections): only what published(ward) lets through, by
address alone (nothing of the asker)."""

from documents.sitemaps import PublishedSitemap

from .models import Submission


class QuestionSitemap(PublishedSitemap):
    """The published answers, a thousand numbers a page in the order they
    were asked (numbering/sitemaps.py)."""

    model = Submission
