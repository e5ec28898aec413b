"""The admin's "Cán bộ": staff accounts, as the city's IT and a ward's
editors think of them. One form (name, email, ward, role) makes an account
that may sign in at once and gets an invitation to set its own password;
roles are given through wards alone; accounts are deactivated, not deleted.
Who may do what is wards/staffing.py's; this module only asks it."""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

import outbox

from . import invitations, staffing
from .models import Membership, Staff, Ward, display_name
from .staff_forms import MembershipFormSet, StaffAddForm, StaffChangeForm

ADVANCED = "Nâng cao (chỉ quản trị viên thành phố)"
ADVANCED_NOTE = (
    "Thường không cần đụng tới. Vai trò của cán bộ đặt ở “Phường làm việc”; "
    "nhóm và quyền ở đây có hiệu lực ở mọi phường người này làm việc."
)


class InlineWithItsOwnAddText(helpers.InlineAdminFormSet):
    """Django's "Thêm mới: <name>" reads as making a new ward."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = self.opts.add_text
        return json.dumps(data)


def plain_choice(formfield):
    """Without the admin's add, change and delete buttons: the red ✖ beside
    a role deleted the role (a group) for everyone."""
    if isinstance(formfield.widget, admin.widgets.RelatedFieldWidgetWrapper):
        formfield.widget = formfield.widget.widget
    return formfield


class StaffMembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    fields = ["ward", "role"]
    extra = 0
    verbose_name = "phường làm việc"
    verbose_name_plural = "Phường làm việc và vai trò"
    add_text = "Thêm phường làm việc"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ward":
            kwargs["queryset"] = Ward.objects.filter(
                pk__in=[w.pk for w in staffing.managed_wards(request.user, "add")]
            )
        elif db_field.name == "role":
            kwargs["queryset"] = staffing.assignable_roles(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return plain_choice(formfield) if db_field.is_relation else formfield

    def has_view_permission(self, request, obj=None):
        return True  # Whoever sees the account sees its wards.

    def get_max_num(self, request, obj=None, **kwargs):
        # No "Thêm phường làm việc" once every ward the user may give is
        # given.
        if request.user.is_superuser:
            return None
        return len(staffing.managed_wards(request.user, "add"))

    def has_add_permission(self, request, obj=None):
        return obj is not None and staffing.may_change_account(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and staffing.may_change_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class WardFilter(admin.SimpleListFilter):
    title = "phường"
    parameter_name = "phuong"

    def lookups(self, request, model_admin):
        return [
            (str(ward.pk), ward.name)
            for ward in staffing.managed_wards(request.user, "view")
        ]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(
            pk__in=Membership.objects.filter(ward_id=self.value()).values("user")
        )


class RoleFilter(admin.SimpleListFilter):
    """The role in the ward chosen beside it (or in any of them): "Biên tập
    viên" of Phúc Lợi is not someone who edits elsewhere and writes here."""

    title = "vai trò"
    parameter_name = "vai_tro"

    def lookups(self, request, model_admin):
        roles = Group.objects.filter(ward_memberships__isnull=False).distinct()
        return [(str(role.pk), role.name) for role in roles.order_by("name")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        memberships = Membership.objects.filter(role_id=self.value())
        ward = request.GET.get(WardFilter.parameter_name)
        if ward and ward.isdigit():
            memberships = memberships.filter(ward_id=ward)
        return queryset.filter(pk__in=memberships.values("user"))


class StateFilter(admin.SimpleListFilter):
    title = "trạng thái"
    parameter_name = "trang_thai"

    def lookups(self, request, model_admin):
        return [
            ("dang-lam", "Đang làm việc"),
            ("cho-mat-khau", "Chưa đặt mật khẩu"),
            ("thoi-viec", "Đã thôi việc"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "dang-lam":
            return queryset.filter(is_active=True)
        if self.value() == "cho-mat-khau":
            return queryset.filter(is_active=True, password__startswith="!")
        if self.value() == "thoi-viec":
            return queryset.filter(is_active=False)
        return queryset


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    add_form_template = None
    change_form_template = "admin/wards/staff/change_form.html"
    form = StaffChangeForm
    add_form = StaffAddForm
    inlines = [StaffMembershipInline]
    list_display = ["full_name", "username", "wards_and_roles", "state", "last_login"]
    list_display_links = ["full_name", "username"]
    list_filter = [WardFilter, RoleFilter, StateFilter]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["first_name", "last_name", "username"]
    list_per_page = 50
    actions = ["invite_selected", "deactivate_selected", "reactivate_selected"]

    # Who sees, adds and changes which account: wards/staffing.py.

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "ward_memberships",
                    Membership.objects.select_related("ward", "role").order_by(
                        "ward__name"
                    ),
                )
            )
        )
        if request.user.is_superuser:
            return queryset
        wards = staffing.managed_wards(request.user, "view")
        return queryset.filter(
            is_superuser=False,
            pk__in=Membership.objects.filter(ward__in=wards).values("user"),
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if not staffing.managed_wards(request.user, "view"):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return bool(staffing.managed_wards(request.user, "add"))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser or bool(
                staffing.managed_wards(request.user, "change")
            )
        return staffing.may_change_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Deactivate, keeping the person's articles and history.
        return request.user.is_superuser

    # The forms.

    def get_fieldsets(self, request, obj=None):
        advanced = {"classes": ["collapse"], "description": ADVANCED_NOTE}
        if obj is None:
            fieldsets = [(None, {"fields": ["full_name", "email", "ward", "role"]})]
            if request.user.is_superuser:
                fieldsets.append((ADVANCED, {**advanced, "fields": ["is_superuser"]}))
            return fieldsets
        # Editors see the user name, never change it (nor Django's rules
        # for typing one).
        login = "username" if request.user.is_superuser else "login_name"
        fieldsets = [
            (None, {"fields": ["full_name", "email", login, "is_active"]}),
            ("Đăng nhập", {"fields": ["sign_in_state", "last_login", "date_joined"]}),
        ]
        if request.user.is_superuser:
            fields = ["is_superuser", "password", "groups", "user_permissions"]
            fieldsets.append((ADVANCED, {**advanced, "fields": fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["sign_in_state", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly.append("login_name")
            if obj is not None and obj.has_usable_password():
                # Else an editor could send the account's next set-password
                # link to an address of their own, and sign in as the writer.
                readonly.append("email")
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        readonly = self.get_readonly_fields(request, obj)
        return type(
            form.__name__,
            (form,),
            {"acting_user": request.user, "readonly": readonly},
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            # What a person may be given: the portal's own, not the
            # thumbnail cache's or the sessions' bookkeeping.
            kwargs["queryset"] = Permission.objects.filter(
                content_type__app_label__in=[*_portal_apps(), "auth"]
            ).select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inline_instances(self, request, obj=None):
        # The add form has its ward and role fields instead.
        return [] if obj is None else super().get_inline_instances(request, obj)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_formset in inline_formsets:
            if hasattr(inline_formset.opts, "add_text"):
                inline_formset.__class__ = InlineWithItsOwnAddText
        return inline_formsets

    def save_model(self, request, obj, form, change):
        if obj.is_superuser and not request.user.is_superuser:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            invitations.end_links(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and form.cleaned_data.get("ward"):
            Membership.objects.create(
                user=form.instance,
                ward=form.cleaned_data["ward"],
                role=form.cleaned_data["role"],
            )
        staffing.sync_staff_status(form.instance.pk)

    def response_add(self, request, obj, post_url_continue=None):
        invitations.invite(request, obj)
        response = super().response_add(request, obj, post_url_continue)
        membership = obj.ward_memberships.first()
        if "_addanother" in request.POST and membership is not None:
            # The next colleague is most often of the same ward and role.
            response["Location"] += (
                f"{'&' if '?' in response['Location'] else '?'}"
                f"ward={membership.ward_id}&role={membership.role_id}"
            )
        return response

    # The list.

    @admin.display(description="phường và vai trò")
    def wards_and_roles(self, user):
        memberships = user.ward_memberships.all()
        if user.is_superuser:
            return "Quản trị viên thành phố"
        return (
            format_html_join(
                ", ", "{} – {}", ((m.ward.name, m.role.name) for m in memberships)
            )
            or "—"
        )

    @admin.display(description="họ và tên", ordering="first_name")
    def full_name(self, user):
        return display_name(user)

    @admin.display(description="trạng thái")
    def state(self, user):
        if not user.is_active:
            return "Đã thôi việc"
        if not user.has_usable_password():
            return "Chưa đặt mật khẩu"
        return "Đang làm việc"

    @admin.display(description="tên đăng nhập")
    def login_name(self, user):
        return user.get_username()

    @admin.display(description="mật khẩu")
    def sign_in_state(self, user):
        if not user.is_active:
            return "Không đăng nhập được: đã thôi việc."
        if not user.has_usable_password():
            return (
                "Chưa đặt mật khẩu: đang chờ cán bộ mở thư mời. Thư mời hết hạn "
                "sau 3 ngày; gửi lại bằng nút “Gửi thư mời đặt mật khẩu”."
            )
        return "Đã đặt mật khẩu."

    # Actions: only ever on accounts the user may change.

    def _changeable(self, request, queryset):
        return [
            user for user in queryset if staffing.may_change_account(request.user, user)
        ]

    @admin.action(description="Gửi thư mời đặt mật khẩu cho các cán bộ đã chọn")
    def invite_selected(self, request, queryset):
        for user in self._changeable(request, queryset):
            if user.is_active:
                invitations.invite(request, user)

    @admin.action(description="Cho thôi việc (khóa đăng nhập, giữ bài viết)")
    def deactivate_selected(self, request, queryset):
        users = [
            user
            for user in self._changeable(request, queryset)
            if user.is_active and user.pk != request.user.pk
        ]
        self._set_active(request, users, False)
        messages.success(
            request,
            f"Đã cho thôi việc {len(users)} cán bộ: họ không đăng nhập được "
            "nữa; bài viết và lịch sử của họ vẫn giữ nguyên.",
        )

    @admin.action(description="Cho làm việc lại")
    def reactivate_selected(self, request, queryset):
        users = [u for u in self._changeable(request, queryset) if not u.is_active]
        self._set_active(request, users, True)
        messages.success(request, f"Đã cho {len(users)} cán bộ làm việc lại.")

    def _set_active(self, request, users, active: bool):
        for user in users:
            user.is_active = active
            user.save(update_fields=["is_active"])
            if not active:
                invitations.end_links(user)
            self.log_change(
                request,
                user,
                [{"changed": {"fields": ["Đang làm việc"]}}],
            )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return {}
        return actions

    # The invitation's own page, and the password for superusers only.

    def get_urls(self):
        return [
            path(
                "<id>/password/",
                self.admin_site.admin_view(self.user_change_password),
                name="wards_staff_password_change",
            ),
            path(
                "<id>/thu-moi/",
                self.admin_site.admin_view(self.invitation_view),
                name="wards_staff_invite",
            ),
            *admin.ModelAdmin.get_urls(self),
        ]

    def user_change_password(self, request, id, form_url=""):
        # Staff set their own passwords from the invitation; the city's IT
        # may still set one, e.g. where no email reaches the person.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def invitation_view(self, request, id):
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("Không có cán bộ này.")
        if not staffing.may_change_account(request.user, user) or not user.is_active:
            raise PermissionDenied
        change_url = reverse("admin:wards_staff_change", args=[user.pk])
        if request.method == "POST":
            invitations.invite(request, user)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Gửi thư mời đặt mật khẩu",
            "opts": self.opts,
            "original": user,
            "change_url": change_url,
            "has_password": user.has_usable_password(),
            "mail_configured": outbox.configured(),
        }
        return TemplateResponse(request, "admin/wards/staff/invite.html", context)

    def render_change_form(self, request, context, add=False, change=False, **kw):
        obj = context.get("original")
        context["may_invite"] = (
            obj is not None
            and obj.is_active
            and staffing.may_change_account(request.user, obj)
        )
        return super().render_change_form(request, context, add, change, **kw)


admin.site.unregister(User)


@admin.register(User)
class UserAddresses(admin.ModelAdmin):
    """Django's own user pages (and the admin log's links to them) lead to
    "Cán bộ": one place to manage staff."""

    def has_module_permission(self, request):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        def to_staff(view):
            def go(request, object_id=None, rest=""):
                if object_id is None:
                    return redirect(f"admin:wards_staff_{view}")
                return redirect(f"admin:wards_staff_{view}", object_id)

            return self.admin_site.admin_view(go)

        return [
            path("", to_staff("changelist"), name="auth_user_changelist"),
            path("add/", to_staff("add"), name="auth_user_add"),
            path(
                "<path:object_id>/change/", to_staff("change"), name="auth_user_change"
            ),
            path(
                "<path:object_id>/delete/", to_staff("delete"), name="auth_user_delete"
            ),
            path(
                "<path:object_id>/history/",
                to_staff("history"),
                name="auth_user_history",
            ),
        ]


def _portal_apps() -> list[str]:
    """The labels of the project's own apps (those in its folder): every
    app that grows models gives staff permissions without a list to edit."""
    return [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    ]
