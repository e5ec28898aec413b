"""Comment reports (báo cáo tổng hợp ý kiến) in the admin: a draft's
summary of comments, written and published by the ward's editors for their
own wards' drafts; registered by questions/admin.py."""

from pathlib import PurePosixPath

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html

from documents.models import Document
from files.download import saved_file_response
from files.names import download_name
from files.widgets import DocumentFileInput
from richtext.editor import EditorWidget
from wards.editor import editor_scope
from wards.staff import user_wards

from .models import CommentReport


class CommentReportForm(forms.ModelForm):
    class Meta:
        model = CommentReport
        fields = ["document", "body", "file", "published", "published_at"]


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
