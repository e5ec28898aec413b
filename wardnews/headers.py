"""Security headers on every response: pages, feeds, static files and media.

`SecurityHeadersMiddleware` sits right under Django's SecurityMiddleware and
above WhiteNoise, so the static files WhiteNoise answers by itself get the
same headers as pages (Django's X-Frame-Options middleware never sees them).

Readers get a strict Content-Security-Policy: scripts, styles and pictures
from the site itself only, no inline script or style, no framing. The admin
gets what it needs and no more: CKEditor 4 writes inline styles everywhere
and builds its toolbar with inline event handlers (onclick="CKEDITOR.tools
.callFunction(12,this)"), so the pages that load the editor may run inline
script; every other admin page may not.
"""

import base64
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Loaded by every page that shows the editor (django-ckeditor's widget).
EDITOR_SCRIPT = "ckeditor/ckeditor/ckeditor.js"

# Features no page of the site uses; a page can never be made to ask a
# reader for them. Only names Chromium knows: an unknown one is a console
# error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def source_hash(text: str) -> str:
    """A CSP source allowing exactly this inline script or style."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _styles_in(templates) -> list[str]:
    """The hashes of the <style> blocks of these templates."""
    styles = set()
    for template in sorted(templates):
        for rules in re.findall(r"<style>(.*?)</style>", template.read_text(), re.S):
            styles.add(source_hash(rules))
    return sorted(styles)


def _error_page_styles() -> list[str]:
    """The error pages (templates/*.html: 400, 403, 500…) carry their few
    rules in a <style> of their own: Django renders some of them without a
    request, and a stylesheet that fails to load there would leave a broken
    page. The policy allows exactly those rules, by hash, read from the
    templates at start so that editing them cannot break them."""
    return _styles_in(TEMPLATES.glob("*.html"))


def _debug_page_styles() -> list[str]:
    """Django's own debug pages (the technical 404 and 500, the start page),
    shown only under DEBUG, carry a <style> each, with no variable in it:
    allowed by hash, as read from the Django installed."""
    from django.views import debug

    return _styles_in((Path(debug.__file__).parent / "templates").glob("*.html"))


def _policy(**directives: str) -> str:
    return "; ".join(
        f"{name.replace('_', '-')} {value}" for name, value in directives.items()
    )


READER_POLICY = _policy(
    default_src="'none'",
    script_src="'self'",
    style_src=" ".join(["'self'", *_error_page_styles()]),
    img_src="'self'",
    # Nothing of ours fetches; crawlers' tools (Lighthouse) read robots.txt
    # from within the page.
    connect_src="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
    base_uri="'none'",
)

# Under DEBUG (`make run`) only: the reader policy, and the debug pages'
# style. Production's header is READER_POLICY as it is.
DEBUG_READER_POLICY = READER_POLICY.replace(
    "style-src 'self'", " ".join(["style-src 'self'", *_debug_page_styles()]), 1
)

# The admin: its scripts are files, but Django's change lists and our
# revision pages carry a <style> of their own.
ADMIN_POLICY = _policy(
    default_src="'none'",
    script_src="'self'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self'",
    connect_src="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
    base_uri="'none'",
)
# Its forms with CKEditor: inline event handlers, and data: pictures (the
# transparent GIF of its widgets' handles, a pasted picture going up).
EDITOR_POLICY = ADMIN_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
).replace("img-src 'self'", "img-src 'self' data:")


def _is_admin(request) -> bool:
    """A page of the admin, wherever DJANGO_ADMIN_URL puts it."""
    return request.path.startswith(reverse("admin:index"))


def _loads_editor(response) -> bool:
    media = (response.context_data or {}).get("media")
    return media is not None and static(EDITOR_SCRIPT) in str(media)


class SecurityHeadersMiddleware:
    """The headers above, on every response that does not say its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_admin(request):  # Its policy allows inline style already.
            policy = ADMIN_POLICY
        else:
            policy = DEBUG_READER_POLICY if settings.DEBUG else READER_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        # Django's XFrameOptionsMiddleware (X_FRAME_OPTIONS = "DENY") says it
        # for pages; static files and media never pass through it.
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    def process_template_response(self, request, response):
        """The pages that load CKEditor: an admin form with a rich-text
        field (articles, a ward's introduction)."""
        if _is_admin(request) and _loads_editor(response):
            response["Content-Security-Policy"] = EDITOR_POLICY
        return response
