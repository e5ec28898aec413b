from django.urls import path

from pages import limits
from pages.decorators import ARTICLE_SECONDS, for_readers

from . import paging, search, views

app_name = "articles"

urlpatterns = [
    path("", for_readers(views.HomeView.as_view()), name="home"),
    path(
        "chuyen-muc/<slug:slug>/",
        # The keyset pages' cursors (views.CategoryView).
        for_readers(views.CategoryView.as_view(), params=paging.PARAMS),
        name="category",
    ),
    path(
        "bai-viet/<slug:slug>/",
        for_readers(
            views.ArticleDetailView.as_view(), seconds=ARTICLE_SECONDS, counted=True
        ),
        name="detail",
    ),
    path(
        "tim-kiem/",
        for_readers(
            search.SearchView.as_view(),
            kept=False,
            params=search.PARAMS,
            limit=limits.SEARCHES,
        ),
        name="search",
    ),
    path("tin-rss/", for_readers(views.FeedsView.as_view()), name="feeds"),
    path("anh-chia-se.png", views.share_card, name="share_card"),
    path("tep/<int:pk>/<str:filename>", views.download_attachment, name="attachment"),
]
