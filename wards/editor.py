"""The rich-text editor's picture upload and image browser for a ward's
staff: each request names its ward (?ward=, set by the editor's widget),
and reaches that ward's picture folder only if the staff member is the
ward's. Mounted at /ckeditor/ by wardnews/urls.py; the URL names are
django-ckeditor's."""

import re

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseForbidden
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from richtext import views as editor_views

from .models import Ward

WARD_PROBLEM = "Bạn không có quyền tải ảnh lên hoặc xem ảnh của phường này."


def editor_scope(ward) -> dict:
    """What the editor's widget puts in its upload and browse addresses."""
    return {"ward": ward.pk} if ward else {}


@csrf_exempt  # CKEditor posts its own token instead of Django's (checked there).
@staff_member_required
@require_POST
def upload_image(request):
    ward = _ward_of(request)
    if ward is None:
        return editor_views.editor_answer(request, message=WARD_PROBLEM)
    return editor_views.upload_image(request, ward.upload_folder)


@never_cache
@staff_member_required
def browse_images(request):
    ward = _ward_of(request)
    if ward is None:
        return HttpResponseForbidden(
            WARD_PROBLEM, content_type="text/plain; charset=utf-8"
        )
    return editor_views.browse_images(request, ward.picture_folders)


def _ward_of(request):
    """The ward the editor works for (?ward=), if the staff member is its."""
    pk = request.GET.get("ward", "")
    if not re.fullmatch(r"[0-9]{1,18}", pk):  # Not "²", which isdigit() takes.
        return None
    return Ward.objects.for_user(request.user).filter(pk=pk).first()


urlpatterns = [
    path("upload/", upload_image, name="ckeditor_upload"),
    path("browse/", browse_images, name="ckeditor_browse"),
]
