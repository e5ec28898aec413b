"""Procedures in the admin.

- Shared procedures (no ward) are the city's: only superusers add, change,
  publish or delete them. Ward staff see them read-only, and a ward's
  editors set their ward's own submission place and contact for each under
  "Nơi nộp, liên hệ của phường" (WardProcedureDetailsAdmin).
- A ward's own procedures follow the newsroom's roles: writers (Phóng viên)
  draft and send for review, editors (Biên tập viên) publish
  (procedures.publish_procedure in the ward). A writer's form offers only
  the draft states, and a crafted POST of another is refused twice: by the
  form's choices and by save_model.
- Revisions: "Lịch sử" (django-reversion's VersionAdmin), restoring the text
  and never the state (revisions.py).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html

from files.checks import HELP_TEXT, readable_size, type_label
from files.names import display_name, storage_name
from files.widgets import DocumentFileInput
from richtext.editor import EditorWidget
from richtext.sanitize import own_pictures_only
from vietnamese.text import nfc
from wards.admin import WardScopedAdmin, WardScopedVersionAdmin
from wards.editor import editor_scope
from wards.staff import user_wards
from wards.takedown import AsksBeforeTakingDown, TakeDown, asks_first

from .models import RICH_FIELDS, Procedure, ProcedureForm, WardProcedureDetails
from .revisions import KEPT_FIELDS
from .search import query_words, search_filter

Status = Procedure.Status
# What a writer may set, and may still change: nothing readers have seen.
WRITERS_STATES = {Status.DRAFT, Status.REVIEW}
# The add page's choice, for superusers, of a procedure for every ward.
SHARED = "chung"


def may_publish(user, procedure) -> bool:
    """Publish or withdraw: a shared procedure's is the city's IT's, a
    ward's own its editors'."""
    if procedure.ward_id is None:
        return user.is_superuser
    return user.has_perm("procedures.publish_procedure", procedure.ward)


def may_edit(user, procedure) -> bool:
    """Superusers edit anything; ward editors their ward's own procedures;
    writers their ward's own until published."""
    if procedure.ward_id is None:
        return user.is_superuser
    if not user.has_perm("procedures.change_procedure", procedure):
        return False
    return may_publish(user, procedure) or procedure.status in WRITERS_STATES


