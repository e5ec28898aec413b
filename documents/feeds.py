"""/van-ban/rss/: the ward's newest published documents, RSS 2.0."""

import copy

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape

from .models import Document

FEED_ITEMS = 20


class DocumentFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: each gets a copy that knows it.
        feed = copy.copy(self)
        feed.request = request
        return super(DocumentFeed, feed).__call__(request, *args, **kwargs)

    def items(self):
        return Document.objects.published(self.request.ward).order_by(
            "-published_at", "-id"
        )[:FEED_ITEMS]

    def title(self):
        return f"Văn bản – {self.request.ward.name}"

    def link(self):
        return reverse("documents:list")

    def feed_url(self):
        return reverse("documents:feed")

    def description(self):
        return f"Văn bản mới ban hành của {self.request.ward.name}."

    def item_title(self, document):
        return f"{document.get_kind_display()} số {document.number}"

    def item_description(self, document):
        issued = document.issued_on.strftime("%d/%m/%Y")
        # A feed's description is HTML to feed readers: the text is escaped.
        return escape(f"{document.summary} ({document.issuer_name}, ngày {issued})")

    def item_pubdate(self, document):
        return document.published_at

    def item_updateddate(self, document):
        return max(document.updated_at, document.published_at)

    def item_categories(self, document):
        return [document.get_kind_display(), document.get_field_display()]
