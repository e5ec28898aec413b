"""The inbox list's filters (questions/admin.py): by the deadline, by who
handles an item, by the draft a comment is on."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from documents.models import Document
from wards.staff import user_wards

from . import handling


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
        choices = [
            ("cho-toi", "Giao cho tôi, chưa trả lời"),
            ("cua-toi", "Giao cho tôi"),
            ("chua-giao", "Chưa giao ai"),
        ]
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
        if value == "cho-toi":
            return handling.waiting_for(request.user, queryset)
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
    return (
        get_user_model()
        .objects.filter(ward_memberships__ward__in=wards, is_active=True, is_staff=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
