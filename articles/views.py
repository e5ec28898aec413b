from itertools import groupby
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import etag, require_safe
from django.views.generic import DetailView, TemplateView

from documents.models import Document
from files.download import NOT_FOUND, saved_file_response
from schedules.blocks import upcoming

from . import attachments, blocks, cards, paging
from .counting import count_view
from .models import Article, Attachment, Category, OldSlug
from .workflow import may_preview

HOME_LATEST = 5
# The newest documents in the home page's block.
HOME_DOCUMENTS = 5
# The schedule's next entries, from today on, in the home page's block.
HOME_ENTRIES = 6
HOME_PER_CATEGORY = 4
OTHER_ARTICLES = 6


class PublishedArticleMixin:
    """Reader pages list only what published() lets through, for the ward
    whose host the request came to."""

    def get_queryset(self):
        return Article.objects.published(self.request.ward).select_related("category")


class HomeView(PublishedArticleMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Lists show titles and leads: bodies (up to megabytes) stay behind.
        published = self.get_queryset().defer("body")
        latest = self._latest(published)
        context["latest"] = latest
        if latest:
            # The lead story is shown big once, not again in its category.
            published = published.exclude(pk=latest[0].pk)
        # The menu's categories, read once: the blocks follow them.
        categories = list(self.request.ward.categories.all())
        context["menu_categories"] = categories
        context["category_blocks"] = self._category_blocks(published, categories)
        # The latest grid above is the home page's "Tin mới".
        context["most_read"] = blocks.most_read(self.request.ward)
        # What a ward's portal publishes besides news, one query each.
        context["newest_documents"] = Document.objects.published(
            self.request.ward
        ).only("slug", "kind", "number", "summary", "issued_on")[:HOME_DOCUMENTS]
        context["upcoming_entries"] = upcoming(self.request.ward, HOME_ENTRIES)
        portal = urlsplit(settings.PROCEDURE_PORTAL_URL)
        context["public_service_portal"] = f"{portal.scheme}://{portal.netloc}/"
        return context

    @staticmethod
    def _latest(published):
        """The pinned article (tin nổi bật) first, else the newest; then the
        newest. One query: the pinned one and the newest few, each from its
        index, then ordered."""
        newest = published.order_by(*paging.NEWEST_FIRST)
        candidates = paging.any_of(
            newest.filter(is_featured=True)[:1], newest[:HOME_LATEST]
        )
        return list(
            paging.chosen(published, candidates).order_by(
                "-is_featured", *paging.NEWEST_FIRST
            )[:HOME_LATEST]
        )

    @staticmethod
    def _category_blocks(published, categories):
        """The newest few articles of each category, in one query: each
        category's few from its own (category, ward, status, newest) index,
        whatever the number of articles, then read by id (paging.chosen:
        the plan needs no statistics)."""
        if not categories:
            return []
        newest = published.order_by(*paging.NEWEST_FIRST)
        candidates = paging.any_of(
            *(newest.filter(category=c)[:HOME_PER_CATEGORY] for c in categories)
        )
        articles = paging.chosen(published, candidates).order_by(
            "category__menu_order", "category__name", *paging.NEWEST_FIRST
        )
        return [
            (category, list(group))
            for category, group in groupby(articles, key=lambda a: a.category)
        ]


class CategoryView(PublishedArticleMixin, TemplateView):
    """A category's articles, newest first, a page at a time: see paging."""

    template_name = "articles/category.html"

    def get(self, request, *args, **kwargs):
        if "page" in request.GET:
            # Numbered pages (?page=3) are gone. Each was counted from the
            # newest, so what it showed has moved on anyway: the category.
            return redirect("articles:category", slug=kwargs["slug"], permanent=True)
        category = get_object_or_404(Category, ward=request.ward, slug=kwargs["slug"])
        articles = self.get_queryset().filter(category=category).defer("body")
        try:
            page = paging.page_of(
                articles, request.GET, category.get_absolute_url(), request.ward
            )
        except paging.Moved as moved:
            return redirect(moved.url)
        context = self.get_context_data(category=category, page=page)
        return self.render_to_response(context)

    def get_context_data(self, *, category, page, **kwargs):
        return super().get_context_data(
            category=category,
            current_category=category,
            page=page,
            articles=page.articles,
            page_label=self._label(page),
            canonical_url=self.request.build_absolute_uri(page.url),
            **kwargs,
        )

    @staticmethod
    def _label(page):
        """What tells a page from the category's first, in its title and
        description and under its heading: the day of its newest article,
        or that it has the oldest ones."""
        if page.is_newest:
            return ""
        if page.is_last:
            return "những bài cũ nhất"
        newest = timezone.localtime(page.articles[0].published_at)
        return f"các bài đăng từ ngày {newest:%d/%m/%Y} trở về trước"


class ArticleDetailView(PublishedArticleMixin, DetailView):
    template_name = "articles/detail.html"
    context_object_name = "article"

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # An address the article had before its slug changed.
            # Only to what readers may see: a withdrawn article's new
            # address is nobody's business.
            moved = (
                OldSlug.objects.filter(
                    ward=request.ward,
                    slug=kwargs["slug"],
                    article__in=Article.objects.published(request.ward),
                )
                .values_list("article__slug", flat=True)
                .first()
            )
            if moved is None:
                raise
            return redirect("articles:detail", slug=moved, permanent=True)
        response = self.render_to_response(self.get_context_data(object=self.object))
        count_view(request, self.object, response)
        response.reader_article = self.object  # For the page cache.
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        published = Article.objects.published(self.request.ward)
        context["current_category"] = article.category
        context["attachments"] = attachments.links(article)
        context["share"] = cards.ArticleShare.of(self.request, article)
        context["canonical_url"] = context["share"].url
        context["other_articles"] = (
            published.filter(category_id=article.category_id)
            .exclude(pk=article.pk)
            .only("title", "slug", "published_at")[:OTHER_ARTICLES]
        )
        context["newest"] = blocks.newest(self.request.ward, exclude=article)
        context["most_read"] = blocks.most_read(self.request.ward, exclude=article)
        return context


class ArticlePreviewView(ArticleDetailView):
    """An article as readers will see it, whatever its state, for staff who
    may edit it: marked, never counted, cached or indexed. Served from the
    admin (on the admin's host), for the article's own ward."""

    article = None  # Given by the admin, which found and checked it.

    def get(self, request, *args, **kwargs):
        self.object = self.article
        request.ward = self.article.ward
        response = self.render_to_response(self.get_context_data(object=self.object))
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_preview=True,
            edit_url=reverse("admin:articles_article_change", args=[self.object.pk]),
            **kwargs,
        )


