"""The organisation in the admin: a body's form with its people as an ordered
inline. Writers draft bodies and send them for review; editors publish
(organisation.publish_body, in the body's ward). A published body is the
editors' alone to change, so nothing a writer types reaches readers without
an editor. Revisions hold a body with its people, never its state."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from richtext.editor import EditorWidget
from richtext.sanitize import own_pictures_only
from vietnamese.text import nfc
from wards.admin import WardScopedVersionAdmin
from wards.editor import editor_scope
from wards.takedown import AsksBeforeTakingDown, TakeDown, asks_first

from .models import Body, Person

# Functions and tasks run to a few pages; ten times that is still one body's.
MAX_TEXT_LENGTH = 200_000


def may_publish(user, ward) -> bool:
    return ward is not None and user.has_perm("organisation.publish_body", ward)


def may_edit(user, body) -> bool:
    """A body's own ward's staff may edit it while it is not published; once
    published, only those who may publish."""
    if body is None or body.pk is None:
        return True
    return user.has_perm("organisation.change_body", body) and (
        not body.is_published or may_publish(user, body.ward)
    )


# Revisions of a body hold its people; the publishing state is left out, so
# restoring one never publishes or withdraws anything. Registered here, before
# VersionAdmin below would register the whole row.
reversion.register(Body, exclude=["status"], follow=["people"])
reversion.register(Person)


class PersonInline(admin.StackedInline):
    """The body's people, in the order the ward sets ("thứ tự")."""

    model = Person
    fields = [
        ("name", "title"),
        "title_en",
        ("phone", "email"),
        "photo",
        ("order", "is_leader", "handles_contacts"),
    ]
    extra = 1
    verbose_name = "người"
    verbose_name_plural = "Lãnh đạo, cán bộ (theo thứ tự: số nhỏ đứng trước)"

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and may_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_edit(
            request.user, obj
        )


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = "__all__"
        widgets = {
            "name": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "name_en": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }

    def _short_enough(self, field):
        text = self.cleaned_data[field]
        if len(text) > MAX_TEXT_LENGTH:
            raise forms.ValidationError(
                f"Nội dung quá dài ({len(text):,} ký tự; tối đa "
                f"{MAX_TEXT_LENGTH:,}).".replace(",", ".")
            )
        return text

    def clean_functions(self):
        return self._short_enough("functions")

    def clean_functions_en(self):
        return self._short_enough("functions_en")


# What readers lose when one is taken down (wards/takedown.py).
TAKEDOWN = TakeDown(
    title="Gỡ cơ quan, tổ chức khỏi trang?",
    losses=[
        "Cơ quan, tổ chức trên trang “Cơ cấu tổ chức” (và bản "
        "tiếng Anh): chức năng, nhiệm vụ, cán bộ và cách liên hệ.",
    ],
    button="Có, gỡ khỏi trang",
)


@admin.register(Body)
class BodyAdmin(AsksBeforeTakingDown, WardScopedVersionAdmin):
    takedown = TAKEDOWN
    form = BodyForm
    inlines = [PersonInline]
    list_display = ["name", "status", "order", "updated_at"]
    list_filter = ["status"]
    # A ward's bodies together, in the page's order.
    ordering = ["ward__name", "order", "pk"]
    search_fields = ["name", "name_en", "people__name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "ward",
        "name",
        "slug",
        "order",
        "status",
        "functions",
        "name_en",
        "functions_en",
    ]
    actions = ["publish", "withdraw"]
    # No "recover deleted": a deleted body stays deleted (reversion's recover
    # pages would list and restore every ward's).
    change_list_template = None

    # Who may do what ---------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_edit(
            request.user, obj
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("organisation.publish_body")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            ward = getattr(request, "_form_ward", None)
            if not may_publish(request.user, ward):
                # A writer drafts or sends for review; "Đã đăng" is not
                # offered, and refused if a crafted form sends it.
                kwargs["choices"] = [
                    (value, label)
                    for value, label in Body.Status.choices
                    if value != Body.Status.PUBLISHED
                ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("functions", "functions_en"):
            # The article editor; its pictures go into the body's ward.
            kwargs["widget"] = EditorWidget(
                scope=editor_scope(getattr(request, "_form_ward", None))
            )
            kwargs["validators"] = [own_pictures_only]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        # Stored text is NFC; a term typed on some keyboards arrives NFD.
        return super().get_search_results(request, queryset, nfc(search_term))

    def view_on_site(self, obj):
        # Only what readers can see has a page to show.
        return obj.get_absolute_url() if obj.is_published else None

    def save_model(self, request, obj, form, change):
        ward = obj.ward if obj.ward_id else self.form_ward(request)
        if obj.is_published and not may_publish(request.user, ward):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            "Cơ quan, tổ chức này đang hiện với bạn đọc ở trang “Cơ cấu tổ chức”."
            if obj.is_published
            else "Chưa hiện với bạn đọc: biên tập viên đăng khi đã duyệt.",
            messages.INFO,
        )

    # List actions ------------------------------------------------------------

    @admin.action(
        description="Đăng các cơ quan, tổ chức đã chọn", permissions=["publish"]
    )
    def publish(self, request, queryset):
        self._set_status(request, queryset, Body.Status.PUBLISHED, "Đã đăng")

    @admin.action(
        description="Gỡ các cơ quan, tổ chức đã chọn", permissions=["publish"]
    )
    @asks_first(
        TAKEDOWN,
        down=Body.Status.DRAFT,
    )
    def withdraw(self, request, queryset):
        self._set_status(request, queryset, Body.Status.DRAFT, "Đã gỡ")

    def _set_status(self, request, queryset, status, done):
        changed = refused = 0
        for body in queryset.exclude(status=status).select_related("ward"):
            if not may_publish(request.user, body.ward):
                refused += 1
                continue
            body.status = status
            body.save()
            changed += 1
        self.message_user(
            request, f"{done} {changed} cơ quan, tổ chức.", messages.SUCCESS
        )
        if refused:
            self.message_user(
                request,
                f"{refused} cơ quan, tổ chức không thuộc quyền của bạn nên giữ nguyên.",
                messages.WARNING,
            )

    # Revisions ---------------------------------------------------------------
