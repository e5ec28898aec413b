from django.urls import path

from . import attachments, search, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("chuyen-muc/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("bai-viet/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("tim-kiem/", search.SearchView.as_view(), name="search"),
    path("anh-chia-se.png", views.share_card, name="share_card"),
    path("tep/<int:pk>/<str:filename>", attachments.download, name="attachment"),
]
