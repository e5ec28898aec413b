"""sitemap.xml: the pages of the ward whose host was asked, and only what
its readers may see (published(ward))."""

import functools

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse

from numbering.sitemaps import NumberedSitemap, index

from .models import Article, Category

# When an article's page last changed: its publication (a scheduled article
# comes out after it was last saved) or a later correction. Indexed per
# category (articles/models.py, article_category_changed_idx): the same
# expression, or the index is not used.
LAST_CHANGE = Greatest("published_at", "updated_at")


class WardSitemap(Sitemap):
    """A section of one ward's sitemap. ``newest_change`` is when the ward's
    newest article changed, asked at most once for all its sections (from
    changed_categories)."""

    def __init__(self, ward, newest_change):
        self.ward = ward
        self.newest_change = newest_change

    def published(self):
        return Article.objects.published(self.ward)


class WardPagesSitemap(WardSitemap):
    """The home page, "Giới thiệu", "Liên hệ" and "Tin RSS"."""

    def items(self):
        home_change = self.newest_change()
        # A ward keeps no time of its last change: better no lastmod for its
        # pages than a wrong one.
        pages = [
            ("articles:home", home_change),
            ("wards:contact", None),
            ("articles:feeds", None),
        ]
        if self.ward.introduction:  # Without one the page is a short note.
            pages.insert(1, ("wards:about", None))
        return pages

    def location(self, page):
        return reverse(page[0])

    def lastmod(self, page):
        return page[1]


class CategorySitemap(WardSitemap):
    """The categories with something published, as of their newest change."""

    def __init__(self, ward, newest_change, changed_categories):
        super().__init__(ward, newest_change)
        self.changed_categories = changed_categories

    def items(self):
        return self.changed_categories()

    def lastmod(self, category):
        return category.last_change


class ArticleSitemap(WardSitemap, NumberedSitemap):
    """The articles, a thousand numbers to a page in the order they were
    made (numbering/sitemaps.py): a ward of 100,000 articles has a sitemap of
    small pages, each quick to render and kept, and old pages stay as they
    were as new articles come (`?p=2`, `?p=3`…, listed in the index)."""

    def items(self):
        return self.published().annotate(last_change=LAST_CHANGE).only("slug")

    def lastmod(self, article):
        return article.last_change

    def get_latest_lastmod(self):
        # Django's own would read every article.
        return self.newest_change()


def changed_categories(ward) -> list[Category]:
    """The ward's categories with something published, each with its
    ``last_change``: one query, each category's from the first entries of
    its range of the (category, ward, status, LAST_CHANGE) index, whatever
    the number of articles and with or without the planner's statistics."""
    newest = (
        Article.objects.published(ward)
        .filter(category=OuterRef("pk"))
        .order_by(LAST_CHANGE.desc())
        .values_list(LAST_CHANGE)[:1]
    )
    categories = Category.objects.filter(ward=ward).annotate(
        last_change=Subquery(newest)
    )
    return [category for category in categories if category.last_change]


def _sections(ward, more=None) -> dict:
    """The ward's sections: the news's, then ``more`` (name: a Sitemap class
    taking the ward), the other apps' that wardnews/urls.py names."""
    categories = functools.cache(functools.partial(changed_categories, ward))

    def newest_change():
        """When the ward's newest article changed: its categories' newest
        (every article is in one of its ward's categories)."""
        return max((c.last_change for c in categories()), default=None)

    return {
        "trang": WardPagesSitemap(ward, newest_change),
        "chuyen-muc": CategorySitemap(ward, newest_change, categories),
        "bai-viet": ArticleSitemap(ward, newest_change),
        **{name: section(ward) for name, section in (more or {}).items()},
    }


def sitemap_index(request, more=None):
    """sitemap.xml, of the ward whose host the request came to: its sections
    and their pages."""
    return index(request, _sections(request.ward, more), "sitemap_section")


def sitemap_section(request, section, more=None):
    """A section of the ward's sitemap, a page of it with ?p=."""
    return sitemap_views.sitemap(
        request, sitemaps=_sections(request.ward, more), section=section
    )
