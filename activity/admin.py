"""The activity log in the admin: superusers read it; nobody edits it."""

from django.contrib import admin

from .models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "username", "ward", "target", "detail", "address"]
    list_filter = [
        "action",
        ("ward", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
        "at",
    ]
    date_hierarchy = "at"
    search_fields = ["username", "target", "detail", "address"]
    list_select_related = ["ward"]
    show_full_result_count = False

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # A record of what happened.

    def has_delete_permission(self, request, obj=None):
        return False  # Old entries go by prune_activity, all alike.
