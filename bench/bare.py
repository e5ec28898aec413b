"""The ceiling: bare Django answering one URL with a 20 KB HTML page.

A project of its own, settings in this module: no middleware, no database,
no templates. `gunicorn bench.bare:application`, from the project root.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

PARAGRAPH = (
    "<p>Chiều ngày 20/1, Thường trực Đảng ủy phường làm việc với Mặt trận Tổ "
    "quốc và các đoàn thể chính trị - xã hội về chương trình công tác năm; các "
    "tổ dân phố báo cáo kết quả thực hiện nhiệm vụ.</p>\n"
)
PAGE_BYTES = 20 * 1024


def _page() -> bytes:
    """PAGE_BYTES of valid UTF-8 HTML: whole paragraphs, then ASCII padding."""
    html = "<!doctype html>\n<html lang=vi><meta charset=utf-8><title>Bare</title>\n"
    while len((html + PARAGRAPH).encode()) < PAGE_BYTES:
        html += PARAGRAPH
    return html.encode().ljust(PAGE_BYTES, b"\n")


PAGE = _page()


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-bare-not-secret",  # noqa: S106 - signs nothing.
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
    django.setup()

application = get_wsgi_application()
