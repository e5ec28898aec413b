"""The ward's inbox in the admin: residents' questions, reports and comments
on drafts, worked by the ward's staff (the rules are handling.py's), and the
comment reports (báo cáo tổng hợp ý kiến) of drafts.

Staff of a ward see its items only (WardScopedAdmin), writers only what is
assigned to them (Submission.objects.for_user); a resident's name, address,
phone, email and files are shown to the ward's own staff alone, and their
files go out only through this admin's download view.
"""

import json
import logging
import re
from functools import partial
from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

import outbox
from documents.models import Document
from files.checks import readable_size
from files.download import saved_file_response
from files.names import download_name
from files.widgets import DocumentFileInput
from richtext.editor import EditorWidget
from richtext.sanitize import own_pictures_only, pictures_without_description
from wards.admin import WardScopedAdmin
from wards.editor import editor_scope
from wards.hosts import url_on_ward
from wards.staff import user_wards

from . import deadlines, emails, handling, personal_data
from .models import CommentReport, Kind, Status, Submission

logger = logging.getLogger(__name__)

# The longest answer the admin accepts, in characters of HTML: a long
# answer is a page or two; more is a pasted document, for a file.
MAX_ANSWER_LENGTH = 50_000

# The status page residents are sent to (they type their code there).
STATUS_URL_NAME = "questions:lookup"

NO_EMAIL_SERVER = (
    "Máy chủ thư chưa được cấu hình (DJANGO_EMAIL_HOST): câu trả lời không "
    "được gửi qua email cho người dân; họ xem câu trả lời bằng mã tra cứu."
)


class SubmissionAdminForm(forms.ModelForm):
    """An item as staff work it; the step asked for (a button) is set on the
    class by the admin, so the form can ask for what the step needs."""

    step = None

    class Meta:
        model = Submission
        fields = "__all__"
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
            "public_question": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_answer(self):
        # Checked before the allow-list runs over it (see articles' body).
        answer = self.cleaned_data.get("answer", "")
        if len(answer) > MAX_ANSWER_LENGTH:
            raise forms.ValidationError(
                f"Câu trả lời quá dài ({len(answer):,} ký tự; tối đa "
                f"{MAX_ANSWER_LENGTH:,}). Hãy đưa tài liệu dài vào một văn bản "
                "và dẫn liên kết.".replace(",", ".")
            )
        return answer

    def clean(self):
        cleaned = super().clean()
        step = self.step
        if step is None:
            return cleaned
        answer = cleaned.get("answer", self.instance.answer)
        if step.needs_answer and not personal_data.plain_text(answer or "").strip():
            self.add_error(
                "answer" if "answer" in self.fields else None,
                "Hãy viết câu trả lời trước khi gửi hoặc đăng.",
            )
        note = cleaned.get("internal_note", self.instance.internal_note)
        if step.needs_note and not (note or "").strip():
            self.add_error(
                "internal_note" if "internal_note" in self.fields else None,
                "Hãy ghi vào ghi chú nội bộ vì sao đóng mà không trả lời.",
            )
        return cleaned


class LateFilter(admin.SimpleListFilter):
    """By the ward's deadline (QUESTIONS_ANSWER_WORKING_DAYS working days)."""

    title = "thời hạn trả lời"
    parameter_name = "han"

    def lookups(self, request, model_admin):
        return [("qua-han", "Quá hạn"), ("con-han", "Chưa quá hạn")]

    def queryset(self, request, queryset):
        if self.value() == "qua-han":
            return handling.late(queryset)
        if self.value() == "con-han":
            return handling.not_late(queryset)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "cán bộ xử lý"
    parameter_name = "can-bo"

    def lookups(self, request, model_admin):
        choices = [("cua-toi", "Giao cho tôi"), ("chua-giao", "Chưa giao ai")]
        editing = [
            w
            for w in user_wards(request)
            if handling.works_whole_inbox(request.user, w)
        ]
        if editing:
            people = ward_staff(editing).exclude(pk=request.user.pk)
            choices += [(str(user.pk), handling.person(user)) for user in people]
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == "cua-toi":
            return queryset.filter(assignee=request.user)
        if value == "chua-giao":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class DraftFilter(admin.SimpleListFilter):
    """The comments on one draft: what its summary reports on."""

    title = "dự thảo được góp ý"
    parameter_name = "du-thao"

    def lookups(self, request, model_admin):
        drafts = (
            Document.objects.filter(
                ward__in=user_wards(request), comments__isnull=False
            )
            .distinct()
            .order_by("-issued_on")[:30]
        )
        return [(str(draft.pk), draft.number) for draft in drafts]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(document_id=int(value))
        return queryset


