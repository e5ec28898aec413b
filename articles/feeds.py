"""RSS 2.0 feeds of a ward's news: all of it, and one per category.

Everything in a feed is read away from the site (a feed reader, another
portal), so every link and picture in it is absolute, on the host the feed
was asked for: the ward's own.
"""

import copy
import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html

from pictures.addresses import without_foreign_pictures

from .models import Article, Category

FEED_ITEMS = 20

# Root-relative and protocol-relative links and pictures in a sanitised body:
# nh3 writes every attribute value in double quotes.
_RELATIVE_URL = re.compile(r'(\s(?:src|href)=")(/[^"]*)"')


def absolute_urls(html: str, origin: str) -> str:
    """The body with its "/media/uploads/…" pictures and "/bai-viet/…" links
    on `origin` ("https://phucloi.hanoi.gov.vn"): a feed reader has no page
    to read them against."""
    scheme = origin.partition(":")[0]

    def absolute(match):
        attribute, url = match.groups()
        url = f"{scheme}:{url}" if url.startswith("//") else origin + url
        return f'{attribute}{url}"'

    return _RELATIVE_URL.sub(absolute, html)


class WardNewsFeed(Feed):
    """The ward's newest published articles."""

    def __call__(self, request, *args, **kwargs):
        # The URLconf's one instance serves every request, in several threads
        # at once: each request gets a copy of its own that knows it.
        feed = copy.copy(self)
        feed.request = request
        return super(WardNewsFeed, feed).__call__(request, *args, **kwargs)

    def articles(self, obj):
        return Article.objects.published(self.request.ward)

    def items(self, obj):
        return self.articles(obj).select_related("category")[:FEED_ITEMS]

    def title(self, obj):
        return f"Tin mới – {self.request.ward.name}"

    def link(self, obj):
        return reverse("articles:home")

    def feed_url(self, obj):
        return reverse("feed")

    def description(self, obj):
        return f"Tin tức, sự kiện, thông báo của {self.request.ward.name}."

    def item_description(self, article):
        origin = f"{self.request.scheme}://{self.request.get_host()}"
        picture = ""
        if article.featured_image:
            picture = format_html(
                '<p><img src="{}" alt="{}"></p>',
                origin + article.featured_image.url,
                article.featured_image_alt,
            )
        lead = ""
        if article.lead:
            lead = format_html(
                "<p><strong>{}</strong></p>",
                linebreaksbr(article.lead, autoescape=True),
            )
        body = without_foreign_pictures(article.body)
        return f"{picture}{lead}{absolute_urls(body, origin)}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return max(article.updated_at, article.published_at)

    def item_categories(self, article):
        return [article.category.name]


class CategoryFeed(WardNewsFeed):
    """The newest published articles of one of the ward's categories."""

    def get_object(self, request, slug):
        # Another ward's category, even with the same slug, is not found here.
        return get_object_or_404(Category, ward=request.ward, slug=slug)

    def articles(self, category):
        return super().articles(category).filter(category=category)

    def title(self, category):
        return f"{category.name} – {self.request.ward.name}"

    def link(self, category):
        return category.get_absolute_url()

    def feed_url(self, category):
        return reverse("category_feed", kwargs={"slug": category.slug})

    def description(self, category):
        return category.description or (
            f"Tin bài chuyên mục {category.name} – {self.request.ward.name}."
        )
