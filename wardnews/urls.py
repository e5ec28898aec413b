import posixpath

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.utils.cache import patch_cache_control
from django.views.static import serve

from articles import statistics
from articles.feeds import CategoryFeed, WardNewsFeed
from articles.sitemaps import sitemap_index, sitemap_section
from documents.sitemaps import DocumentSitemap
from pages.decorators import for_readers
from pages.params import page_number
from pictures.renditions import RENDITIONS
from procedures.sitemaps import ProcedureSitemap
from questions.sitemaps import QuestionSitemap
from schedules.sitemaps import ScheduleSitemap
from wardnews.health import healthz
from wards.invitations import PasswordSetView, SetPasswordView
from wards.views import robots_txt, view_on_site

# The database's absence answers 503 "come back soon", not 500.
handler500 = "wardnews.outage.server_error"

# The ward's sitemap sections of the apps beside the news (name: a Sitemap
# class taking the ward), after the news's own (articles/sitemaps.py).
SITEMAP_SECTIONS = {
    "van-ban": DocumentSitemap,
    "lich-cong-tac": ScheduleSitemap,
    "thu-tuc-hanh-chinh": ProcedureSitemap,
    "hoi-dap": QuestionSitemap,
}

MEDIA_MAX_AGE = 24 * 60 * 60
RENDITION_MAX_AGE = 365 * 24 * 60 * 60


def media(request, path):
    """Uploaded photos, when no web server in front serves MEDIA_ROOT.
    Attachments only ever go out through their download view, which asks
    whether the reader may see the article."""
    if posixpath.normpath(path).lstrip("/").startswith("attachments/"):
        raise Http404("Không tìm thấy tệp.")
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:  # A name longer than the file system allows, and the like.
        raise Http404("Không tìm thấy tệp.") from None
    # As nginx does (deploy/nginx/wardnews.conf): a rendition's name is its
    # picture's and size's, never reused for another; an upload may be
    # replaced by staff.
    renditions = path.startswith(f"{RENDITIONS}/")
    patch_cache_control(
        response,
        public=True,
        max_age=RENDITION_MAX_AGE if renditions else MEDIA_MAX_AGE,
    )
    return response


urlpatterns = [
    # Before the admin's own, which it replaces.
    path(
        f"{settings.ADMIN_URL}r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path(
        f"{settings.ADMIN_URL}thong-ke/",
        admin.site.admin_view(statistics.statistics_view),
        name="statistics",
    ),
    path(f"{settings.ADMIN_URL}xac-thuc-hai-buoc/", include("twostep.urls")),
    # A new staff member's one-time link from their invitation email.
    path(
        f"{settings.ADMIN_URL}dat-mat-khau/xong/",
        PasswordSetView.as_view(),
        name="staff_password_set",
    ),
    path(
        f"{settings.ADMIN_URL}dat-mat-khau/<uidb64>/<token>/",
        SetPasswordView.as_view(),
        name="staff_set_password",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("ckeditor/", include("wards.editor")),
    path("rss/", for_readers(WardNewsFeed()), name="feed"),
    path(
        "chuyen-muc/<slug:slug>/rss/",
        for_readers(CategoryFeed()),
        name="category_feed",
    ),
    path(
        "sitemap.xml",
        for_readers(sitemap_index),
        {"more": SITEMAP_SECTIONS},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        for_readers(sitemap_section, params={"p": page_number}),
        {"more": SITEMAP_SECTIONS},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz", healthz, name="healthz"),
    path("", include("wards.urls")),
    path("", include("organisation.urls")),
    path("", include("articles.urls")),
    path("", include("documents.urls")),
    path("", include("schedules.urls")),
    path("", include("procedures.urls")),
    path("", include("questions.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            media,
        )
    ]
