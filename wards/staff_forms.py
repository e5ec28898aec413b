"""The forms of "Cán bộ" (staff_admin.py): a whole name in one box, an
email no other account has (it is the user name), and a ward and role for
a new account; what each user may choose comes from staffing.py."""

from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db.models import Q

from . import staffing
from .models import Staff, Ward

NAME_HELP = "Họ trước, tên sau, như trên giấy tờ: Nguyễn Thị Thu Hà."
EMAIL_HELP = "Thư mời đặt mật khẩu gửi tới đây; email này cũng là tên đăng nhập."
ACTIVE_HELP = (
    "Bỏ chọn khi cán bộ thôi việc: tài khoản không đăng nhập được nữa, còn "
    "bài viết và lịch sử của họ vẫn giữ nguyên."
)


def split_name(full_name: str) -> tuple[str, str]:
    """(family and middle names, given name): Vietnamese lists sort by the
    given name, the last word."""
    words = full_name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return " ".join(words[:-1]), words[-1]


def email_taken(email: str, account=None) -> bool:
    others = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if account is not None and account.pk:
        others = others.exclude(pk=account.pk)
    return others.exists()


class StaffFormMixin:
    """Full name in one box, and an email no other account has."""

    acting_user = None
    readonly = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Declared fields stay in a form whatever the admin excludes: one
        # shown read-only must not take what a crafted POST sends.
        for name in self.readonly:
            self.fields.pop(name, None)

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError("Nhập họ và tên.")
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and email_taken(email, self.instance):
            raise ValidationError(
                "Email này đã là của một tài khoản khác (có thể ở phường khác). "
                "Người làm cho nhiều phường dùng một tài khoản: nhờ quản trị "
                "viên thành phố thêm phường cho tài khoản đó."
            )
        return email

    def _keep_name(self, user):
        if "full_name" in self.changed_data:
            user.last_name, user.first_name = split_name(self.cleaned_data["full_name"])


class StaffAddForm(StaffFormMixin, forms.ModelForm):
    full_name = forms.CharField(label="Họ và tên", max_length=300, help_text=NAME_HELP)
    email = forms.EmailField(label="Email", help_text=EMAIL_HELP)
    ward = forms.ModelChoiceField(
        label="Phường",
        queryset=Ward.objects.none(),
        error_messages={"required": "Chọn phường người này làm việc."},
    )
    role = forms.ModelChoiceField(
        label="Vai trò",
        queryset=Group.objects.none(),
        error_messages={"required": "Chọn vai trò của người này ở phường."},
        help_text="Phóng viên viết và gửi duyệt; biên tập viên duyệt, đăng và "
        "gỡ bài, và thêm phóng viên cho phường.",
    )
    is_superuser = forms.BooleanField(
        label="Quản trị viên thành phố (toàn quyền ở mọi phường)",
        required=False,
        help_text="Không cần phường và vai trò.",
    )

    class Meta:
        model = Staff
        fields = ["email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.acting_user
        wards = staffing.managed_wards(user, "add")
        self.fields["ward"].queryset = Ward.objects.filter(
            pk__in=[ward.pk for ward in wards]
        )
        self.fields["role"].queryset = staffing.assignable_roles(user)
        if len(wards) == 1:
            self.fields["ward"].initial = wards[0].pk
        if not user.is_superuser:
            del self.fields["is_superuser"]
            roles = list(self.fields["role"].queryset)
            if len(roles) == 1:
                self.fields["role"].initial = roles[0].pk

    def full_clean(self):
        # A city administrator works for every ward: no ward or role to pick.
        superuser = self.fields.get("is_superuser")
        if self.is_bound and superuser is not None:
            name = self.add_prefix("is_superuser")
            if superuser.widget.value_from_datadict(self.data, self.files, name):
                self.fields["ward"].required = self.fields["role"].required = False
        super().full_clean()

    def save(self, commit=True):
        user = super().save(commit=False)
        user.username = self.cleaned_data["email"]
        self._keep_name(user)
        user.set_unusable_password()  # Set by its owner, from the invitation.
        user.is_superuser = bool(self.cleaned_data.get("is_superuser"))
        user.is_staff = True
        if commit:
            user.save()
        return user


class StaffChangeForm(StaffFormMixin, UserChangeForm):
    full_name = forms.CharField(label="Họ và tên", max_length=300, help_text=NAME_HELP)
    # Accounts made before "Cán bộ" (createsuperuser's) may have none.
    email = forms.EmailField(
        label="Email", required=False, help_text="Thư mời gửi tới đây."
    )

    class Meta(UserChangeForm.Meta):
        model = Staff

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["full_name"].initial = " ".join(
                filter(None, [self.instance.last_name, self.instance.first_name])
            )
        if "is_active" in self.fields:
            self.fields["is_active"].label = "Đang làm việc"
            self.fields["is_active"].help_text = ACTIVE_HELP
        if "groups" in self.fields:
            self.fields[
                "groups"
            ].help_text = "Không dùng để giao vai trò: vai trò đặt ở “Phường làm việc”."

    def clean(self):
        cleaned = super().clean()
        # The user name is the email (StaffAddForm) and follows it (save):
        # an emptied email would leave no user name to sign in with, and a
        # second one an account whose name is taken.
        old_email = self.initial.get("email")
        username = cleaned.get("username", self.instance.username) or ""
        if (
            "email" in self.fields
            and "email" not in self.errors
            and not cleaned.get("email")
            and old_email
            and username.casefold() == old_email.casefold()
        ):
            self.add_error(
                "email",
                "Email này là tên đăng nhập của cán bộ, không để trống được. "
                "Nhập email mới nếu họ đổi email; cho thôi việc nếu họ nghỉ.",
            )
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        self._keep_name(user)
        old_email = self.initial.get("email")
        if (
            "email" in self.changed_data
            and "username" not in self.changed_data
            and old_email
            and user.username.casefold() == old_email.casefold()
        ):
            # The email is the user name (StaffAddForm): one changes with it.
            user.username = user.email
        if commit:
            user.save()
            self._save_m2m()
        return user


class MembershipFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table's cells have no labels of their own: a screen reader names
        # each box by these.
        for name, label in (
            ("ward", "Phường"),
            ("role", "Vai trò"),
            ("DELETE", "Bỏ phường này"),
        ):
            if name in form.fields:
                form.fields[name].widget.attrs["aria-label"] = label

    def clean(self):
        super().clean()
        if self.instance.is_superuser or any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("ward")
        ]
        if not kept:
            raise ValidationError(
                "Cán bộ phải làm việc cho ít nhất một phường. Khi người này "
                "thôi việc, bỏ chọn “Đang làm việc” thay vì bỏ phường."
            )