class ProcedureFormForm(forms.ModelForm):
    """A form file as staff upload it: checked by the model's validator,
    stored under a short ASCII name, shown under its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file_field = self.fields["file"]
        file_field.max_length = None
        file_field.allow_empty_file = True
        file_field.help_text = HELP_TEXT
        file_field.widget = DocumentFileInput(
            link=lambda form: form.get_absolute_url(),
            shown_name=lambda form: form.name,
        )
        file_field.widget.is_required = file_field.required

    def clean_name(self):
        return display_name(self.cleaned_data.get("name", ""))

    def save(self, commit=True):
        stored = self.instance.file
        if stored and not stored._committed:
            stored.name = storage_name(stored.name)
        return super().save(commit=commit)


class ProcedureFormInline(admin.TabularInline):
    model = ProcedureForm
    form = ProcedureFormForm
    fields = ["file", "name", "size_label"]
    readonly_fields = ["size_label"]
    extra = 1
    verbose_name_plural = f"Biểu mẫu, tờ khai ({HELP_TEXT.removesuffix('.')})"

    @admin.display(description="Loại, dung lượng")
    def size_label(self, form):
        if form.pk is None:
            return ""
        return f"{type_label(form.file.name)}, {readable_size(form.size)}"

    def _may_edit(self, request, procedure):
        return procedure is None or may_edit(request.user, procedure)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(
            request, obj
        )


class ProcedureAdminForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = "__all__"
        widgets = {
            "name": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "time_limit": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "applicants": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "submission_place": forms.Textarea(attrs={"rows": 3}),
            "contact": forms.Textarea(attrs={"rows": 2}),
        }


class ScopeFilter(admin.SimpleListFilter):
    title = "phạm vi"
    parameter_name = "pham-vi"

    def lookups(self, request, model_admin):
        return [("chung", "Dùng chung"), ("phuong", "Của phường")]

    def queryset(self, request, queryset):
        if self.value() == "chung":
            return queryset.filter(ward__isnull=True)
        if self.value() == "phuong":
            return queryset.filter(ward__isnull=False)
        return queryset


# What readers lose when one is taken down (wards/takedown.py).
TAKEDOWN = TakeDown(
    title="Ngừng hiển thị thủ tục trên trang?",
    losses=[
        "Trang của thủ tục: hồ sơ cần nộp, nơi nộp, lệ phí và mẫu đơn; ai "
        "mở đường dẫn sẽ gặp trang “không tìm thấy”.",
        "Thủ tục trong danh sách thủ tục hành chính, kết quả tìm kiếm và "
        "sơ đồ trang cho máy tìm kiếm.",
    ],
    button="Có, ngừng hiển thị",
)


@admin.register(Procedure)
class ProcedureAdmin(AsksBeforeTakingDown, WardScopedVersionAdmin):
    takedown = TAKEDOWN
    form = ProcedureAdminForm
    inlines = [ProcedureFormInline]
    ward_chooser_template = "admin/procedures/choose_ward.html"
    change_form_template = "admin/procedures/procedure/change_form.html"
    # Django's list, without reversion's "recover deleted" (none here).
    change_list_template = "admin/change_list.html"
    list_display = ["name", "code", "field", "scope", "state", "updated_at"]
    list_filter = [ScopeFilter, "status", "field"]
    list_select_related = ["ward"]
    search_fields = ["name"]
    search_help_text = "Tìm theo tên, mã thủ tục hoặc lĩnh vực; gõ có dấu hay không."
    prepopulated_fields = {"slug": ["name"]}
    actions = ["publish", "withdraw"]
    fieldsets = [
        (None, {"fields": ["ward", "name", "slug", "code", "field"]}),
        (
            "Cách thức thực hiện",
            {"fields": ["in_person", "online", "by_post"]},
        ),
        (
            "Nội dung",
            {
                "fields": [
                    "applicants",
                    "steps",
                    "documents",
                    "time_limit",
                    "fees",
                    "result",
                ]
            },
        ),
        ("Nơi nộp và liên hệ", {"fields": ["submission_place", "contact"]}),
        ("Căn cứ pháp lý", {"fields": ["legal_basis"]}),
        ("Xuất bản", {"fields": ["status"]}),
    ]

    class Media:
        js = ["articles/admin/urlify_vi.js", "articles/admin/unsaved_changes.js"]
        css = {"all": ["articles/admin/admin.css"]}

    # Which procedures, and who may do what -----------------------------------

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        wards = [ward.pk for ward in user_wards(request)]
        return queryset.filter(Q(ward__in=wards) | Q(ward__isnull=True))

    def has_view_permission(self, request, obj=None):
        if obj is not None and obj.ward_id is None:
            # The city's procedures: every staff member who works on
            # procedures may read them.
            return admin.ModelAdmin.has_view_permission(
                self, request
            ) or admin.ModelAdmin.has_change_permission(self, request)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.ward_id is None:
            return request.user.is_superuser
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm("procedures.publish_procedure")

    def _adding_shared(self, request) -> bool:
        return request.user.is_superuser and request.GET.get("ward") == SHARED

    def form_ward(self, request, obj=None):
        if obj is None and request.user.is_superuser:
            # The city's IT choose, even with one ward: that ward's own, or
            # shared by every ward.
            chosen = request.GET.get("ward", "")
            if chosen in ("", SHARED):
                return None
        return super().form_ward(request, obj)

    def add_view(self, request, form_url="", extra_context=None):
        if self._adding_shared(request):
            with self.create_revision(request):
                return admin.ModelAdmin.add_view(self, request, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def choose_ward_view(self, request):
        response = super().choose_ward_view(request)
        if hasattr(response, "context_data"):
            response.context_data["may_add_shared"] = request.user.is_superuser
        return response

    # The form -----------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        ward = obj.ward if obj is not None else self.form_ward(request)
        scope = editor_scope(ward)
        kwargs["widgets"] = {
            **{name: EditorWidget(scope=scope) for name in RICH_FIELDS},
            **kwargs.get("widgets", {}),
        }
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in RICH_FIELDS:
            kwargs["validators"] = [own_pictures_only]
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "status" and field is not None:
            ward = getattr(request, "_form_ward", None)
            obj = getattr(request, "_form_object", None)
            procedure = obj if obj is not None else Procedure(ward=ward)
            if not may_publish(request.user, procedure):
                # A writer chooses between a draft and sending for review; a
                # crafted "published" is not a valid choice.
                field.choices = [
                    (value, label)
                    for value, label in Status.choices
                    if value in WRITERS_STATES
                ]
                field.help_text = "Biên tập viên duyệt và đăng thủ tục."
        return field

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        kept = getattr(request, "_kept_state", None)
        if obj is not None and kept is not None and kept["pk"] == obj.pk:
            # Restoring a revision: the text comes back, the state stays.
            for name in KEPT_FIELDS:
                setattr(obj, name, kept[name])
        request._form_object = obj
        return obj

    def get_search_results(self, request, queryset, search_term):
        """Name, code or field, with or without accents."""
        if not query_words(search_term):
            return queryset, False
        return search_filter(queryset, nfc(search_term)), False

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.ward_id is None and not request.user.is_superuser:
            context["shared_note"] = True
            context["details_url"] = details_url(request, obj)
        elif obj is not None and not self.has_change_permission(request, obj):
            context["read_only_reason"] = (
                "Thủ tục đã đăng: chỉ biên tập viên của phường sửa được."
            )
        if obj is not None and obj.ward_id is None:
            # Every ward's: "Xem trên trang" on the host the admin is on.
            response = admin.ModelAdmin.render_change_form(
                self, request, context, *args, obj=obj, **kwargs
            )
        else:
            response = super().render_change_form(
                request, context, *args, obj=obj, **kwargs
            )
        if obj is not None and not obj.is_visible:
            # Its address is a 404 until it is published.
            response.context_data["has_absolute_url"] = False
        return response

    def save_model(self, request, obj, form, change):
        # Whatever was posted: the state is the editor's (or, for a shared
        # procedure, the city's) to set.
        if obj.status not in WRITERS_STATES and not may_publish(request.user, obj):
            raise PermissionDenied
        if change and not may_edit(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    # Lists ----------------------------------------------------------------------

    @admin.display(description="phạm vi", ordering="ward__name")
    def scope(self, procedure):
        return procedure.ward.name if procedure.ward_id else "Dùng chung"

    @admin.display(description="trạng thái", ordering="status")
    def state(self, procedure):
        return format_html(
            '<span class="article-state article-state-{}">{}</span>',
            procedure.status,
            procedure.get_status_display(),
        )

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if not request.user.is_superuser:

            @admin.display(description="nơi nộp của phường")
            def ward_details(procedure):
                if procedure.ward_id is not None:
                    return "—"
                return format_html(
                    '<a href="{}">Sửa nơi nộp, liên hệ</a>',
                    details_url(request, procedure),
                )

            if request.user.has_perm("procedures.change_wardproceduredetails"):
                shown.append(ward_details)
        return shown

    @admin.action(description="Đăng các thủ tục đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_state(request, queryset, Status.PUBLISHED, "Đã đăng")

    @admin.action(
        description="Ngừng hiển thị các thủ tục đã chọn", permissions=["publish"]
    )
    @asks_first(
        TAKEDOWN,
        down=Status.WITHDRAWN,
    )
    def withdraw(self, request, queryset):
        self._set_state(request, queryset, Status.WITHDRAWN, "Đã ngừng hiển thị")

    def _set_state(self, request, queryset, status, done):
        taken = refused = 0
        for procedure in queryset.exclude(status=status).select_related("ward"):
            if not may_publish(request.user, procedure):
                refused += 1
                continue
            procedure.status = status
            procedure.save()
            taken += 1
        self.message_user(request, f"{done} {taken} thủ tục.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"{refused} thủ tục không thuộc quyền của bạn nên giữ nguyên.",
                messages.WARNING,
            )

    # Revisions --------------------------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """An old version of this procedure, to restore (the checks are
        WardScopedVersionAdmin's), keeping its present state."""
        procedure = self.get_object(request, unquote(object_id))
        if procedure is None:
            raise Http404("Không có thủ tục này.")
        request._kept_state = {
            "pk": procedure.pk,
            **{name: getattr(procedure, name) for name in KEPT_FIELDS},
        }
        return super().revision_view(request, object_id, version_id, extra_context)


def details_url(request, procedure) -> str:
    """Where a ward's editor sets the ward's submission place and contact
    of a shared procedure: the ward's existing details, or a new one."""
    wards = user_wards(request)
    existing = (
        WardProcedureDetails.objects.filter(procedure=procedure, ward__in=wards)
        .values_list("pk", flat=True)
        .first()
        if len(wards) == 1
        else None
    )
    if existing is not None:
        return reverse("admin:procedures_wardproceduredetails_change", args=[existing])
    url = reverse("admin:procedures_wardproceduredetails_add")
    return f"{url}?procedure={procedure.pk}"


@admin.register(WardProcedureDetails)
class WardProcedureDetailsAdmin(WardScopedAdmin):
    list_display = ["procedure", "submission_place", "contact", "updated_at"]
    list_select_related = ["procedure", "ward"]
    fields = ["ward", "procedure", "submission_place", "contact"]
    search_fields = ["procedure__name"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "procedure":
            # Without the add/change links: a ward's editor picks one of the
            # city's procedures, never adds or edits one from here.
            return self.formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "procedure":
            # The city's procedures: a ward's own has its place in itself.
            kwargs["queryset"] = Procedure.objects.filter(ward__isnull=True).exclude(
                status=Status.WITHDRAWN
            )
            field = admin.ModelAdmin.formfield_for_foreignkey(
                self, db_field, request, **kwargs
            )
            field.label_from_instance = lambda p: (
                f"{p.name} ({p.code})" if p.code else p.name
            )
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, nfc(search_term))
