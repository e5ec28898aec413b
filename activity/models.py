from django.conf import settings
from django.db import models
from django.utils import timezone


class Entry(models.Model):
    """One thing a member of staff did (or tried), as it happened."""

    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", "Đăng nhập"
        SIGN_IN_FAILED = "sign_in_failed", "Đăng nhập sai mật khẩu"
        SECOND_STEP_FAILED = "second_step_failed", "Sai mã xác thực hai bước"
        ENROLLED = "enrolled", "Đăng ký xác thực hai bước"
        DEVICE_RESET = "device_reset", "Đặt lại xác thực hai bước"
        PUBLISHED = "published", "Đăng bài"
        WITHDRAWN = "withdrawn", "Gỡ bài"
        ROLE_CHANGED = "role_changed", "Thay đổi vai trò"
        PERSONAL_DATA_EXPORTED = "personal_data_exported", "Xuất dữ liệu cá nhân"
        PERSONAL_DATA_ERASED = "personal_data_erased", "Xóa dữ liệu cá nhân"

    at = models.DateTimeField("thời gian", default=timezone.now)
    action = models.CharField("việc", max_length=40, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cán bộ",
    )
    # The name as typed or as it was: a failed sign-in may name no account,
    # and an account deleted later still leaves who it was.
    username = models.CharField("tên đăng nhập", max_length=150, blank=True)
    ward = models.ForeignKey(
        "wards.Ward",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="phường",
    )
    target = models.CharField("đối tượng", max_length=300, blank=True)
    detail = models.TextField("chi tiết", blank=True)
    address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = "mục nhật ký"
        verbose_name_plural = "nhật ký hoạt động"
        indexes = [
            # The admin's list, newest first, and prune_activity's cut.
            models.Index(fields=["-at"], name="activity_entry_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} – {self.username or 'không rõ'}"
