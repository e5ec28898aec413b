"""CKEditor's picture upload and image browser, for the folder their caller
names: the caller decides whose pictures a request may reach (a ward's
staff, their ward's folder) and wraps these with its own checks."""

import json
import posixpath
import re
from datetime import date
from pathlib import PurePosixPath

from ckeditor_uploader import utils as ckeditor_utils
from ckeditor_uploader.backends import get_backend
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from pictures import renditions
from pictures.checks import (
    IMAGE_ENDINGS,
    picture_problem,
    prepare_picture,
    shown_name,
    stored_path,
)
from vietnamese.text import vietnamese_slugify


def upload_image(request, folder: str):
    """CKEditor's picture upload (a POST with its token checked by the
    caller's decorators) into ``folder``, by day, refusing what is not a
    picture we can show.

    django-ckeditor trusts the file name's extension and answers bad input
    with a server error or an English message; staff get a Vietnamese one.
    """
    uploaded = request.FILES.get("upload")
    problem = _forgery_problem(request) or picture_problem(uploaded)
    if problem:
        return editor_answer(request, message=problem)
    try:
        picture = prepare_picture(uploaded)
    except ValidationError as error:  # An animation whose metadata stays.
        return editor_answer(request, message=error.messages[0])
    saved = _save_picture(picture, folder)
    renditions.make_soon(saved)
    return editor_answer(request, url=ckeditor_utils.get_media_url(saved))


def _save_picture(uploaded, folder: str) -> str:
    """Store the picture (and the thumbnail the image browser shows) in the
    folder, by day; the name saved, which may differ if taken."""
    day = timezone.localdate().strftime("%Y/%m/%d")
    storage = ckeditor_utils.storage
    path = storage.get_available_name(stored_path(f"{folder}/{day}/", uploaded.name))
    return get_backend()(storage, uploaded).save_as(path)


def _forgery_problem(request) -> str:
    """CKEditor's double-submit token: the same value in a cookie it sets and
    in the form it posts, from the image dialog and from drag and drop alike.
    Another site can post the form but can neither read nor set the cookie."""
    token = request.POST.get("ckCsrfToken", "")
    if token and constant_time_compare(token, request.COOKIES.get("ckCsrfToken", "")):
        return ""
    return "Phiên làm việc không hợp lệ. Vui lòng tải lại trang rồi thử lại."


# CKEditor numbers its callbacks from 0 upwards, one per dialog opened.
_FUNC_NUM = re.compile(r"[0-9]{1,10}")


def editor_answer(request, url="", message=""):
    """The uploaded picture's URL, or what went wrong, in the form the asking
    editor understands."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    # The image dialog's upload tab: the number goes into a script, so only
    # ASCII digits, and few of them (not "²" or "١", which isdigit() takes,
    # nor ten thousand digits), on every path, success included.
    if _FUNC_NUM.fullmatch(func_num):
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


# A page of the image browser: a ward keeps thousands of pictures in its folder.
BROWSE_PAGE_SIZE = 48


def browse_images(request, folders: list[str]):
    """CKEditor's image browser: the pictures in ``folders`` and below,
    newest first, a page at a time, found by words of their file name."""
    pictures = _pictures_in(folders)
    query = request.GET.get("q", "").strip()
    # Saved names are slugs ("hoi-nghi-dang-uy.png"): "Đảng ủy hội nghị" and
    # "hoi ngh" find them, every word typed the start of a word of the name.
    # The name as shown, "hoi-nghi.png", is typed with its ending too.
    words = vietnamese_slugify(_IMAGE_ENDING.sub("", query)).split("-")
    if wanted := [w for w in words if w]:
        pictures = [p for p in pictures if _named(p["name"], wanted)]
    page = Paginator(pictures, BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    # What CKEditor asked with (scope, CKEditorFuncNum…) goes on with a search.
    keep = [(k, v) for k, v in request.GET.items() if k not in ("q", "page")]
    context = {"files": list(page), "page": page, "query": query, "keep": keep}
    return render(request, "ckeditor/browse.html", context)


_ENDINGS = "|".join(map(re.escape, IMAGE_ENDINGS))
_IMAGE_ENDING = re.compile(f"({_ENDINGS})$", re.IGNORECASE)


def _named(name: str, wanted: list[str]) -> bool:
    words = vietnamese_slugify(PurePosixPath(name).stem).split("-")
    return all(any(word.startswith(w) for word in words) for w in wanted)


def _pictures_in(folders: list[str]) -> list[dict]:
    """The uploaded pictures in the folders, newest first: by the day folder
    they were saved in, then by the time of the file."""
    storage = ckeditor_utils.storage
    pictures = []
    for folder in folders:
        for name, thumb in _pictures_under(storage, folder):
            day = _day_folder(name)
            pictures.append(
                {
                    "name": shown_name(name),
                    "src": ckeditor_utils.get_media_url(name),
                    "thumb": ckeditor_utils.get_media_url(thumb or name),
                    "day": day,
                    "sort_key": (day or date.min, _modified(storage, name)),
                }
            )
    pictures.sort(key=lambda picture: picture["sort_key"], reverse=True)
    return pictures


_DAY_IN_PATH = re.compile(r"/([0-9]{4})/([0-9]{2})/([0-9]{2})/[^/]+$")


def _day_folder(path: str) -> date | None:
    """The day a picture was uploaded, from the folders it was saved in."""
    if match := _DAY_IN_PATH.search(path):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            pass
    return None


def _pictures_under(storage, folder):
    """(path, path of its thumbnail or None) of each picture in the folder
    and below; the thumbnails themselves are no pictures to pick."""
    try:
        folders, names = storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    present = set(names)
    for name in names:
        stem, suffix = posixpath.splitext(name)
        if name.startswith(".") or stem.endswith("_thumb"):
            continue
        thumb = f"{stem}_thumb{suffix}"
        yield f"{folder}/{name}", f"{folder}/{thumb}" if thumb in present else None
    for name in folders:
        if not name.startswith("."):
            yield from _pictures_under(storage, f"{folder}/{name}")


def _modified(storage, path) -> float:
    try:
        return storage.get_modified_time(path).timestamp()
    except (OSError, NotImplementedError):
        return 0.0


def date_folders() -> list[str]:
    """The upload folder's own date folders ("…/2021"), where pictures were
    saved before they were filed under an owner's folder."""
    top = settings.CKEDITOR_UPLOAD_PATH.rstrip("/")
    try:
        top_folders = ckeditor_utils.storage.listdir(top)[0]
    except OSError:  # Nothing uploaded yet.
        return []
    return [f"{top}/{name}" for name in top_folders if _YEAR.fullmatch(name)]


_YEAR = re.compile(r"[0-9]{4}")
