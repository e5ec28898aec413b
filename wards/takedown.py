"""Taking down what readers see asks first.

"Gỡ bài" and the "Gỡ…" list actions (articles, documents, procedures, the
schedule) once took a live page down in one click, next to "Lưu". As
Django's delete confirmation does, the first request shows what will go
and what readers will lose; only a second POST, sent from that page's own
button (``post=yes``, the name Django's delete_selected uses), takes it
down. The page is plain HTML, with no script or inline style: it works
without JavaScript and under the site's CSP.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.template.response import TemplateResponse
from django.urls import reverse

TEMPLATE = "admin/takedown_confirmation.html"


KEPT = "Các mục vẫn giữ nguyên nội dung và lịch sử: có thể đăng lại bất cứ lúc nào."


@dataclass
class TakeDown:
    """What taking something down means to readers, in staff's words."""

    title: str  # The page's question: "Gỡ bài khỏi trang?"
    losses: list[str]  # What readers will no longer have, one line each.
    button: str  # "Có, gỡ bài"
    # What stays for staff.
    kept: str = (
        "Các mục vẫn giữ nguyên nội dung và lịch sử: có thể đăng lại bất cứ lúc nào."
    )


def confirmed(request) -> bool:
    """The request is the confirmation page's own POST."""
    return request.method == "POST" and request.POST.get("post") == "yes"


def confirmation_page(
    request, model_admin, objects, takedown: TakeDown, *, cancel_url, action=""
):
    """The page that asks: the objects (linked to their forms), what readers
    will lose, the button that takes them down and the way back. For a list
    action, its form sends the action and the chosen rows again."""
    opts = model_admin.opts
    items = [
        (
            str(obj),
            reverse(
                f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}"
                "_change",
                args=[quote(obj.pk)],
            ),
        )
        for obj in objects
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "title": takedown.title,
        "opts": opts,
        "items": items,
        "takedown": takedown,
        "cancel_url": cancel_url,
        "action": action,
        "selected": [str(obj.pk) for obj in objects] if action else [],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, TEMPLATE, context)


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
            opts = model_admin.opts
            cancel_url = request.get_full_path() or reverse(
                f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}"
                "_changelist"
            )
            return confirmation_page(
                request,
                model_admin,
                objects,
                takedown,
                cancel_url=cancel_url,
                action=action.__name__,
            )

        return asking

    return decorate
