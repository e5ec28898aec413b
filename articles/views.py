from itertools import groupby

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import etag, require_safe
from django.views.generic import DetailView, ListView, TemplateView

from . import attachments, blocks, cards
from .counting import count_view
from .models import Article, Category, OldSlug

HOME_LATEST = 5
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
        # The pinned article (tin nổi bật) leads; otherwise the newest.
        latest = list(
            published.order_by("-is_featured", "-published_at", "-id")[:HOME_LATEST]
        )
        context["latest"] = latest
        if latest:
            # The lead story is shown big once, not again in its category.
            published = published.exclude(pk=latest[0].pk)
        context["category_blocks"] = self._category_blocks(published)
        # The latest grid above is the home page's "Tin mới".
        context["most_read"] = blocks.most_read(self.request.ward)
        return context

    def _category_blocks(self, published):
        """The newest few articles of each category, in one query."""
        newest_first = [F("published_at").desc(), F("id").desc()]
        ranked = (
            published.annotate(
                rank=Window(
                    RowNumber(), partition_by=F("category_id"), order_by=newest_first
                )
            )
            .filter(rank__lte=HOME_PER_CATEGORY)
            .order_by("category__menu_order", "category__name", *newest_first)
        )
        return [
            (category, list(articles))
            for category, articles in groupby(ranked, key=lambda a: a.category)
        ]


class CategoryView(PublishedArticleMixin, ListView):
    template_name = "articles/category.html"
    context_object_name = "articles"
    paginate_by = 10

    def get_queryset(self):
        self.category = get_object_or_404(
            Category, ward=self.request.ward, slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(category=self.category).defer("body")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            category=self.category, current_category=self.category, **kwargs
        )
        url = self.category.get_absolute_url()
        if context["page_obj"].number > 1:
            url += f"?page={context['page_obj'].number}"
        context["canonical_url"] = self.request.build_absolute_uri(url)
        return context


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


@require_safe
@etag(lambda request: cards.card_etag(request.ward))
def share_card(request):
    """The ward's card picture: what Zalo and Facebook show with a link to a
    page without a photo of its own."""
    response = HttpResponse(cards.card_png(request.ward), content_type="image/png")
    patch_cache_control(response, public=True, max_age=cards.CARD_MAX_AGE)
    return response
