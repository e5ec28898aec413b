"""Taking down what readers see asks first.

"Gỡ bài", the "Gỡ…" list actions and a form saved with its "Trạng thái"
moved off "Đã đăng" (articles, documents, procedures, the schedule, the
organisation) once took a live page down in one click, next to "Lưu". As
Django's delete confirmation does, the first request shows what will go
and what readers will lose; only a second POST, sent from that page's own
button (``post=yes``, the name Django's delete_selected uses), takes it
down. The page is plain HTML, with no script or inline style: it works
without JavaScript and under the site's CSP.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.template.response import TemplateResponse
from django.urls import reverse

TEMPLATE = "admin/takedown_confirmation.html"
# The status every kind of content shows readers in.
PUBLISHED = "published"


@dataclass
class TakeDown:
    """What taking something down means to readers, in staff's words."""

    title: str  # The page's question: "Gỡ văn bản khỏi trang?"
    losses: list[str]  # What readers will no longer have, one line each.
    button: str  # "Có, gỡ văn bản"
    kept: str = "Nội dung và lịch sử vẫn giữ nguyên: có thể đăng lại bất cứ lúc nào."


def confirmed(request) -> bool:
    """The request is the confirmation page's own POST."""
    return request.method == "POST" and request.POST.get("post") == "yes"


def confirmation_page(
    request, model_admin, objects, takedown: TakeDown, *, cancel_url, **form
):
    """The page that asks: the objects (linked to their forms), what readers
    will lose, the button that takes them down and the way back. `form`
    says what its form sends again: a list action and its rows (`action`),
    or a change form's fields (`carried`, with the status `down`)."""
    opts = model_admin.opts
    name = f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}"
    context = {
        **model_admin.admin_site.each_context(request),
        "title": takedown.title,
        "opts": opts,
        "items": [
            (str(obj), reverse(f"{name}_change", args=[quote(obj.pk)]))
            for obj in objects
        ],
        "takedown": takedown,
        "cancel_url": cancel_url,
        "action": form.get("action", ""),
        "selected": [str(obj.pk) for obj in objects] if form.get("action") else [],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "carried": _carried(form.get("carried")),
        "down": form.get("down", ""),
        "published": PUBLISHED,
        "files_dropped": bool(request.FILES),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)


def _carried(post) -> list[tuple[str, str]]:
    """A form's fields to send again, but the token (the page has its own),
    the status (the page's buttons say it) and the confirmation."""
    if post is None:
        return []
    skipped = {"csrfmiddlewaretoken", "status", "post"}
    return [
        (name, value)
        for name, values in post.lists()
        if name not in skipped
        for value in values
    ]


def asks_first(takedown: TakeDown, *, down):
    """For a list action that takes rows down (to the status `down`): first
    the confirmation page of the chosen rows not already down, then,
    confirmed, the action itself."""

    def decorate(action):
        @wraps(action)
        def asking(model_admin, request, queryset):
            if confirmed(request):
                return action(model_admin, request, queryset)
            objects = list(queryset.exclude(status=down))
            if not objects:
                model_admin.message_user(
                    request, "Các mục đã chọn đều đã gỡ: không có gì để gỡ."
                )
                return None
            return confirmation_page(
                request,
                model_admin,
                objects,
                takedown,
                cancel_url=request.get_full_path(),
                action=action.__name__,
            )

        return asking

    return decorate


class AsksBeforeTakingDown:
    """For a ModelAdmin whose form has a `status` choice: saving a published
    row with another status shows the confirmation first (`takedown`), the
    form's fields carried in it; it can then take the row down, or save the
    rest and keep it on the site. Put first among the admin's bases."""

    takedown: TakeDown

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        status = request.POST.get("status")
        if (
            request.method == "POST"
            and object_id is not None
            and status not in (None, PUBLISHED)
            and not confirmed(request)
        ):
            obj = self.get_object(request, unquote(object_id))
            if (
                obj is not None
                and obj.status == PUBLISHED
                and self.has_change_permission(request, obj)
            ):
                return confirmation_page(
                    request,
                    self,
                    [obj],
                    self.takedown,
                    cancel_url=request.get_full_path(),
                    carried=request.POST,
                    down=status,
                )
        return super().changeform_view(request, object_id, form_url, extra_context)
