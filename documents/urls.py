from django.urls import path

from pages.decorators import for_readers

from . import feeds, views

app_name = "documents"

urlpatterns = [
    path(
        "van-ban/",
        for_readers(
            views.DocumentListView.as_view(), params=views.PARAMS, searched_by="q"
        ),
        name="list",
    ),
    path("van-ban/rss/", for_readers(feeds.DocumentFeed()), name="feed"),
    # Not kept by the page cache: each reader's view is counted.
    path("van-ban/<slug:slug>/", views.DocumentDetailView.as_view(), name="detail"),
    path(
        "van-ban/<slug:slug>/tep/<int:pk>/<str:filename>",
        views.download,
        name="download",
    ),
    path(
        "van-ban/<slug:slug>/xem/<int:pk>/<str:filename>",
        views.view_pdf,
        name="view",
    ),
]
