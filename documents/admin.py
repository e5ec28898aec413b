"""The registry in the admin: staff of a ward see and change its documents
only (WardScopedAdmin); writers enter drafts, editors (publish_document)
publish and withdraw; "Lịch sử" lists, compares and restores revisions."""

from pathlib import PurePath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html

from files import names
from files.checks import HELP_TEXT, readable_size, type_label
from files.widgets import DocumentFileInput
from vietnamese.text import fold_accents, nfc
from wards.admin import WardScopedVersionAdmin
from wards.hosts import url_on_ward
from wards.takedown import AsksBeforeTakingDown, TakeDown, asks_first

from .models import Document, DocumentFile, number_key
from .revisions import keeping_current_state
from .views import file_url

# What only an editor of the ward sets.
EDITOR_FIELDS = ["status", "published_at"]


def may_publish(user, document_or_ward) -> bool:
    return user.has_perm("documents.publish_document", document_or_ward)


def may_edit(user, document) -> bool:
    """Editors change any document of their ward; writers, one readers
    have not seen (a draft or a withdrawn one)."""
    if not user.has_perm("documents.change_document", document):
        return False
    return may_publish(user, document) or document.status != Document.Status.PUBLISHED


class DocumentFileForm(forms.ModelForm):
    """A file as staff upload it: checked by the model's validator, stored
    under a short ASCII name, shown under its own."""

    class Meta:
        model = DocumentFile
        fields = ["file", "name", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file_field = self.fields["file"]
        file_field.max_length = None
        file_field.allow_empty_file = True
        file_field.help_text = HELP_TEXT
        file_field.widget = DocumentFileInput(
            link=lambda f: file_url(f, "download"), shown_name=lambda f: f.name
        )
        file_field.widget.is_required = file_field.required

    def clean_name(self):
        return names.display_name(self.cleaned_data.get("name", ""))

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        new = upload and not getattr(upload, "_committed", False)
        if new and hasattr(upload, "size") and not cleaned.get("name"):
            # Shown under the name it was uploaded with, stored under a slug.
            cleaned["name"] = names.display_name(PurePath(upload.name).name)
        return cleaned

    def save(self, commit=True):
        stored = self.instance.file
        if stored and not stored._committed:
            stored.name = names.storage_name(stored.name)
        return super().save(commit=commit)


class DocumentFileInline(admin.TabularInline):
    model = DocumentFile
    form = DocumentFileForm
    fields = ["file", "name", "order", "size_label", "text_label"]
    readonly_fields = ["size_label", "text_label"]
    extra = 1
    verbose_name_plural = f"Tệp văn bản ({HELP_TEXT.removesuffix('.')})"

    @admin.display(description="Loại, dung lượng")
    def size_label(self, document_file):
        if document_file.pk is None:
            return ""
        return (
            f"{type_label(document_file.file.name)}, "
            f"{readable_size(document_file.size)}"
        )

    @admin.display(description="Tìm được theo nội dung")
    def text_label(self, document_file):
        if document_file.pk is None or not document_file.is_pdf:
            return ""
        if document_file.text:
            return f"Có ({len(document_file.text.split())} từ)"
        return "Không (bản quét: chỉ tìm theo số ký hiệu, trích yếu)"

    def _may(self, request, obj):
        return obj is None or may_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = "__all__"
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "issuer_other": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }


class VisibilityFilter(admin.SimpleListFilter):
    title = "trạng thái"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            (Document.Status.DRAFT, "Bản nháp"),
            ("scheduled", "Hẹn giờ"),
            (Document.Status.PUBLISHED, "Đang hiện"),
            (Document.Status.WITHDRAWN, "Đã gỡ"),
        ]

    def queryset(self, request, queryset):
        value, now = self.value(), timezone.now()
        if value == "scheduled":
            return queryset.filter(
                status=Document.Status.PUBLISHED, published_at__gt=now
            )
        if value == Document.Status.PUBLISHED:
            return queryset.filter(
                status=Document.Status.PUBLISHED, published_at__lte=now
            )
        if value in Document.Status.values:
            return queryset.filter(status=value)
        return queryset


# What readers lose when one is taken down (wards/takedown.py).
TAKEDOWN = TakeDown(
    title="Gỡ văn bản khỏi trang?",
    losses=[
        "Trang của văn bản: ai mở đường dẫn, kể cả từ tin đã chia sẻ hay "
        "đã lưu, sẽ gặp trang “không tìm thấy”.",
        "Tệp của văn bản (PDF, Word…): không xem, không tải được nữa.",
        "Văn bản trong danh sách văn bản, kết quả tìm kiếm, tin RSS và sơ "
        "đồ trang cho máy tìm kiếm.",
    ],
    button="Có, gỡ văn bản",
    kept="Văn bản vẫn giữ nguyên nội dung, tệp và lịch sử: biên tập viên "
    "có thể đăng lại bất cứ lúc nào.",
)


