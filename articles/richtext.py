"""The article editor, in one place: what staff write with, what readers get.

Staff write bodies in CKEditor (with image upload); whatever HTML arrives, from
the editor, a paste or a crafted request, is cleaned on save against an
allow-list fitting a news article. Scripts, event attributes and javascript:
URLs never reach a reader. Swapping the editor means changing this module.
"""

import json
import re
from pathlib import PurePosixPath

import nh3
from ckeditor_uploader import utils as ckeditor_utils
from ckeditor_uploader import views as ckeditor_views
from ckeditor_uploader.backends import get_backend
from ckeditor_uploader.forms import SearchForm
from ckeditor_uploader.widgets import CKEditorUploadingWidget
from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .pictures import picture_problem
from .text import vietnamese_slugify

# Short enough for the file system, with "_thumb" and a "_1a2B3c4" added.
MAX_NAME_LENGTH = 100

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "span", "blockquote",
    "ul", "ol", "li",
    "a", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": {"style"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "type"},
    "table": {"border", "cellpadding", "cellspacing"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}

# Layout the editor writes (image size and float, text alignment, table
# widths); nothing that can position content over the page.
ALLOWED_STYLES = {
    "text-align", "float", "width", "height",
    "margin", "margin-left", "margin-right", "border-style", "border-width",
}  # fmt: skip

ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The tags whose content is dropped with them, not kept as text.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template"}

