"""The ward's inbox in the admin: residents' questions, reports and comments
on drafts, worked by the ward's staff (the rules are handling.py's); its
list's filters are admin_filters.py's, a person's data on request
admin_requests.py's; the comment reports (báo cáo tổng hợp ý kiến) of drafts
are admin_reports.py's, registered here.

Staff of a ward see its items only (WardScopedAdmin), writers only what is
assigned to them (Submission.objects.for_user); a resident's name, address,
phone, email and files are shown to the ward's own staff alone, and their
files go out only through this admin's download view.
"""

import json
import re
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

import outbox
from files.checks import readable_size
from files.download import saved_file_response
from files.names import download_name
from richtext.editor import EditorWidget
from richtext.sanitize import own_pictures_only, pictures_without_description
from vietnamese.text import plain_text
from wards.admin import WardScopedAdmin
from wards.editor import editor_scope
from wards.hosts import url_on_ward
from wards.staff import user_wards

from . import deadlines, emails, handling
from .admin_filters import AssigneeFilter, DraftFilter, LateFilter, ward_staff
from .admin_reports import CommentReportAdmin
from .admin_requests import PersonalDataRequests
from .models import CommentReport, Kind, Status, Submission

# The longest answer the admin accepts, in characters of HTML: a long
# answer is a page or two; more is a pasted document, for a file.
MAX_ANSWER_LENGTH = 50_000

# The status page residents are sent to (they type their code there).
STATUS_URL_NAME = "questions:lookup"

# Ward staff read it, not whoever runs the server: what it means for them
# and whom to ask, no setting's name (the administrators' own messages,
# wards/invitations.py and the digest command, name DJANGO_EMAIL_HOST).
NO_EMAIL_SERVER = (
    "Hệ thống chưa được cài đặt để gửi email, nên câu trả lời không được gửi "
    "qua email cho người dân; người dân có thể xem câu trả lời bằng mã tra "
    "cứu. Nếu cần gửi email, hãy báo quản trị viên hệ thống."
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
        if step.needs_answer and not plain_text(answer or "").strip():
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
    "shown_publicly",
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
class SubmissionAdmin(PersonalDataRequests, WardScopedAdmin):
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
    actions = ["close_summarised", "not_held"]
    view_on_site = False

    class Media:
        css = {"all": ["articles/admin/admin.css", "questions/admin/inbox.css"]}
        js = ["articles/admin/unsaved_changes.js"]

    def history_view(self, request, object_id, extra_context=None):
        # Staff named as everywhere in the inbox, family name first
        # (Django's own page prints "Hà Phạm Thu" for Phạm Thu Hà).
        response = super().history_view(request, object_id, extra_context)
        for action in getattr(response, "context_data", {}).get("action_list", []):
            action.who = handling.person(action.user)
        return response

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

    @admin.action(
        description="Đã xem: bỏ đánh dấu “cần xem lại” (ý kiến thật của người dân)",
        permissions=["close"],
    )
    def not_held(self, request, queryset):
        """A real resident's item sent without JavaScript, once a person has
        looked: counted on the draft's page like any other."""
        cleared = 0
        for item in queryset.filter(held=True).select_related("ward"):
            if handling.works_whole_inbox(request.user, item.ward):
                item.held = False
                item.save(update_fields=["held"])
                self.log_change(request, item, "Đã xem: không còn cần xem lại.")
                cleared += 1
        self.message_user(
            request, f"Đã bỏ đánh dấu “cần xem lại” ở {cleared} mục.", messages.SUCCESS
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
                        "shown_publicly",
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
        return f"{when:%d/%m/%Y %H:%M}, {handling.person(item.answered_by)}"

    @admin.display(description="trang công khai sẽ hiện")
    def shown_publicly(self, item):
        """The question and answer as the public page shows them (as
        saved): emails, phone numbers (but the ward's own), ID numbers, the
        name and the address "[đã ẩn]"."""
        answer = (
            format_html(
                '<div class="inbox-public-answer"><strong>Trả lời</strong>{}</div>',
                mark_safe(item.public_answer),
            )
            if item.answer
            else ""
        )
        return format_html(
            '<div class="inbox-public"><strong>{}</strong><br>{}<br>{}{}</div>',
            item.public_title,
            item.initials,
            linebreaksbr(item.public_text),
            answer,
        )

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
        reassigned = "assignee" in form.changed_data
        self.message_user(
            request,
            handling.outcome(obj, step, reassigned=reassigned),
            messages.SUCCESS,
        )
        request._questions_told = True
        if undescribed := pictures_without_description(obj.answer):
            self.message_user(
                request,
                f"Có {undescribed} ảnh trong câu trả lời chưa có mô tả: người không "
                "xem được ảnh sẽ không biết ảnh chụp gì. Hãy bấm đúp vào ảnh, điền "
                "“Mô tả ảnh” rồi lưu lại.",
                messages.WARNING,
            )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # One success message a save: ours says what happened (the step,
        # whom the item was given to); Django's "đã được thay đổi thành
        # công" after it would only repeat it.
        if level == messages.SUCCESS and getattr(request, "_questions_told", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

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


def absolute_on_ward(request, ward, path_and_query: str) -> str:
    """A full address on the ward's own site, for an email."""
    url = url_on_ward(request, ward, path_and_query)
    return url if "://" in url else request.build_absolute_uri(url)


admin.site.register(CommentReport, CommentReportAdmin)
