"""The wards in the admin, and the rule every ward-owned model's admin follows:
staff see and change only their own wards' rows."""

from contextlib import nullcontext
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from richtext.editor import EditorWidget
from richtext.sanitize import own_pictures_only

from .editor import editor_scope
from .hosts import url_on_ward
from .models import Membership, Ward, WardHost, WardLink
from .staff import user_wards

# Staff accounts ("Cán bộ") have a module of their own, registered with it.
from .staff_admin import plain_choice


class OwnWardsRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a ward-owned relation (an article's category) that
    offers the staff member's wards' choices only, each named with its ward
    when they have several."""

    def field_choices(self, field, request, model_admin):
        wards = user_wards(request)
        choices = (
            field.related_model._default_manager.filter(ward__in=wards)
            .select_related("ward")
            .order_by("ward__name", *field.related_model._meta.ordering)
        )
        if len(wards) > 1:
            return [(choice.pk, f"{choice} – {choice.ward}") for choice in choices]
        return [(choice.pk, str(choice)) for choice in choices]


class WardScopedAdmin(admin.ModelAdmin):
    """For models with a `ward`: lists, forms, actions and crafted requests
    only ever reach the staff member's wards. Staff of one ward never pick
    it; staff of several pick it before adding, and see a ward column and
    filter (as superusers do)."""

    ward_chooser_template = "admin/wards/choose_ward.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(ward__in=[ward.pk for ward in user_wards(request)])

    def _has_ward_permission(self, request, action, obj) -> bool:
        """The permission in the object's ward (see roles.py)."""
        codename = get_permission_codename(action, self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}", obj)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return self._has_ward_permission(
            request, "view", obj
        ) or self._has_ward_permission(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return self._has_ward_permission(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return self._has_ward_permission(request, "delete", obj)

    def has_several_wards(self, request) -> bool:
        return len(user_wards(request)) > 1

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        if self.has_several_wards(request):
            # Next to the title: look-alike notices of two wards told apart.
            return [list_display[0], "ward", *list_display[1:]]
        return list_display

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if self.has_several_wards(request):
            return [("ward", admin.RelatedOnlyFieldListFilter), *list_filter]
        return list_filter

    def form_ward(self, request, obj=None) -> Ward | None:
        """The ward a form works in: the object's own, or for a new one the
        staff member's only ward, or the one they chose (?ward=)."""
        if obj is not None and obj.pk:
            return obj.ward
        wards = self.wards_to_add(request)
        if len(wards) == 1:
            return wards[0]
        chosen = request.GET.get("ward", "")
        return next((ward for ward in wards if str(ward.pk) == chosen), None)

    def wards_to_add(self, request) -> list[Ward]:
        """The staff member's wards where their role may add such a row (an
        editor of one ward who only writes for another adds sections to the
        first alone)."""
        return [
            ward
            for ward in user_wards(request)
            if self._has_ward_permission(request, "add", ward)
        ]

    def save_model(self, request, obj, form, change):
        # Whatever the form or a list's bulk edit posts: the role in the
        # row's own ward decides, not the user's roles taken together.
        action = "change" if change else "add"
        if not self._has_ward_permission(request, action, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._form_ward = self.form_ward(request, obj)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ward = getattr(request, "_form_ward", None) or self.form_ward(request)
        initial["ward"] = ward.pk if ward else None
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "ward":
            # Without the admin's add/change/delete links: it is not edited here.
            return self.formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ward = getattr(request, "_form_ward", None)
        if db_field.name == "ward":
            # Shown, never taken from the POST: a disabled field keeps its
            # initial value whatever a crafted request sends.
            kwargs["queryset"] = Ward.objects.filter(pk=ward.pk if ward else None)
            kwargs["disabled"] = True
            kwargs["initial"] = ward
            kwargs["help_text"] = ""
            if not self.has_several_wards(request):
                kwargs["widget"] = forms.HiddenInput
        elif hasattr(db_field.related_model, "ward"):
            # The ward's own categories only; none while no ward is known.
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                ward=ward
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        response = super().render_change_form(
            request, context, *args, obj=obj, **kwargs
        )
        if obj is not None and response.context_data.get("has_absolute_url"):
            # "Xem trên trang" opens the page on the object's ward's host.
            response.context_data["absolute_url"] = url_on_ward(
                request, obj.ward, obj.get_absolute_url()
            )
        return response

    def changeform_view(self, request, object_id=None, *args, **kwargs):
        # Django takes "_saveasnew" from any change form's POST, save_as or
        # not: an add that would skip choosing the ward.
        if "_saveasnew" in request.POST and not self.save_as:
            raise PermissionDenied
        return super().changeform_view(request, object_id, *args, **kwargs)

    def add_view(self, request, form_url="", extra_context=None):
        if self.has_add_permission(request) and self.form_ward(request) is None:
            return self.choose_ward_view(request)
        return super().add_view(request, form_url, extra_context)

    def choose_ward_view(self, request):
        """Staff of several wards say which one they add to."""
        wards = self.wards_to_add(request)
        opts = self.model._meta
        if not wards:
            self.message_user(
                request,
                "Tài khoản của bạn chưa thuộc phường nào. Hãy nhờ quản trị "
                "viên thành phố thêm bạn vào phường của mình."
                if not user_wards(request)
                else f"Vai trò của bạn không cho phép thêm {opts.verbose_name}.",
                messages.ERROR,
            )
            return redirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )
        here = getattr(request, "ward", None)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Thêm {opts.verbose_name}: chọn phường",
            "opts": opts,
            # The ward whose site this is first, then the others by name.
            "wards": sorted(wards, key=lambda ward: ward != here),
            "add_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
            # A popup ("+" beside a field) stays one after the choice.
            "params": [
                (key, value) for key, value in request.GET.items() if key != "ward"
            ],
        }
        return TemplateResponse(request, self.ward_chooser_template, context)


def _revert_keeping_the_rest(version) -> None:
    """The version's object as stored, but for the fields its model's
    revisions leave out (the publishing state, counters…), which reversion
    would set to their defaults: they keep their current values."""
    model = version._model
    recorded = version.field_dict
    kept = [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in recorded and not field.primary_key
    ]
    rows = model._default_manager.filter(pk=version.object_id)
    current = rows.values(*kept).first() if kept else None
    version.revert()
    if current:
        rows.update(**current)


class WardScopedVersionAdmin(VersionAdmin, WardScopedAdmin):
    """django-reversion's "Lịch sử" for a ward-scoped model, made safe.

    reversion finds the version to restore by its id and the object's id
    only, whatever model it is of, and restores it before it asks whose the
    object is; its "recover deleted" lists every ward's deleted objects.
    Here the object must be one the staff member may change, the version
    must be that object's, only that object (and its own rows) comes back,
    and what was deleted stays deleted."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("Không có mục này.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def _reversion_revisionform_view(self, request, version, *args, **kwargs):
        # reversion reverts the version's whole revision: every object saved
        # with it (a list action publishes or withdraws many at once, across
        # wards for an editor of several), whoever's they are. Only this
        # object comes back, with the rows it owns (its inlines').
        owned = [version, *self._owned_versions(version)]
        version.revision.revert = lambda delete=False: [
            _revert_keeping_the_rest(v) for v in owned
        ]
        with self.restoring(request, version):
            return super()._reversion_revisionform_view(
                request, version, *args, **kwargs
            )

    def restoring(self, request, version):
        """A context around showing or saving an old version (its model's
        own rules: e.g. keeping the current publishing state)."""
        return nullcontext()

    def _owned_versions(self, version) -> list:
        """The other versions of the revision that are rows of this object:
        of another model, pointing at it."""
        owned = []
        for other in version.revision.version_set.exclude(pk=version.pk):
            model = other._model
            if model is None or model is self.model:
                continue
            data = other.field_dict
            if any(
                field.is_relation
                and field.related_model is self.model
                and str(data.get(field.attname, data.get(field.name)))
                == str(version.object_id)
                for field in model._meta.fields
            ):
                owned.append(other)
        return owned

    def recoverlist_view(self, request, extra_context=None):
        raise Http404("Mục đã xóa không khôi phục được.")

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404("Mục đã xóa không khôi phục được.")


class WardHostInline(admin.TabularInline):
    model = WardHost
    extra = 1


class MembershipInline(admin.TabularInline):
    """A ward's staff, on the ward's page (superusers only)."""

    model = Membership
    extra = 1
    verbose_name = "cán bộ"
    verbose_name_plural = "Cán bộ của phường"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "role":
            return plain_choice(formfield)
        return formfield


class WardLinkInline(admin.TabularInline):
    """The footer's "Liên kết" block, in the ward's order: edited by whoever
    may edit the ward's details."""

    model = WardLink
    fields = ["title", "url", "order"]
    extra = 1
    verbose_name = "liên kết"
    verbose_name_plural = "Liên kết ở chân trang (theo thứ tự: số nhỏ đứng trước)"

    def _may_edit(self, request, ward):
        return request.user.has_perm("wards.change_ward", ward)

    def has_view_permission(self, request, obj=None):
        return self._may_edit(request, obj) or (
            request.user.has_perm("wards.view_ward", obj)
        )

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    # A map link typed without a scheme is a https:// one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "host_names", "is_default", "phone", "email"]
    search_fields = ["name", "hosts__host"]
    # What the ward's own staff may correct; hosts, the default and the
    # staff list are the city's IT's to set.
    staff_fields = [
        "name",
        "name_en",
        "address",
        "phone",
        "hotline",
        "email",
        "responsible_person",
        "governing_body",
        "licence",
        "logo",
        "map_url",
        "introduction",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=Ward.objects.for_user(request.user))
            .prefetch_related("hosts")
        )

    @admin.display(description="tên miền")
    def host_names(self, ward):
        return ", ".join(host.host for host in ward.hosts.all()) or "—"

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return [field for field in self.list_display if field != "is_default"]

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["name", "slug", "is_default", *self.staff_fields[1:]]
        return self.staff_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The article editor; its pictures go into (and are browsed from) this
        # ward's folder. A ward being added has none yet: it uploads nothing.
        kwargs["widgets"] = {
            "introduction": EditorWidget(scope=editor_scope(obj)),
            **kwargs.get("widgets", {}),
        }
        request._changed_ward = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "introduction":
            ward = getattr(request, "_changed_ward", None)
            folders = ward.picture_folders if ward else None
            kwargs["validators"] = [partial(own_pictures_only, folders=folders)]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The upload folder is named once: renaming it would hide the
        # pictures already in it.
        return ["slug"] if obj is not None else []

    def get_inlines(self, request, obj):
        if request.user.is_superuser:
            return [WardHostInline, MembershipInline, WardLinkInline]
        return [WardLinkInline]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("wards.view_ward", obj) or (
            self.has_change_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        # In the ward's own role (an editor of one ward may only write for
        # another).
        return request.user.has_perm("wards.change_ward", obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False  # Hosts no ward claims need somewhere to go.
        return request.user.is_superuser