def ward_staff(wards):
    """The active staff accounts working for these wards, by name."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(ward_memberships__ward__in=wards, is_active=True, is_staff=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# What the list reads of each item: never the long texts.
LIST_DEFERRED = ["body", "answer", "internal_note", "public_question"]

# The fields a resident gave about themselves.
PERSONAL_FIELDS = [
    "name",
    "group",
    "phone_link",
    "email_link",
    "consent_at",
    "attached_files",
]

# What staff never change: the resident's words and the record of handling.
ALWAYS_READ_ONLY = [
    "code",
    "kind",
    "state",
    "deadline",
    "received_at",
    *PERSONAL_FIELDS,
    "personal_hidden",
    "assignee_name",
    "body",
    "place",
    "document_link",
    "answered",
    "shown_answer",
    "public_link",
]
# Set by the ward's editors only.
EDITOR_FIELDS = [
    "assignee",
    "topic",
    "title",
    "public_question",
    "slug",
    "published_at",
]


@admin.register(Submission)
class SubmissionAdmin(WardScopedAdmin):
    form = SubmissionAdminForm
    # State and deadline next to the title: on a phone the columns after
    # them need a scroll.
    list_display = [
        "code",
        "title_short",
        "state",
        "deadline",
        "kind",
        "topic",
        "assignee_name",
        "received_at",
    ]
    list_display_links = ["code", "title_short"]
    list_filter = [
        "status",
        LateFilter,
        "kind",
        "topic",
        AssigneeFilter,
        DraftFilter,
        "held",
        "received_at",
    ]
    list_select_related = ["ward", "assignee"]
    search_fields = ["code", "title", "document__number"]
    search_help_text = (
        "Tìm theo mã tra cứu, tiêu đề, số dự thảo, họ tên, số điện thoại hoặc email."
    )
    date_hierarchy = "received_at"
    actions = ["close_summarised"]
    view_on_site = False

    class Media:
        css = {"all": ["articles/admin/admin.css", "questions/admin/inbox.css"]}
        js = ["articles/admin/unsaved_changes.js"]

    # Who may do what ---------------------------------------------------------

    def has_add_permission(self, request):
        return False  # Items come from residents, through the site's forms.

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return handling.may_work(request.user, obj)

    def get_queryset(self, request):
        # The list, the form, the history and the downloads all find items
        # here: another ward's, or a colleague's for a writer, is "not found".
        queryset = (
            super()
            .get_queryset(request)
            .filter(pk__in=Submission.objects.for_user(request.user).values("pk"))
        )
        match = request.resolver_match
        if match is not None and match.url_name == "questions_submission_changelist":
            queryset = queryset.defer(*LIST_DEFERRED)
        return queryset

    def get_ordering(self, request):
        # What waits first (new, then being handled), each oldest first:
        # the next to answer is at the top.
        waiting = Case(
            When(status=Status.NEW, then=Value(0)),
            When(status=Status.IN_PROGRESS, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return [
            waiting.asc(),
            Case(
                When(status__in=handling.OPEN, then="received_at"),
            ).asc(),
            "-received_at",
        ]

    def get_search_fields(self, request):
        # Staff who may not see residents' contacts do not find items by them
        # either (a city administrator outside the ward).
        if request.user.is_superuser:
            return self.search_fields
        return [*self.search_fields, "name", "phone", "email"]

    # The list ----------------------------------------------------------------

    @admin.display(description="tiêu đề", ordering="title")
    def title_short(self, item):
        return item.title if len(item.title) <= 80 else f"{item.title[:78]}…"

    @admin.display(description="trạng thái", ordering="status")
    def state(self, item):
        held = (
            format_html(
                '<br><span class="inbox-held">Cần xem lại{}</span>',
                f": {item.held_reason}" if item.held_reason else "",
            )
            if item.held
            else ""
        )
        return format_html(
            '<span class="inbox-state inbox-state-{}">{}</span>{}',
            item.status,
            item.get_status_display(),
            held,
        )

    @admin.display(description="cán bộ xử lý", ordering="assignee__last_name")
    def assignee_name(self, item):
        return handling.person(item.assignee)

    @admin.display(description="hạn trả lời")
    def deadline(self, item):
        due = deadlines.due_on(item.received_at)
        if handling.is_late(item):
            return format_html(
                '<span class="inbox-late">Quá hạn</span><br>hạn {}',
                f"{due:%d/%m/%Y}",
            )
        if handling.has_deadline(item):
            return f"{due:%d/%m/%Y}"
        return "—"

    def get_actions(self, request):
        # Items are deleted one at a time, from their form, where the role
        # in the item's own ward is asked (only superusers may).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_close_permission(self, request):
        return any(
            handling.works_whole_inbox(request.user, ward)
            for ward in user_wards(request)
        )

    @admin.action(
        description="Đóng các góp ý đã chọn: đã tổng hợp vào báo cáo",
        permissions=["close"],
    )
    def close_summarised(self, request, queryset):
        """Comments on a draft are answered by its summary, not one by one."""
        closed = skipped = 0
        for item in queryset.select_related("ward"):
            if handling.summarised(item, request.user):
                self.log_change(request, item, "Đã tổng hợp vào báo cáo.")
                closed += 1
            else:
                skipped += 1
        self.message_user(request, f"Đã đóng {closed} góp ý.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"{skipped} mục giữ nguyên: không phải góp ý dự thảo đang chờ "
                "xử lý, hoặc không thuộc quyền của bạn.",
                messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        if not outbox.configured():
            self.message_user(request, NO_EMAIL_SERVER, messages.WARNING)
        extra_context = {
            "may_handle_requests": any(
                handling.may_handle_requests(request.user, ward)
                for ward in user_wards(request)
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # The form ----------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": []})]
        shown = handling.sees_personal_data(request.user, obj)
        # A report's place, a comment's draft.
        by_kind = {Kind.REPORT: ["place"], Kind.COMMENT: ["document_link"]}.get(
            obj.kind, []
        )
        answer = (
            "answer" if handling.may_write_answer(request.user, obj) else "shown_answer"
        )
        editor = handling.works_whole_inbox(request.user, obj)
        return [
            (
                None,
                {
                    "fields": [
                        "code",
                        "kind",
                        "state",
                        "received_at",
                        "deadline",
                        # Named as colleagues are, where it is not picked.
                        "assignee" if editor else "assignee_name",
                    ]
                },
            ),
            (
                "Người gửi",
                {"fields": PERSONAL_FIELDS if shown else ["personal_hidden"]},
            ),
            ("Nội dung", {"fields": ["topic", "title", "body", *by_kind]}),
            ("Trả lời", {"fields": [answer, "answered", "internal_note"]}),
            (
                "Đăng công khai",
                {
                    "fields": [
                        "public_question",
                        "slug",
                        "published_at",
                        "public_link",
                    ],
                    "description": "Trang công khai chỉ ghi người hỏi là "
                    f"“{obj.initials}”; không bao giờ hiện số điện thoại, email, "
                    "địa chỉ hay tệp của người gửi. Sửa câu hỏi dưới đây nếu lời "
                    "người gửi có thông tin cá nhân.",
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(ALWAYS_READ_ONLY)
        if obj is None:
            return readonly
        if not handling.works_whole_inbox(request.user, obj):
            readonly += EDITOR_FIELDS
        if not handling.may_work(request.user, obj):
            readonly += ["answer", "internal_note"]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.is_visible:
            obj._public_url = url_on_ward(request, obj.ward, obj.get_absolute_url())
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"step": handling.step_named(request.POST)})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        ward = getattr(request, "_form_ward", None)
        if db_field.name == "assignee":
            # A colleague is picked, not added or edited from here.
            return self.formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "answer":
            # The article editor: pictures into, and browsed from, the ward.
            kwargs["widget"] = EditorWidget(scope=editor_scope(ward))
            folders = ward.picture_folders if ward else None
            kwargs["validators"] = [partial(own_pictures_only, folders=folders)]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            # The item's ward's staff, whatever a crafted request sends.
            ward = getattr(request, "_form_ward", None)
            kwargs["queryset"] = ward_staff([ward] if ward else [])
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = handling.person
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="người gửi")
    def personal_hidden(self, item):
        return (
            f"{item.initials}. Họ tên, địa chỉ, số điện thoại, email và tệp của "
            "người gửi chỉ cán bộ của phường được giao xử lý xem được."
        )

    @admin.display(description="số điện thoại")
    def phone_link(self, item):
        # A tap calls the resident from a phone.
        if not item.phone:
            return "—"
        number = re.sub(r"[^\d+]", "", item.phone)
        return format_html('<a href="tel:{}">{}</a>', number, item.phone)

    @admin.display(description="thư điện tử")
    def email_link(self, item):
        if not item.email:
            return "—"
        return format_html('<a href="mailto:{}">{}</a>', item.email, item.email)

    @admin.display(description="tệp người gửi")
    def attached_files(self, item):
        files = list(item.files.all())
        if not files:
            return "—"
        return format_html(
            '<ul class="inbox-files">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse(
                            "admin:questions_submission_file", args=[item.pk, f.pk]
                        ),
                        f.original_name,
                        readable_size(f.size),
                    )
                    for f in files
                ),
            ),
        )

    @admin.display(description="dự thảo được góp ý")
    def document_link(self, item):
        if item.document_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:documents_document_change", args=[item.document_id]),
            item.document,
        )

    @admin.display(description="trả lời")
    def shown_answer(self, item):
        # Cleaned by the allow-list when saved: what the public page shows.
        return mark_safe(item.answer) if item.answer else "—"

    @admin.display(description="đã trả lời")
    def answered(self, item):
        if item.answered_at is None:
            return "Chưa"
        when = timezone.localtime(item.answered_at)
        return f"{when:%H:%M %d/%m/%Y}, {handling.person(item.answered_by)}"

    @admin.display(description="trang công khai")
    def public_link(self, item):
        if not item.is_visible:
            return "Chưa đăng" if item.status != Status.PUBLISHED else "Hẹn giờ đăng"
        # On the item's ward's own site (set by get_form, which has the request).
        url = getattr(item, "_public_url", item.get_absolute_url())
        return format_html('<a href="{}" target="_blank" rel="noopener">Xem</a>', url)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        context["workflow_steps"] = (
            handling.steps_for(request.user, obj) if obj is not None else []
        )
        context["may_save"] = obj is not None and handling.may_work(request.user, obj)
        if obj is not None and not context["may_save"]:
            context["read_only_reason"] = "Bạn chỉ xem được mục này."
        if request.method == "GET" and obj is not None and not outbox.configured():
            if obj.status in handling.OPEN and obj.email:
                self.message_user(request, NO_EMAIL_SERVER, messages.WARNING)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        step = handling.step_named(request.POST) if request.method == "POST" else None
        item = self.get_object(request, unquote(object_id)) if object_id else None
        if (
            step is not None
            and item is not None
            and not step.allowed(request.user, item)
        ):
            if step.editors_only and not handling.works_whole_inbox(request.user, item):
                raise PermissionDenied
            if handling.may_work(request.user, item):
                # A second click, or a colleague was quicker: say where the
                # item stands instead of an error page; nothing is saved.
                self.message_user(
                    request,
                    f"Không thực hiện được “{step.label}”: {item.code} đang ở "
                    f"trạng thái “{item.get_status_display()}”. Nội dung bạn vừa "
                    "sửa chưa được lưu.",
                    messages.WARNING,
                )
                return redirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        step = form.step
        # Locked until the save commits: of two answers sent at once, the
        # second finds the item answered (one email, one record).
        before = Submission.objects.select_for_update().get(pk=obj.pk)
        if step is not None and not step.allowed(request.user, before):
            raise PermissionDenied
        if not handling.may_work(request.user, before):
            raise PermissionDenied
        if "assignee" in form.changed_data:
            handling.assigned(obj)
        if step is not None:
            handling.apply(step, obj, request.user)
        super().save_model(request, obj, form, change)
        request._questions_step = step
        if step is handling.ANSWER:
            self.tell_resident(request, obj)
        self.message_user(request, handling.outcome(obj, step), messages.SUCCESS)
        if undescribed := pictures_without_description(obj.answer):
            self.message_user(
                request,
                f"Có {undescribed} ảnh trong câu trả lời chưa có mô tả: người không "
                "xem được ảnh sẽ không biết ảnh chụp gì. Hãy bấm đúp vào ảnh, điền "
                "“Mô tả ảnh” rồi lưu lại.",
                messages.WARNING,
            )

    def tell_resident(self, request, item):
        """The answer to the resident's email, if they gave one."""
        if not item.email:
            hint = " hoặc gọi lại cho họ theo số đã ghi" if item.phone else ""
            self.message_user(
                request,
                f"Người gửi không để lại email: họ xem câu trả lời bằng mã tra cứu "
                f"{item.code}{hint}.",
                messages.INFO,
            )
            return
        if not outbox.configured():
            self.message_user(request, NO_EMAIL_SERVER, messages.WARNING)
            return
        status_url = absolute_on_ward(request, item.ward, reverse(STATUS_URL_NAME))
        origin = absolute_on_ward(request, item.ward, "/").removesuffix("/")
        message = emails.answer_message(item, status_url=status_url, origin=origin)
        outbox.send_mail(recipients=[item.email], **message)
        self.message_user(
            request, f"Câu trả lời đang được gửi tới email {item.email}.", messages.INFO
        )

    def construct_change_message(self, request, form, formsets, add=False):
        """The history says which step was taken, not only which fields."""
        message = super().construct_change_message(request, form, formsets, add)
        step = getattr(request, "_questions_step", None) or form.step
        if step is None:
            return message
        fields = LogEntry(change_message=json.dumps(message)).get_change_message()
        return f"{step.label}. {fields}".strip()

    def response_change(self, request, obj):
        # After a step, the item again: the next step is usually on it.
        if getattr(request, "_questions_step", None) is not None:
            return redirect(request.path)
        return super().response_change(request, obj)

    # The resident's files, and a person's data on request --------------------

    def get_urls(self):
        return [
            path(
                "du-lieu-ca-nhan/",
                self.admin_site.admin_view(self.personal_data_view),
                name="questions_submission_personal_data",
            ),
            path(
                "<path:object_id>/tep/<int:file_id>/",
                self.admin_site.admin_view(self.file_view),
                name="questions_submission_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id, file_id):
        """A resident's file, for the ward's staff working the item only,
        saved by the browser and never kept by a cache."""
        item = self.get_object(request, unquote(object_id))
        if item is None:
            raise Http404("Không có mục này.")
        if not handling.sees_personal_data(request.user, item):
            raise PermissionDenied
        attached = item.files.filter(pk=file_id).first()
        if attached is None:
            raise Http404("Không tìm thấy tệp.")
        return saved_file_response(
            attached.file,
            filename=download_name(attached.original_name, attached.file.name),
            public=False,
        )

    def personal_data_view(self, request):
        """Export or erase one person's items, found by phone or email, in
        the wards where the user may handle such requests. Each export and
        erasure is recorded in the items' history."""
        wards = [
            w
            for w in user_wards(request)
            if handling.may_handle_requests(request.user, w)
        ]
        if not wards:
            raise PermissionDenied
        # Posted, never in the address: a phone number or email in a URL
        # would stay in the server's logs and the browser's history.
        form = PersonRequestForm(request.POST or None)
        items = []
        if form.is_bound and form.is_valid():
            items = list(
                personal_data.person_items(
                    Submission.objects.filter(ward__in=wards),
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                ).prefetch_related("files")
            )
            if request.method == "POST":
                # The button pressed: "json", "csv" or "erase".
                for kind in ("json", "csv"):
                    if kind in request.POST:
                        return self.export(request, items, kind)
                if "erase" in request.POST:
                    return self.erase(request, items)
        context = {
            **self.admin_site.each_context(request),
            "title": "Dữ liệu cá nhân theo yêu cầu của người dân",
            "opts": self.model._meta,
            "form": form,
            "items": items,
            "searched": form.is_bound and form.is_valid(),
        }
        return TemplateResponse(
            request, "admin/questions/submission/personal_data.html", context
        )

    def export(self, request, items, kind):
        if kind == "json":
            body, content_type = personal_data.export_json(items), "application/json"
        else:
            body, content_type = personal_data.export_csv(items), "text/csv"
        for item in items:
            self.log_change(
                request, item, f"Xuất dữ liệu cá nhân theo yêu cầu ({kind.upper()})."
            )
        logger.info(
            "Personal data exported by %s: %s",
            request.user.get_username(),
            ", ".join(item.code for item in items),
        )
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="du-lieu-ca-nhan-{stamp}.{kind}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def erase(self, request, items):
        now = timezone.now()
        for item in items:
            personal_data.forget(item, now=now)
            self.log_change(request, item, "Xóa dữ liệu cá nhân theo yêu cầu.")
        logger.info(
            "Personal data erased by %s: %s",
            request.user.get_username(),
            ", ".join(item.code for item in items),
        )
        self.message_user(
            request,
            f"Đã xóa dữ liệu cá nhân của {len(items)} mục (họ tên chỉ còn chữ "
            "cái đầu, địa chỉ chỉ còn tổ dân phố; số điện thoại, email và tệp đã "
            "xóa). Câu hỏi và trả lời đã đăng vẫn giữ.",
            messages.SUCCESS,
        )
        return redirect("admin:questions_submission_personal_data")


class PersonRequestForm(forms.Form):
    phone = forms.CharField(label="Số điện thoại", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False)

    def clean(self):
        cleaned = super().clean()
        phone, email = cleaned.get("phone", ""), cleaned.get("email", "")
        if not email and len(personal_data.phone_key(phone or "")) < 6:
            raise forms.ValidationError(
                "Hãy nhập số điện thoại (ít nhất 6 chữ số) hoặc email người dân "
                "đã dùng khi gửi."
            )
        return cleaned


def absolute_on_ward(request, ward, path_and_query: str) -> str:
    """A full address on the ward's own site, for an email."""
    url = url_on_ward(request, ward, path_and_query)
    return url if "://" in url else request.build_absolute_uri(url)


# Comment reports -------------------------------------------------------------


class CommentReportForm(forms.ModelForm):
    class Meta:
        model = CommentReport
        fields = ["document", "body", "file", "published", "published_at"]


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    """Báo cáo tổng hợp ý kiến: a draft's summary of comments, by the ward's
    editors, of their own wards' drafts only."""

    form = CommentReportForm
    list_display = ["document", "comment_count", "published", "published_at"]
    list_filter = ["published"]
    list_select_related = ["document", "document__ward"]
    search_fields = ["document__number", "document__summary"]
    autocomplete_fields = []

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .annotate(comments_received=Count("document__comments"))
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(document__ward__in=user_wards(request))

    def _may(self, request, action, obj):
        codename = f"questions.{action}_commentreport"
        if obj is None:
            return request.user.has_perm(codename)
        return request.user.has_perm(codename, obj.document.ward)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete", obj)

    def has_add_permission(self, request):
        return self._may(request, "add", None)

    def _report_wards(self, request):
        return [
            w
            for w in user_wards(request)
            if request.user.has_perm("questions.change_commentreport", w)
        ]

    @admin.display(description="số góp ý", ordering="comments_received")
    def comment_count(self, report):
        # To the comments themselves, in the inbox.
        return format_html(
            '<a href="{}?du-thao={}">{}</a>',
            reverse("admin:questions_submission_changelist"),
            report.document_id,
            report.comments_received,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "document":
            # Drafts for comment of the wards where the user writes reports.
            kwargs["queryset"] = Document.objects.filter(
                Q(is_draft_for_comment=True) | Q(comment_report__isnull=False),
                ward__in=self._report_wards(request),
            ).select_related("ward")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The editor uploads pictures into the report's ward: for a new
        # report, the user's ward when they write reports for one only.
        wards = self._report_wards(request)
        if obj is not None:
            ward = obj.document.ward
        else:
            ward = wards[0] if len(wards) == 1 else None
        kwargs["widgets"] = {
            "body": EditorWidget(scope=editor_scope(ward)),
            # The stored file by its name, linked to the download below
            # (nothing under attachments/ has an address of its own).
            "file": DocumentFileInput(
                link=lambda report: reverse(
                    "admin:questions_commentreport_file", args=[report.pk]
                ),
                shown_name=lambda report: PurePosixPath(report.file.name).name,
            ),
        }
        return super().get_form(request, obj, change=change, **kwargs)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/tep/",
                self.admin_site.admin_view(self.file_view),
                name="questions_commentreport_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id):
        """The report's file, for those who may see the report, before it
        is published too."""
        report = self.get_object(request, unquote(object_id))
        if report is None or not report.file:
            raise Http404("Không tìm thấy tệp.")
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return saved_file_response(
            report.file,
            filename=download_name(
                f"Báo cáo tổng hợp ý kiến {report.document.number}", report.file.name
            ),
            public=False,
        )

    def save_model(self, request, obj, form, change):
        if not request.user.has_perm(
            "questions.change_commentreport"
            if change
            else "questions.add_commentreport",
            obj.document.ward,
        ):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