class FeedsView(TemplateView):
    """ "Tin RSS": what the ward's feeds are for and their addresses, for
    people; a browser opening a feed itself shows raw XML. The feeds are the
    menu's categories (articles/feeds.py), all read from the context's
    menu_categories, so the page costs no query of its own."""

    template_name = "articles/feeds.html"


@require_safe
@etag(lambda request: cards.card_etag(request.ward))
def share_card(request):
    """The ward's card picture: what Zalo and Facebook show with a link to a
    page without a photo of its own."""
    response = HttpResponse(cards.card_png(request.ward), content_type="image/png")
    patch_cache_control(response, public=True, max_age=cards.CARD_MAX_AGE)
    return response


@require_safe
def download_attachment(request, pk, filename):
    """One attached file, saved by the browser under its display name.

    Readers get the files of the articles published() lets through on this
    ward's host. Staff who may preview an article get its files whatever its
    state and on any host (the preview is served on the admin's), never
    kept by a cache."""
    published = Article.objects.published(request.ward)
    attachment = Attachment.objects.filter(pk=pk, article__in=published).first()
    is_public = attachment is not None
    if not is_public:
        # Asked only now: a reader's download reads no session and varies
        # with no cookie.
        attachment = Attachment.objects.select_related("article").filter(pk=pk).first()
        if attachment is None or not (
            request.user.is_staff and may_preview(request.user, attachment.article)
        ):
            raise Http404(NOT_FOUND)
    if filename != attachments.url_filename(attachment):
        return redirect(attachments.attachment_url(attachment), permanent=is_public)
    return saved_file_response(
        attachment.file,
        filename=attachments.download_name(attachment),
        public=is_public,
    )
