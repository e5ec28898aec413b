"""An article's "Lịch sử" in the admin: the list of its revisions, the
comparison of two, and restoring one (revisions.py holds what is recorded,
compared and restored; this module, the pages and their permissions)."""

from dataclasses import dataclass

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import model_format_dict, quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.models import Version

from .models import Article
from .revisions import (
    KEPT_FIELDS,
    RESTORED_FIELDS,
    Names,
    article_revision,
    article_snapshot,
    compare,
    label,
    local_time,
    person,
    restore_comment,
    restore_plan,
    same_content,
    same_value,
    save_comment,
    state_at,
    version_snapshot,
)


@dataclass
class HistoryRow:
    version: Version
    when: object
    who: str
    comment: str
    state: str
    same_as_current: bool
    from_checked: bool = False
    to_checked: bool = False
    changes_url: str = ""
    restore_url: str = ""


class ArticleRevisionsAdmin(admin.ModelAdmin):
    """Revisions in the article admin: put first among ArticleAdmin's bases.

    Saves through the admin's form and list actions make a revision (who,
    when, what happened); "Lịch sử" lists them, compares two and restores
    one. It asks ArticleAdmin's get_queryset() (the staff member's wards) and
    has_change_permission(request, article) before showing or restoring.
    There is no "recover deleted": a deleted article stays deleted.
    """

    object_history_template = "admin/articles/article/object_history.html"
    revision_compare_template = "admin/articles/article/revision_compare.html"
    revision_restore_template = "admin/articles/article/revision_restore.html"
    history_per_page = 50

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.revision_compare_view),
                name=f"{info}_revision_compare",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                view(self.revision_restore_view),
                name=f"{info}_revision_restore",
            ),
            *super().get_urls(),
        ]

    # Making revisions.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # Manually: the article joins the revision in construct_change_message,
        # only when the save did something ("Lưu và xem trước" of an unchanged
        # article made empty "Lưu, không đổi gì" revisions).
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(self._action_comment(request))
            return super().changelist_view(request, extra_context)

    def _action_comment(self, request) -> str:
        action = self.get_actions(request).get(request.POST.get("action", ""))
        if action is None:
            return "Sửa trên danh sách bài viết"
        description = str(action[2]) % model_format_dict(self.opts)
        return f"{description} (trên danh sách bài viết)"

    def construct_change_message(self, request, form, formsets, add=False):
        # Called once per form save, after save_model(): a workflow step's
        # comment, set there, comes first; then what the form changed. A save
        # that did neither keeps no revision.
        message = super().construct_change_message(request, form, formsets, add)
        if reversion.is_active():
            comment = save_comment(add, reversion.get_comment(), message)
            if comment:
                reversion.set_comment(comment)
                reversion.add_to_revision(form.instance)
        return message

    # The history, comparing, restoring.

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            # As the change form answers: back to the index, "not found".
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        page = Paginator(self._versions(article), self.history_per_page).get_page(
            request.GET.get("p")
        )
        may_restore = self.has_change_permission(request, article)
        current = article_snapshot(article)
        rows = []
        for version in page:
            then = version_snapshot(version)
            revision = version.revision
            same = then is not None and same_content(then, current)
            rows.append(
                HistoryRow(
                    version=version,
                    when=revision.date_created,
                    who=person(revision.user),
                    comment=revision.comment,
                    state=state_at(then, revision.date_created) if then else "—",
                    same_as_current=same,
                    changes_url=self._url(
                        "revision_compare", article, query=f"?to={version.pk}"
                    ),
                    restore_url=(
                        self._url("revision_restore", article, version.pk)
                        if may_restore and then is not None and not same
                        else ""
                    ),
                )
            )
        if rows and not page.has_next():
            rows[-1].changes_url = ""  # The first revision: nothing before it.
        if page.number == 1 and len(rows) > 1:
            rows[0].to_checked = rows[1].from_checked = True
        context = {
            **self.admin_site.each_context(request),
            "title": "Lịch sử bài viết",
            "subtitle": str(article),
            "object": article,
            "opts": self.opts,
            "rows": rows,
            "page": page,
            "compare_url": self._url("revision_compare", article),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def revision_compare_view(self, request, object_id):
        """Two revisions side by side (?from=&to=; without from, the one
        before to), field by field, older first whichever way they came."""
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = self._versions(article)
        newer = self._version_or_404(versions, request.GET.get("to"))
        if request.GET.get("from"):
            older = self._version_or_404(versions, request.GET["from"])
        else:
            older = self._before(versions, newer)
            if older is None:
                messages.info(request, "Đây là bản lưu đầu tiên của bài viết.")
                return redirect(self._url("history", article))
        if older.pk == newer.pk:
            messages.warning(request, "Hãy chọn hai bản khác nhau để so sánh.")
            return redirect(self._url("history", article))
        if _order_key(older) > _order_key(newer):
            older, newer = newer, older
        current = article_snapshot(article)
        sides = [self._side(request, article, v, current) for v in (older, newer)]
        if None in (sides[0]["snapshot"], sides[1]["snapshot"]):
            messages.error(request, "Không đọc được một trong hai bản đã chọn.")
            return redirect(self._url("history", article))
        changes, unchanged = compare(sides[0]["snapshot"], sides[1]["snapshot"])
        context = {
            **self.admin_site.each_context(request),
            "title": "So sánh hai bản",
            "subtitle": str(article),
            "object": article,
            "opts": self.opts,
            "sides": [
                {**sides[0], "heading": "Bản cũ"},
                {**sides[1], "heading": "Bản mới"},
            ],
            "changes": changes,
            "unchanged": unchanged,
            "history_url": self._url("history", article),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_compare_template, context)

    def revision_restore_view(self, request, object_id, version_id):
        """GET: what restoring would change; POST: restore it."""
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = self._version_or_404(self._versions(article), version_id)
        then = version_snapshot(version)
        if then is None:
            messages.error(request, "Không đọc được bản này: không thể khôi phục.")
            return redirect(self._url("history", article))
        current = article_snapshot(article)
        plan = restore_plan(article, then)
        changes, _ = compare(current, {**current, **plan.values}, RESTORED_FIELDS)
        errors = []
        if request.method == "POST" and not changes:
            messages.info(request, "Nội dung bài đã giống bản này: không có gì để đổi.")
            return redirect(self._url("change", article))
        if request.method == "POST":
            errors = self._restore(request, article, version, plan)
            if not errors:
                messages.success(
                    request,
                    "Đã khôi phục bản ngày "
                    f"{local_time(version.revision.date_created)}. "
                    f"Trạng thái bài giữ nguyên: {article.state_label}.",
                )
                return redirect(self._url("change", article))
        names = Names.of(current, then)
        kept = [
            {
                "label": label(name),
                # A scheduled article is "Hẹn giờ …", not just "Đã đăng".
                "now": article.state_label
                if name == "status"
                else names.display(name, current[name]),
                "then": names.display(name, then[name]),
            }
            for name in KEPT_FIELDS
            if not same_value(name, current[name], then[name])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Khôi phục bản ngày {local_time(version.revision.date_created)}",
            "subtitle": str(article),
            "object": article,
            "opts": self.opts,
            "version": self._side(request, article, version, current, then),
            "changes": changes,
            "kept": kept,
            "state_now": article.state_label,
            "warnings": plan.warnings,
            "errors": errors,
            "history_url": self._url("history", article),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_restore_template, context)

    def _restore(self, request, article, version, plan) -> list[str]:
        """Write the revision's content into the article through its save()
        (normalising, sanitising), as a new revision; the errors that stop
        it, if any."""
        for name, value in plan.values.items():
            setattr(article, Article._meta.get_field(name).attname, value)
        try:
            article.full_clean()
        except ValidationError as error:
            return error.messages
        comment = restore_comment(version)
        with article_revision(request.user, comment):
            article.save()
            self.log_change(request, article, comment)
        return []

    # Helpers.

    def _article_or_404(self, request, object_id) -> Article:
        # get_object() reads get_queryset(): another ward's article is not found.
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("Không tìm thấy bài viết.")
        return article

    def _versions(self, article):
        # By object id: safe because article ids are never reused (SQLite
        # AUTOINCREMENT, PostgreSQL identity), so a deleted article's history
        # never shows under a new one.
        return (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )

    def _version_or_404(self, versions, version_id) -> Version:
        if not str(version_id or "").isdecimal():
            raise Http404("Không tìm thấy bản lưu.")
        version = versions.filter(pk=int(version_id)).first()
        if version is None:
            raise Http404("Không tìm thấy bản lưu.")
        return version

    def _before(self, versions, version) -> Version | None:
        when = version.revision.date_created
        return versions.filter(
            Q(revision__date_created__lt=when)
            | Q(revision__date_created=when, pk__lt=version.pk)
        ).first()

    def _side(self, request, article, version, current, then=None) -> dict:
        """One revision as the compare and restore pages show it."""
        revision = version.revision
        then = then or version_snapshot(version)
        may_restore = not same_content(then, current) and self.has_change_permission(
            request, article
        )
        return {
            "version": version,
            "when": revision.date_created,
            "who": person(revision.user),
            "comment": revision.comment,
            "state": state_at(then, revision.date_created) if then else "—",
            "snapshot": then,
            "restore_url": (
                self._url("revision_restore", article, version.pk)
                if may_restore
                else ""
            ),
        }

    def _url(self, view: str, article, *args, query: str = "") -> str:
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
        return reverse(f"{name}_{view}", args=[quote(article.pk), *args]) + query


def _order_key(version: Version):
    return (version.revision.date_created, version.pk)
