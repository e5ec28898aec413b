"""Serving a stored document so that the browser saves it.

Every download is forced to be saved (never shown on the portal's own
domain): a PDF may carry JavaScript, and no check short of a full PDF parser
finds it (names can be hex-escaped, objects compressed), but a file that is
saved and opened in the reader's own PDF app runs nothing in the portal's
pages.
"""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

from .checks import kind_of

# How long browsers and proxies may keep a public file: short, so a file
# taken down stops being served soon after.
DOWNLOAD_MAX_AGE = 300

NOT_FOUND = "Không tìm thấy tệp."


def saved_file_response(stored, *, filename: str, public: bool) -> FileResponse:
    """The stored file (a FieldFile) as a download saved under ``filename``.

    A public file may be kept by browsers and proxies for DOWNLOAD_MAX_AGE;
    any other (a draft's, seen by staff) is never kept by a cache. A file
    missing from storage is a 404, not an error page."""
    try:
        opened = stored.open("rb")
    except FileNotFoundError:
        raise Http404(NOT_FOUND) from None
    kind = kind_of(stored.name)
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=filename,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    if public:
        patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
