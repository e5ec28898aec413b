"""The residents' forms: a question, a report (phản ánh, kiến nghị) with its
place and photos, a comment on a draft document. Every field has a size
limit; files are checked by their content as every upload of the site is
(receiving.py stores them without EXIF and GPS)."""

import re
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError

from files.checks import readable_size
from pictures.checks import IMAGE_ENDINGS
from vietnamese.text import nfc

from .door import HONEYPOT
from .models import MAX_BODY, Kind, Topic

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = {Kind.QUESTION: 1, Kind.REPORT: 3, Kind.COMMENT: 1}
# Together within what the web server takes in one request (25 MB).
MAX_TOTAL_BYTES = 20 * 1024 * 1024
FILE_ENDINGS = [*IMAGE_ENDINGS, ".pdf"]

_PHONE = re.compile(r"\+?[0-9 .()\-]{8,20}")


class TelInput(forms.TextInput):
    input_type = "tel"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _one_line(value: str) -> str:
    return " ".join(nfc(value).split())


class SubmissionForm(forms.Form):
    """A question or a report, as residents fill it in."""

    name = forms.CharField(label="Họ và tên", max_length=100)
    group = forms.CharField(
        label="Tổ dân phố hoặc địa chỉ",
        max_length=200,
        help_text="Ví dụ: Tổ 5. Chỉ cán bộ phường thấy địa chỉ của bạn.",
    )
    phone = forms.CharField(
        label="Số điện thoại", max_length=30, required=False, widget=TelInput()
    )
    email = forms.EmailField(label="Thư điện tử", max_length=254, required=False)
    public_only = forms.BooleanField(
        label="Tôi không cần phường liên hệ riêng, chỉ cần câu trả lời đăng công khai",
        required=False,
    )
    topic = forms.ChoiceField(
        label="Lĩnh vực", choices=[("", "Chọn lĩnh vực"), *Topic.choices]
    )
    title = forms.CharField(label="Tiêu đề", max_length=200)
    place = forms.CharField(
        label="Địa điểm",
        max_length=200,
        required=False,
        help_text="Nơi xảy ra việc bạn phản ánh, ví dụ: trước số 12 ngõ 34 Trần Phú.",
    )
    body = forms.CharField(
        label="Nội dung",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    files = FilesField(label="Ảnh hoặc tệp PDF", required=False)
    consent = forms.BooleanField(
        label="Tôi đồng ý để phường dùng thông tin cá nhân trên để trả lời tôi, "
        "theo chính sách bảo vệ dữ liệu cá nhân",
    )
    # People never see it (hidden, and screen readers are told to leave it).
    trang_web = forms.CharField(label="Để trống ô này", required=False, max_length=200)

    def __init__(self, *args, kind=Kind.QUESTION, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != Kind.REPORT:
            del self.fields["place"]
        if kind == Kind.COMMENT:
            del self.fields["topic"]
            del self.fields["public_only"]
            self.fields["title"].required = False
            self.fields["title"].label = "Điều, khoản được góp ý (nếu có)"
            self.fields["body"].label = "Ý kiến góp ý"
        if kind == Kind.REPORT:
            self.fields["files"].label = "Ảnh hiện trường hoặc tệp PDF (tối đa 3 tệp)"
        else:
            self.fields["files"].label = "Ảnh hoặc tệp PDF kèm theo (nếu có)"
        self.fields["files"].help_text = (
            f"Ảnh JPG, PNG, WebP hoặc tệp PDF, mỗi tệp tối đa "
            f"{readable_size(MAX_FILE_BYTES)}. Chỉ cán bộ phường xem được tệp."
        )
        attributes = {
            "name": {"autocomplete": "name"},
            "group": {"autocomplete": "address-line1"},
            "phone": {"autocomplete": "tel"},
            "email": {"autocomplete": "email"},
            "files": {"accept": ",".join(FILE_ENDINGS)},
            HONEYPOT: {"autocomplete": "off", "tabindex": "-1"},
        }
        for name, attrs in attributes.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update(attrs)
        if MAX_FILES[kind] == 1:
            self.fields["files"].widget = forms.ClearableFileInput(
                attrs={"accept": ",".join(FILE_ENDINGS)}
            )

    def full_clean(self):
        super().full_clean()
        # Each wrong field tells screen readers what is wrong with it.
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
        # A browser never keeps a file input when the page comes back: the
        # files chosen, accepted but not kept, are named to be chosen again.
        self.dropped_files = []
        if self.errors and "files" in self.fields and "files" not in self.errors:
            self.dropped_files = [
                PurePath(f.name).name for f in self.files.getlist("files")
            ]
        if self.dropped_files:
            field_id = self["files"].auto_id
            self.fields["files"].widget.attrs["aria-describedby"] = (
                f"{field_id}_again {field_id}_helptext"
            )

    # Each field as stored.

    def clean_name(self):
        return _one_line(self.cleaned_data["name"])

    def clean_group(self):
        return _one_line(self.cleaned_data["group"])

    def clean_title(self):
        return _one_line(self.cleaned_data["title"])

    def clean_place(self):
        return _one_line(self.cleaned_data["place"])

    def clean_body(self):
        body = nfc(self.cleaned_data["body"]).strip()
        if len(body) < 10:
            raise ValidationError(
                "Nội dung quá ngắn: xin viết rõ hơn (ít nhất 10 ký tự)."
            )
        return body

    def clean_phone(self):
        phone = _one_line(self.cleaned_data["phone"])
        if phone and not _PHONE.fullmatch(phone):
            raise ValidationError(
                "Số điện thoại chỉ gồm chữ số (có thể có dấu cách, dấu chấm), "
                "ví dụ: 0912 345 678."
            )
        return phone

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_files(self):
        files = self.cleaned_data["files"]
        if isinstance(files, list):
            chosen = files
        else:
            chosen = [files] if files else []
        most = MAX_FILES[self.kind]
        if len(chosen) > most:
            raise ValidationError(f"Chỉ gửi được tối đa {most} tệp.")
        for uploaded in chosen:
            name = PurePath(uploaded.name).name
            if PurePath(name).suffix.lower() not in FILE_ENDINGS:
                raise ValidationError(
                    f"Tệp “{name}” không được nhận: chỉ nhận ảnh JPG, PNG, WebP "
                    "hoặc tệp PDF."
                )
            if uploaded.size > MAX_FILE_BYTES:
                raise ValidationError(
                    f"Tệp “{name}” quá lớn ({readable_size(uploaded.size)}): mỗi "
                    f"tệp tối đa {readable_size(MAX_FILE_BYTES)}."
                )
        if sum(f.size for f in chosen) > MAX_TOTAL_BYTES:
            raise ValidationError(
                f"Các tệp cộng lại quá lớn: tối đa {readable_size(MAX_TOTAL_BYTES)}."
            )
        return chosen

    def clean(self):
        data = super().clean()
        if (
            self.kind != Kind.COMMENT
            and not data.get("phone")
            and not data.get("email")
            and not data.get("public_only")
            and "phone" not in self.errors
            and "email" not in self.errors
        ):
            self.add_error(
                "phone",
                "Xin ghi số điện thoại hoặc thư điện tử để phường trả lời bạn, "
                "hoặc đánh dấu ô chỉ cần câu trả lời công khai.",
            )
        return data

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def submission_fields(self) -> dict:
        """The model's fields from the cleaned form."""
        data = self.cleaned_data
        return {
            "kind": self.kind,
            "name": data["name"],
            "group": data["group"],
            "phone": data["phone"],
            "email": data["email"],
            "topic": data.get("topic") or Topic.KHAC,
            "title": data["title"],
            "body": data["body"],
            "place": data.get("place", ""),
        }