TOOLBAR = [
    ["Format"],
    ["Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
    ["NumberedList", "BulletedList", "Blockquote"],
    ["JustifyLeft", "JustifyCenter", "JustifyRight", "JustifyBlock"],
    ["Link", "Unlink"],
    ["Image", "Table", "HorizontalRule"],
    ["PasteText", "PasteFromWord", "RemoveFormat"],
    ["Undo", "Redo"],
    ["Maximize", "Source"],
]

EDITOR_CONFIG = {
    "toolbar": "Wardnews",
    "toolbar_Wardnews": TOOLBAR,
    "format_tags": "p;h2;h3;h4",
    "height": 420,
    "width": "100%",
    "removePlugins": "exportpdf",
    # Paste from Word keeps structure but not its fonts and colours.
    "pasteFromWordRemoveFontStyles": True,
    "disableNativeSpellChecker": False,
}


class EditorWidget(CKEditorUploadingWidget):
    """CKEditor with image upload, configured for ward news articles; its
    pictures go into, and are browsed from, the given ward's folder."""

    def __init__(self, *args, ward=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.config.update(EDITOR_CONFIG)

    @property
    def media(self):
        # After ckeditor.js: the Vietnamese CKEditor itself lacks.
        return super().media + forms.Media(js=["articles/admin/ckeditor_vi.js"])

    def _set_config(self):
        super()._set_config()
        ward = {"ward": self.ward.pk} if self.ward else {}
        upload_url = reverse("ckeditor_upload")
        self.config["filebrowserUploadUrl"] = f"{upload_url}?{urlencode(ward)}"
        self.config["filebrowserBrowseUrl"] = (
            f"{reverse('ckeditor_browse')}?{urlencode(ward)}"
        )
        # Pasted and dropped pictures: CKEditor appends nothing to this one.
        self.config["uploadUrl"] = (
            f"{upload_url}?{urlencode({**ward, 'responseType': 'json'})}"
        )


def sanitize(html: str) -> str:
    """The body HTML a reader may be shown."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        filter_style_properties=ALLOWED_STYLES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@csrf_exempt  # CKEditor posts its own token instead of Django's; see below.
@staff_member_required
@require_POST
def upload_image(request):
    """CKEditor's image upload into the ward's folder, refusing what is not
    a picture we can show.

    django-ckeditor trusts the file name's extension and answers bad input
    with a server error or an English message; staff get a Vietnamese one.
    """
    uploaded = request.FILES.get("upload")
    ward = _ward_of(request)
    problem = (
        _forgery_problem(request)
        or (WARD_PROBLEM if ward is None else "")
        or picture_problem(uploaded)
    )
    if problem:
        return _editor_answer(request, message=problem)
    saved = _save_picture(uploaded, ward)
    return _editor_answer(request, url=ckeditor_utils.get_media_url(saved))


WARD_PROBLEM = "Bạn không có quyền tải ảnh lên hoặc xem ảnh của phường này."


def _ward_of(request):
    """The ward the editor works for (?ward=), if the staff member is its."""
    from wardnews.wards.models import Ward  # The wards' pages use this editor.

    pk = request.GET.get("ward", "")
    if not re.fullmatch(r"[0-9]{1,18}", pk):  # Not "²", which isdigit() takes.
        return None
    return Ward.objects.for_user(request.user).filter(pk=pk).first()


def _save_picture(uploaded, ward) -> str:
    """Store the picture (and the thumbnail the image browser shows) in the
    ward's folder, by day; the name saved, which may differ if taken."""
    day = timezone.localdate().strftime("%Y/%m/%d")
    name = PurePosixPath(uploaded.name)
    stem = vietnamese_slugify(name.stem)[:MAX_NAME_LENGTH].strip("-") or "anh"
    name = stem + name.suffix.lower()
    storage = ckeditor_utils.storage
    path = storage.get_available_name(f"{ward.upload_folder}/{day}/{name}")
    return get_backend()(storage, uploaded).save_as(path)


def _forgery_problem(request) -> str:
    """CKEditor's double-submit token: the same value in a cookie it sets and
    in the form it posts, from the image dialog and from drag and drop alike.
    Another site can post the form but can neither read nor set the cookie."""
    token = request.POST.get("ckCsrfToken", "")
    if token and constant_time_compare(token, request.COOKIES.get("ckCsrfToken", "")):
        return ""
    return "Phiên làm việc không hợp lệ. Vui lòng tải lại trang rồi thử lại."


def _editor_answer(request, url="", message=""):
    """The uploaded picture's URL, or what went wrong, in the form the asking
    editor understands."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num.isdigit():  # The image dialog's upload tab.
        # The message may quote the file's name: no markup into the script.
        args = ", ".join(json.dumps(a).replace("<", "\\u003c") for a in (url, message))
        return HttpResponse(
            "<script>window.parent.CKEDITOR.tools.callFunction("
            f"{func_num}, {args});</script>"
        )
    if message:
        return JsonResponse({"uploaded": 0, "error": {"message": message}})
    return JsonResponse(
        {"uploaded": "1", "url": url, "fileName": PurePosixPath(url).name}
    )


# Pictures uploaded before there were wards sit in date folders directly
# under the upload folder; they are the first ward's, the one the migration
# made of the installation as it was (whichever ward is default later).
_DATE_FOLDER = re.compile(r"[0-9]{4}")


@never_cache
@staff_member_required
def browse_images(request):
    """CKEditor's image browser, showing the ward's own pictures only."""
    ward = _ward_of(request)
    if ward is None:
        return HttpResponseForbidden(
            WARD_PROBLEM, content_type="text/plain; charset=utf-8"
        )
    files = _ward_pictures(ward)
    form = SearchForm(request.POST or None)
    if form.is_valid():
        query = form.cleaned_data.get("q", "").lower()
        files = [f for f in files if query in f["name"].lower()]
    context = {
        "show_dirs": True,
        "dirs": sorted(
            {str(PurePosixPath(f["src"]).parent) for f in files}, reverse=True
        ),
        "files": files,
        "form": form,
    }
    return render(request, "ckeditor/browse.html", context)


def _ward_pictures(ward) -> list[dict]:
    folders = [ward.slug]
    first_ward = type(ward).objects.order_by("pk").values_list("pk", flat=True)[0]
    if ward.pk == first_ward:
        storage = ckeditor_utils.storage
        try:
            top_folders = storage.listdir(settings.CKEDITOR_UPLOAD_PATH)[0]
        except OSError:  # Nothing uploaded yet.
            top_folders = []
        folders += [name for name in top_folders if _DATE_FOLDER.fullmatch(name)]
    files = []
    for folder in folders:
        for name in ckeditor_views.get_image_files(path=folder):
            src = ckeditor_utils.get_media_url(name)
            visible = PurePosixPath(name).name
            files.append(
                {
                    "name": visible,
                    "src": src,
                    "thumb": ckeditor_utils.get_media_url(
                        ckeditor_utils.get_thumb_filename(name)
                    ),
                    "is_image": True,
                    "visible_filename": visible[:19] + "…"
                    if len(visible) > 20
                    else visible,
                }
            )
    return files


# Mounted at /ckeditor/ by wardnews/urls.py; the names are django-ckeditor's.
urlpatterns = [
    path("upload/", upload_image, name="ckeditor_upload"),
    path("browse/", browse_images, name="ckeditor_browse"),
]
