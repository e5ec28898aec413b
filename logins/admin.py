"""Failed logins and lockouts in the admin, for superusers only: a ward's
editor has no business with other people's login attempts (nor with the
user names, sometimes mistyped passwords, they hold)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False  # A record of what happened.

    def has_delete_permission(self, request, obj=None):
        # Deleting a user name's or address's attempts lifts its lockout.
        return self.has_module_permission(request)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SuperuserOnly, axes_admin.AccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(SuperuserOnly, axes_admin.AccessLogAdmin):
    pass
