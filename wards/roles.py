"""Roles: what a staff member may do, in the wards they work for.

A role is a Django group ("Phóng viên", "Biên tập viên", made by a data
migration) whose permissions say what it may do; a membership gives a user a
role in one ward. So the same person can edit for one ward and only write for
another, and what a role may do is changed in the admin's groups, not in code.
"""

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import Group, Permission

WRITER = "Phóng viên"
EDITOR = "Biên tập viên"

# What each role is given when the groups are made (app_label.codename).
ROLE_PERMISSIONS = {
    WRITER: [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.view_category",
        "articles.add_attachment",
        "articles.change_attachment",
        "articles.delete_attachment",
        "articles.view_attachment",
        "documents.add_document",
        "documents.change_document",
        "documents.view_document",
        "documents.add_documentfile",
        "documents.change_documentfile",
        "documents.delete_documentfile",
        "documents.view_documentfile",
        "schedules.add_entry",
        "schedules.change_entry",
        "schedules.delete_entry",
        "schedules.view_entry",
        "procedures.add_procedure",
        "procedures.change_procedure",
        "procedures.view_procedure",
        "procedures.add_procedureform",
        "procedures.change_procedureform",
        "procedures.delete_procedureform",
        "procedures.view_procedureform",
        "procedures.view_wardproceduredetails",
        # organisation/migrations/0002_roles.py
        "organisation.add_body",
        "organisation.change_body",
        "organisation.view_body",
        "organisation.add_person",
        "organisation.change_person",
        "organisation.delete_person",
        "organisation.view_person",
        # questions/migrations/0002_roles.py: a writer answers what is
        # assigned to them.
        "questions.change_submission",
        "questions.view_submission",
        "questions.view_submissionfile",
    ],
    EDITOR: [
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.publish_article",
        "articles.view_statistics",
        "articles.add_category",
        "articles.change_category",
        "articles.view_category",
        "articles.add_attachment",
        "articles.change_attachment",
        "articles.delete_attachment",
        "articles.view_attachment",
        "wards.change_ward",
        "wards.view_ward",
        # The ward's writers, in "Cán bộ" (wards/staffing.py; migration
        # wards/migrations/0008_staff.py).
        "wards.add_staff",
        "wards.change_staff",
        "wards.view_staff",
        "documents.add_document",
        "documents.change_document",
        "documents.delete_document",
        "documents.view_document",
        "documents.publish_document",
        "documents.add_documentfile",
        "documents.change_documentfile",
        "documents.delete_documentfile",
        "documents.view_documentfile",
        "schedules.add_entry",
        "schedules.change_entry",
        "schedules.delete_entry",
        "schedules.view_entry",
        "schedules.publish_entry",
        "procedures.add_procedure",
        "procedures.change_procedure",
        "procedures.delete_procedure",
        "procedures.view_procedure",
        "procedures.publish_procedure",
        "procedures.add_procedureform",
        "procedures.change_procedureform",
        "procedures.delete_procedureform",
        "procedures.view_procedureform",
        "procedures.add_wardproceduredetails",
        "procedures.change_wardproceduredetails",
        "procedures.delete_wardproceduredetails",
        "procedures.view_wardproceduredetails",
        # organisation/migrations/0002_roles.py
        "organisation.add_body",
        "organisation.change_body",
        "organisation.delete_body",
        "organisation.view_body",
        "organisation.publish_body",
        "organisation.add_person",
        "organisation.change_person",
        "organisation.delete_person",
        "organisation.view_person",
        # questions/migrations/0002_roles.py: an editor works the whole
        # inbox and publishes the comment reports.
        "questions.change_submission",
        "questions.view_submission",
        "questions.view_ward_submissions",
        "questions.view_submissionfile",
        "questions.add_commentreport",
        "questions.change_commentreport",
        "questions.delete_commentreport",
        "questions.view_commentreport",
    ],
}


def role_group(name: str) -> Group:
    """The role's group, made with its permissions if it is missing (a
    database emptied by tests, a role a superuser deleted by mistake)."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        for permission in ROLE_PERMISSIONS[name]:
            app_label, codename = permission.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
    return group


def ward_of(obj):
    """The ward an object belongs to: itself if it is one, else its `ward`,
    else its article's (an attachment's)."""
    from .models import Ward

    if isinstance(obj, Ward):
        return obj
    ward = getattr(obj, "ward", None)
    if ward is None and getattr(obj, "article", None) is not None:
        return obj.article.ward
    return ward


class WardRoleBackend(BaseBackend):
    """Permissions from the roles of a user's ward memberships.

    Asked about an object (an article, a category, a ward), it answers with
    the role the user holds in that object's ward, plus what a superuser gave
    the user directly (which holds in each ward they work for); asked without
    one (may this user add articles at all?), with all their roles together.
    A user who does not work for the object's ward has no permission on it.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        if obj is None:
            ward_id = None
        else:
            ward = ward_of(obj)
            if ward is None:
                return set()
            ward_id = ward.pk
        cache = user_obj.__dict__.setdefault("_ward_role_perms", {})
        if ward_id not in cache:
            # One filter(): user and ward are of the same membership (two
            # would match a role held anywhere if someone holds it here).
            membership = {"group__ward_memberships__user": user_obj}
            if ward_id is not None:
                membership["group__ward_memberships__ward_id"] = ward_id
            permissions = Permission.objects.filter(**membership)
            granted = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).distinct()
            }
            if (
                ward_id is not None
                and user_obj.ward_memberships.filter(ward_id=ward_id).exists()
            ):
                granted |= ModelBackend().get_all_permissions(user_obj)
            cache[ward_id] = granted
        return cache[ward_id]

    def has_module_perms(self, user_obj, app_label):
        """The admin's index lists an app for any role permission in it."""
        return any(
            perm.startswith(f"{app_label}.")
            for perm in self.get_all_permissions(user_obj)
        )
