"""Superusers see who has enrolled an authenticator app and can reset a
colleague's (a lost or changed phone). django-otp's own device admins are
taken away: they show and edit the secret keys."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static import admin as static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import devices
from .models import AuthenticatorApp

# django-otp's admin modules are imported above so that they have registered
# their admins before these lines take them away: the admin reads each app's
# admin module in the order of INSTALLED_APPS, and twostep comes first (for
# its createsuperuser), so theirs would otherwise register after, and stay.
# A module is imported once: the admin's own import of them later does
# nothing.
del static_admin, totp_admin
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    list_display = ["person", "ready", "enrolled_at", "used_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    fields = list_display
    readonly_fields = list_display
    actions = ["reset"]

    # django-otp's fields are named in English: these say it in Vietnamese.
    @admin.display(description="cán bộ", ordering="user__username")
    def person(self, device):
        return device.user

    @admin.display(description="đã dùng được", boolean=True, ordering="confirmed")
    def ready(self, device):
        return device.confirmed  # False: enrolment begun, no code typed yet.

    @admin.display(description="ngày đăng ký", ordering="created_at")
    def enrolled_at(self, device):
        return device.created_at

    @admin.display(description="dùng lần cuối", ordering="last_used_at")
    def used_at(self, device):
        return device.last_used_at

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # Each person enrols their own phone.

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # "Đặt lại" below: the backup codes go too, recorded.

    def has_reset_permission(self, request):
        return self.has_module_permission(request)

    @admin.action(
        description="Đặt lại xác thực hai bước của các cán bộ đã chọn",
        permissions=["reset"],
    )
    def reset(self, request, queryset):
        users = (
            get_user_model()
            .objects.filter(pk__in=queryset.values("user_id"))
            .order_by("username")
        )
        for user in users:
            devices.reset(request, user)
        self.message_user(
            request,
            f"Đã đặt lại xác thực hai bước của: "
            f"{', '.join(user.get_username() for user in users)}. "
            "Mọi phiên đăng nhập đang mở của họ đã kết thúc; lần đăng nhập tới, "
            "sau mật khẩu, họ đăng ký lại ứng dụng xác thực.",
            messages.SUCCESS,
        )