@admin.register(Document)
class DocumentAdmin(AsksBeforeTakingDown, WardScopedVersionAdmin):
    takedown = TAKEDOWN
    form = DocumentAdminForm
    inlines = [DocumentFileInline]
    list_display = [
        "__str__",
        "summary_short",
        "issued_on",
        "issuer_label",
        "legal_state",
        "state",
        "view_count",
        "download_count",
    ]
    list_filter = [
        VisibilityFilter,
        "kind",
        "issuer",
        "field",
        "legal_state",
        "is_draft_for_comment",
        "issued_on",
    ]
    list_select_related = ["ward"]
    search_fields = ["number"]
    search_help_text = (
        "Tìm theo số ký hiệu (125/QĐ-UBND, 125 qd ubnd) hoặc chữ trong trích "
        "yếu và tệp PDF; gõ có dấu hay không dấu đều được."
    )
    date_hierarchy = "issued_on"
    autocomplete_fields = ["replaced_by", "related_documents", "related_articles"]
    actions = ["publish", "withdraw"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "ward",
                    "number",
                    "kind",
                    "issuer",
                    "issuer_other",
                    "field",
                    "signer",
                    "signer_title",
                    "issued_on",
                    "effective_on",
                    "summary",
                    "slug",
                ]
            },
        ),
        ("Hiệu lực", {"fields": ["legal_state", "replaced_by"]}),
        (
            "Dự thảo lấy ý kiến",
            {
                "fields": [
                    "is_draft_for_comment",
                    "comment_starts_on",
                    "comment_ends_on",
                ]
            },
        ),
        ("Liên quan", {"fields": ["related_documents", "related_articles"]}),
        ("Xuất bản", {"fields": ["status", "published_at", "author"]}),
        (
            "Thông tin",
            {"fields": ["view_count", "download_count", "created_at", "updated_at"]},
        ),
    ]

    # Who may do what ---------------------------------------------------

    def _ward_for(self, request, obj=None):
        return obj.ward if obj is not None and obj.pk else self.form_ward(request)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return may_edit(request.user, obj)

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("documents.publish_document", obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["view_count", "download_count", "created_at", "updated_at"]
        readonly.append("author")
        ward = self._ward_for(request, obj)
        if ward is None or not may_publish(request.user, ward):
            readonly += EDITOR_FIELDS
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        hidden = {"view_count", "download_count", "created_at", "updated_at"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
            if any(f not in hidden for f in opts["fields"])
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The form's ward's documents and articles only, whatever is posted.
        ward = getattr(request, "_form_ward", None)
        kwargs["queryset"] = db_field.related_model._default_manager.filter(ward=ward)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        ward = obj.ward
        if not may_publish(request.user, ward):
            # Whatever a crafted POST says: a writer's document is a draft.
            if not change:
                obj.status = Document.Status.DRAFT
            else:
                before = Document.objects.get(pk=obj.pk)
                obj.status, obj.published_at = before.status, before.published_at
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Files changed after the document was saved: its search words
        # follow them.
        form.instance.refresh_search()

    # Lists -------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.defer("search_folded")

    def get_search_results(self, request, queryset, search_term):
        """A number however it is typed, or words of the trích yếu and the
        files' text, with or without accents."""
        term = nfc(search_term).strip()
        if not term:
            return queryset, False
        key = number_key(term)
        words = fold_accents(term).split()
        by_number = queryset.filter(number_key__startswith=key) if key else None
        by_words = queryset
        for word in words:
            by_words = by_words.filter(search_folded__contains=word)
        if by_number is None:
            return by_words, False
        return by_number | by_words, False

    @admin.display(description="trích yếu")
    def summary_short(self, document):
        text = document.summary
        return text if len(text) <= 90 else f"{text[:88]}…"

    @admin.display(description="cơ quan ban hành", ordering="issuer")
    def issuer_label(self, document):
        return document.issuer_name

    @admin.display(description="trạng thái", ordering="status")
    def state(self, document):
        if document.is_scheduled:
            when = timezone.localtime(document.published_at)
            return f"Hẹn giờ {when:%H:%M %d/%m/%Y}"
        return document.get_status_display()

    def get_list_display(self, request):
        @admin.display(description="trang web")
        def reader_link(document):
            if not document.is_visible:
                return "—"
            url = url_on_ward(request, document.ward, document.get_absolute_url())
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">Xem</a>', url
            )

        return [*super().get_list_display(request), reader_link]

    # Actions -----------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("documents.publish_document"):
            actions.pop("publish", None)
            actions.pop("withdraw", None)
        return actions

    def _set_status(self, request, queryset, status, done):
        changed = 0
        for document in queryset:
            if not may_publish(request.user, document):
                raise PermissionDenied
            document.status = status
            if status == Document.Status.PUBLISHED:
                document.published_at = min(document.published_at, timezone.now())
            document.save()
            changed += 1
        self.message_user(request, f"Đã {done} {changed} văn bản.", messages.SUCCESS)

    @admin.action(description="Đăng các văn bản đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Document.Status.PUBLISHED, "đăng")

    @admin.action(description="Gỡ các văn bản đã chọn", permissions=["publish"])
    @asks_first(
        TAKEDOWN,
        down=Document.Status.WITHDRAWN,
    )
    def withdraw(self, request, queryset):
        self._set_status(request, queryset, Document.Status.WITHDRAWN, "gỡ")

    # Revisions ---------------------------------------------------------

    def restoring(self, request, version):
        # A restore keeps the document's publishing state and counts.
        document = self.get_object(request, version.object_id)
        if document is None or not may_edit(request.user, document):
            raise PermissionDenied
        return keeping_current_state(version)
