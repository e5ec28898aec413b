"""A person's request about their data (Decree 13/2023/NĐ-CP), in the
inbox's admin: their items found by phone, email or lookup code, exported as JSON or CSV
or their personal data erased, by superusers and the ward's editors, each
step recorded in the items' history (questions/personal_data.py does the
work)."""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from activity import log as activity
from activity.models import Entry
from wards.staff import user_wards

from . import handling, personal_data
from .models import CODE, Submission, typed_code

logger = logging.getLogger(__name__)


class PersonalDataRequests:
    """For the inbox's ModelAdmin: the page "Dữ liệu cá nhân theo yêu cầu"
    (its URL is the admin's get_urls())."""

    def personal_data_view(self, request):
        """Export or erase one person's items, found by phone, email or code, in
        the wards where the user may handle such requests. Each export and
        erasure is recorded in the items' history."""
        wards = [
            w
            for w in user_wards(request)
            if handling.may_handle_requests(request.user, w)
        ]
        if not wards:
            raise PermissionDenied
        # Posted, never in the address: a phone number or email in a URL
        # would stay in the server's logs and the browser's history.
        form = PersonRequestForm(request.POST or None)
        items = []
        if form.is_bound and form.is_valid():
            items = list(
                personal_data.person_items(
                    Submission.objects.filter(ward__in=wards),
                    phone=form.cleaned_data["phone"],
                    email=form.cleaned_data["email"],
                    code=form.cleaned_data["code"],
                ).prefetch_related("files")
            )
            if request.method == "POST":
                # The button pressed: "json", "csv" or "erase".
                for kind in ("json", "csv"):
                    if kind in request.POST:
                        return self.export(request, items, kind)
                if "erase" in request.POST:
                    return self.erase(request, items)
        context = {
            **self.admin_site.each_context(request),
            "title": "Dữ liệu cá nhân theo yêu cầu của người dân",
            "opts": self.model._meta,
            "form": form,
            "items": items,
            "searched": form.is_bound and form.is_valid(),
        }
        return TemplateResponse(
            request, "admin/questions/submission/personal_data.html", context
        )

    @staticmethod
    def record(request, action, items, detail):
        """The staff activity log keeps each export and erasure, ward by
        ward, for superusers (activity/)."""
        wards = {}
        for item in items:
            wards.setdefault(item.ward_id, []).append(item.code)
        for ward_id, codes in wards.items():
            activity.record(
                request, action, ward=ward_id, target=", ".join(codes), detail=detail
            )

    def export(self, request, items, kind):
        if kind == "json":
            body, content_type = personal_data.export_json(items), "application/json"
        else:
            body, content_type = personal_data.export_csv(items), "text/csv"
        for item in items:
            self.log_change(
                request, item, f"Xuất dữ liệu cá nhân theo yêu cầu ({kind.upper()})."
            )
        self.record(request, Entry.Action.PERSONAL_DATA_EXPORTED, items, kind.upper())
        logger.info(
            "Personal data exported by %s: %s",
            request.user.get_username(),
            ", ".join(item.code for item in items),
        )
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="du-lieu-ca-nhan-{stamp}.{kind}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def erase(self, request, items):
        now = timezone.now()
        for item in items:
            personal_data.forget(item, now=now)
            self.log_change(request, item, "Xóa dữ liệu cá nhân theo yêu cầu.")
        self.record(request, Entry.Action.PERSONAL_DATA_ERASED, items, "")
        logger.info(
            "Personal data erased by %s: %s",
            request.user.get_username(),
            ", ".join(item.code for item in items),
        )
        self.message_user(
            request,
            f"Đã xóa dữ liệu cá nhân của {len(items)} mục (họ tên chỉ còn chữ "
            "cái đầu, địa chỉ chỉ còn tổ dân phố; số điện thoại, email và tệp đã "
            "xóa). Câu hỏi và trả lời vẫn giữ, nhưng số điện thoại, email, số "
            "căn cước và họ tên viết trong đó đã được ẩn.",
            messages.SUCCESS,
        )
        return redirect("admin:questions_submission_personal_data")


class PersonRequestForm(forms.Form):
    phone = forms.CharField(label="Số điện thoại", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False)
    code = forms.CharField(
        label="Mã tra cứu",
        max_length=40,
        required=False,
        help_text="Cho người gửi không ghi số điện thoại hay email (thường là "
        "người góp ý dự thảo): mã trên giấy hoặc trang báo đã gửi, ví dụ "
        "GY-2026-000123.",
    )

    def clean_code(self):
        code = typed_code(self.cleaned_data["code"])
        if code and not CODE.fullmatch(code):
            raise forms.ValidationError(
                "Mã tra cứu gồm HD, PA hoặc GY, năm và sáu chữ số, ví dụ "
                "GY-2026-000123."
            )
        return code

    def clean(self):
        cleaned = super().clean()
        phone, email = cleaned.get("phone", ""), cleaned.get("email", "")
        if "code" in self.errors or cleaned.get("code"):
            return cleaned
        if not email and len(personal_data.phone_key(phone or "")) < 6:
            raise forms.ValidationError(
                "Hãy nhập số điện thoại (ít nhất 6 chữ số) hoặc email người dân "
                "đã dùng khi gửi, hoặc mã tra cứu của mục đã gửi."
            )
        return cleaned
