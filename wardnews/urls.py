from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.richtext import upload_image


def media(request, path):
    """Uploaded photos, when no web server in front serves MEDIA_ROOT."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("admin/", admin.site.urls),
    # Ahead of django-ckeditor's own upload URL, which it shadows.
    path("ckeditor/upload/", upload_image, name="ckeditor_upload"),
    path("ckeditor/", include("ckeditor_uploader.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            media,
        )
    ]
