from itertools import groupby

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.decorators.http import etag, require_safe
from django.views.generic import DetailView, ListView, TemplateView

from . import blocks, cards
from .counting import count_view
from .models import Article, Category

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
        latest = list(published[:HOME_LATEST])
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

    def get_queryset(self):
        if self.may_preview:
            # The ward's staff may open any of its articles from the admin
            # to check it first.
            return Article.objects.filter(ward=self.request.ward).select_related(
                "category"
            )
        return super().get_queryset()

    @cached_property
    def may_preview(self) -> bool:
        user = self.request.user
        return user.is_staff and (
            user.is_superuser
            or user.ward_memberships.filter(ward=self.request.ward).exists()
        )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        count_view(request, self.object, response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        published = Article.objects.published(self.request.ward)
        if self.may_preview:
            context["is_preview"] = not published.filter(pk=article.pk).exists()
        context["current_category"] = article.category
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


@require_safe
@etag(lambda request: cards.card_etag(request.ward))
def share_card(request):
    """The ward's card picture: what Zalo and Facebook show with a link to a
    page without a photo of its own."""
    response = HttpResponse(cards.card_png(request.ward), content_type="image/png")
    patch_cache_control(response, public=True, max_age=cards.CARD_MAX_AGE)
    return response
