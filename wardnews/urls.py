import posixpath

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from articles import richtext, statistics
from articles.feeds import CategoryFeed, WardNewsFeed
from articles.sitemaps import sitemap
from wardnews.wards.views import robots_txt, view_on_site


def media(request, path):
    """Uploaded photos, when no web server in front serves MEDIA_ROOT.
    Attachments only ever go out through their download view, which asks
    whether the reader may see the article."""
    if posixpath.normpath(path).lstrip("/").startswith("attachments/"):
        raise Http404("Không tìm thấy tệp.")
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    # Before the admin's own, which it replaces.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path(
        "admin/thong-ke/",
        admin.site.admin_view(statistics.statistics_view),
        name="statistics",
    ),
    path("admin/", admin.site.urls),
    path("ckeditor/", include(richtext.urlpatterns)),
    path("rss/", WardNewsFeed(), name="feed"),
    path("chuyen-muc/<slug:slug>/rss/", CategoryFeed(), name="category_feed"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("wardnews.wards.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            media,
        )
    ]
