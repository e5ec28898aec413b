"""Procedures, their forms, and a ward's own details of a shared procedure.

A procedure without a ward is shared: the whole installation's, kept by the
city's IT (superusers) and shown by every ward. A procedure with a ward is
that ward's own. ``published(ward)`` is the one gate readers go through.
"""

from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from files import names
from files.checks import readable_size, type_label, validate_document
from files.names import display_name, storage_name
from richtext.sanitize import sanitize
from vietnamese.text import (
    compact_blocks,
    fold_accents,
    nfc,
    search_words,
    vietnamese_slugify,
)
from wards.models import Ward

# The national code of a procedure: "1.001193", "2.000908".
validate_code = RegexValidator(
    r"\A[0-9]{1,3}(\.[0-9]{1,9}){1,3}\Z",
    "Mã thủ tục gồm các nhóm chữ số cách nhau bằng dấu chấm, như trên Cổng "
    "Dịch vụ công quốc gia, ví dụ: 1.001193.",
)

# The rich text fields: cleaned by the allow-list when saved.
RICH_FIELDS = ["steps", "documents", "fees", "legal_basis"]
# The one-line and multi-line plain text fields: stored NFC, trimmed.
PLAIN_FIELDS = [
    "name",
    "field",
    "applicants",
    "time_limit",
    "result",
    "submission_place",
    "contact",
]


def portal_url(code: str) -> str:
    """The procedure's page on the national public service portal, by its
    code (settings.PROCEDURE_PORTAL_URL, checked at start to hold {code})."""
    return settings.PROCEDURE_PORTAL_URL.replace("{code}", quote(code, safe="."))


def portal_home() -> str:
    """The national portal's home page: the procedure pattern's origin."""
    parts = urlsplit(settings.PROCEDURE_PORTAL_URL)
    return f"{parts.scheme}://{parts.netloc}/"


class ProcedureQuerySet(models.QuerySet):
    def published(self, ward):
        """What readers of this ward may see: the shared procedures and the
        ward's own, published; each with the ward's own details of it
        (``ward_details``: a list of none or one) to apply.

        The one place that decides it: the list, the page, the sitemap and
        search start here, and none can forget the ward, which it takes.
        """
        details = WardProcedureDetails.objects.filter(ward=ward)
        return (
            self.filter(Q(ward=ward) | Q(ward__isnull=True))
            .filter(status=Procedure.Status.PUBLISHED)
            .defer("search_folded")
            .prefetch_related(
                Prefetch("ward_details", queryset=details, to_attr="details_here")
            )
        )

    def for_user(self, user):
        """The procedures a staff member may see in the admin: the shared
        ones and their wards' own."""
        return self.filter(
            Q(ward__in=Ward.objects.for_user(user)) | Q(ward__isnull=True)
        )


class Procedure(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        REVIEW = "review", "Chờ duyệt"
        PUBLISHED = "published", "Đã đăng"
        WITHDRAWN = "withdrawn", "Ngừng hiển thị"

    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name="phường",
        help_text="Để trống: thủ tục dùng chung cho mọi phường.",
    )
    name = models.CharField("tên thủ tục", max_length=255)
    slug = models.SlugField(
        "đường dẫn",
        max_length=255,
        blank=True,
        help_text="Để trống để tạo tự động từ tên thủ tục.",
    )
    code = models.CharField(
        "mã thủ tục",
        max_length=30,
        blank=True,
        validators=[validate_code],
        help_text="Mã trên Cổng Dịch vụ công quốc gia, ví dụ: 1.001193. Có mã "
        "thì trang thủ tục có nút “Nộp hồ sơ trực tuyến”.",
    )
    field = models.CharField(
        "lĩnh vực", max_length=100, help_text="Ví dụ: Hộ tịch, Chứng thực, Cư trú."
    )
    field_slug = models.SlugField(max_length=100, editable=False, default="")
    applicants = models.TextField(
        "đối tượng thực hiện",
        blank=True,
        help_text="Ví dụ: Công dân Việt Nam cư trú trên địa bàn phường.",
    )
    steps = models.TextField("trình tự thực hiện", blank=True)
    in_person = models.BooleanField("nộp trực tiếp", default=True)
    online = models.BooleanField("nộp trực tuyến", default=False)
    by_post = models.BooleanField("nộp qua bưu chính", default=False)
    documents = models.TextField(
        "thành phần hồ sơ",
        blank=True,
        help_text="Giấy tờ người dân cần chuẩn bị, mỗi loại một dòng; ghi rõ "
        "bản chính hay bản sao, số lượng.",
    )
    time_limit = models.CharField(
        "thời hạn giải quyết",
        max_length=255,
        blank=True,
        help_text="Ví dụ: Ngay trong ngày làm việc; 03 ngày làm việc.",
    )
    fees = models.TextField("phí, lệ phí", blank=True)
    result = models.TextField(
        "kết quả thực hiện", blank=True, help_text="Ví dụ: Giấy khai sinh."
    )
    submission_place = models.TextField(
        "nơi nộp hồ sơ",
        blank=True,
        help_text="Thủ tục dùng chung: nơi nộp chung; mỗi phường ghi nơi nộp "
        "của mình ở “Nơi nộp, liên hệ của phường”.",
    )
    contact = models.TextField(
        "liên hệ", blank=True, help_text="Bộ phận, cán bộ và số điện thoại giải đáp."
    )
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.DRAFT
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    # What search reads: name, code and field, folded without accents.
    search_folded = models.TextField(editable=False, default="")

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["field", "name", "id"]
        get_latest_by = "updated_at"
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        permissions = [
            ("publish_procedure", "Có thể đăng và ngừng hiển thị thủ tục hành chính"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "slug"],
                name="procedure_slug_per_ward",
                violation_error_message="Phường đã có thủ tục với đường dẫn này.",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(ward__isnull=True),
                name="shared_procedure_slug",
                violation_error_message="Đã có thủ tục dùng chung với đường dẫn này.",
            ),
        ]
        indexes = [
            # The list (published(ward)): the ward's own and the shared
            # (ward IS NULL) published procedures, by field and name; the
            # field filter narrows it by field_slug.
            models.Index(
                fields=["status", "ward", "field_slug", "name"],
                name="procedure_list_idx",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.ward_id is None

    @property
    def ward_id_shown(self):
        """Whose pages show it: the ward's, or every ward's (None)."""
        return self.ward_id

    @property
    def is_visible(self) -> bool:
        return self.status == Procedure.Status.PUBLISHED

    def normalise(self):
        for name in PLAIN_FIELDS:
            setattr(self, name, nfc(getattr(self, name)).strip())
        self.name = " ".join(self.name.split())
        self.field = " ".join(self.field.split())
        self.code = self.code.strip()
        # A ward's own procedure takes pictures from its folders; a shared
        # one from anywhere in the uploads.
        folders = self.ward.picture_folders if self.ward_id else None
        for name in RICH_FIELDS:
            html = nfc(getattr(self, name))
            setattr(self, name, compact_blocks(sanitize(html, folders)))
        self.field_slug = vietnamese_slugify(self.field)[:100] or "khac"
        if not self.slug:
            self.slug = self._free_slug()
        self.search_folded = fold_accents(
            search_words(self.name, self.code, self.field)
        )

    def _clashing(self):
        """The procedures whose slug this one may not take: on a ward's
        pages, its own and the shared ones share one address space."""
        others = Procedure.objects.exclude(pk=self.pk)
        if self.ward_id is None:
            return others  # Shown by every ward: no ward's own may clash.
        return others.filter(Q(ward_id=self.ward_id) | Q(ward__isnull=True))

    def _free_slug(self) -> str:
        base = vietnamese_slugify(self.name)[:240].strip("-") or "thu-tuc"
        taken = set(
            self._clashing()
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if not (self.in_person or self.online or self.by_post):
            raise ValidationError(
                "Hãy chọn ít nhất một cách nộp hồ sơ: trực tiếp, trực tuyến hoặc "
                "qua bưu chính."
            )
        if self.slug and self._clashing().filter(slug=self.slug).exists():
            raise ValidationError(
                {
                    "slug": "Đường dẫn này đã có thủ tục khác dùng (của phường "
                    "hoặc dùng chung). Hãy đổi đường dẫn hoặc để trống."
                }
            )

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("procedures:detail", kwargs={"slug": self.slug})

    @property
    def portal_url(self) -> str:
        """ "Nộp hồ sơ trực tuyến": its page on the national portal."""
        return portal_url(self.code) if self.code else ""

    @property
    def methods(self) -> list[str]:
        """Cách thức thực hiện, in words."""
        return [
            label
            for wanted, label in (
                (self.in_person, "Trực tiếp"),
                (self.online, "Trực tuyến"),
                (self.by_post, "Qua bưu chính"),
            )
            if wanted
        ]

    def details_for(self, ward):
        """The ward's own details of this shared procedure, or None: what
        published(ward) prefetched, else asked."""
        if self.ward_id is not None or ward is None:
            return None
        found = getattr(self, "details_here", None)
        if found is None:
            return WardProcedureDetails.objects.filter(
                procedure=self, ward=ward
            ).first()
        return found[0] if found else None

    def shown_in(self, ward) -> "Procedure":
        """The procedure as the ward's readers see it: a shared one with the
        ward's own submission place and contact, where it set them."""
        details = self.details_for(ward)
        if details is not None:
            if details.submission_place:
                self.submission_place = details.submission_place
            if details.contact:
                self.contact = details.contact
        return self


class WardProcedureDetails(models.Model):
    """A ward's own details of a shared procedure: where its residents hand
    the papers in and whom they ask. Edited by the ward's editors."""

    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="ward_details",
        verbose_name="thủ tục dùng chung",
        limit_choices_to={"ward__isnull": True},
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="procedure_details",
        verbose_name="phường",
    )
    submission_place = models.TextField(
        "nơi nộp hồ sơ tại phường",
        blank=True,
        help_text="Ví dụ: Bộ phận Tiếp nhận và trả kết quả, tầng 1 trụ sở UBND "
        "phường, số 1 phố Phúc Lợi; sáng 8:00–11:30, chiều 13:30–17:00.",
    )
    contact = models.TextField(
        "liên hệ tại phường",
        blank=True,
        help_text="Cán bộ phụ trách và số điện thoại giải đáp.",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        ordering = ["procedure__field", "procedure__name"]
        verbose_name = "nơi nộp, liên hệ của phường"
        verbose_name_plural = "nơi nộp, liên hệ của phường (thủ tục dùng chung)"
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "ward"],
                name="procedure_details_once_per_ward",
                violation_error_message="Phường đã có nơi nộp, liên hệ cho thủ "
                "tục này: hãy sửa mục đã có.",
            ),
        ]

    def __str__(self):
        return f"{self.procedure} – {self.ward}" if self.procedure_id else "—"

    @property
    def ward_id_shown(self):
        return self.ward_id

    def clean(self):
        super().clean()
        self.submission_place = nfc(self.submission_place).strip()
        self.contact = nfc(self.contact).strip()
        if self.procedure_id and self.procedure.ward_id is not None:
            raise ValidationError(
                {
                    "procedure": "Chỉ thủ tục dùng chung mới có nơi nộp riêng của "
                    "phường; thủ tục của phường thì sửa ngay trong thủ tục."
                }
            )

    def save(self, *args, **kwargs):
        self.submission_place = nfc(self.submission_place).strip()
        self.contact = nfc(self.contact).strip()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.procedure.get_absolute_url()


def form_path(form, filename):
    """Under attachments/, which is never served as it is (only through the
    download view, which asks whether the procedure is published)."""
    procedure = form.procedure
    folder = procedure.ward.slug if procedure.ward_id else "chung"
    month = timezone.localdate().strftime("%Y/%m")
    return f"attachments/thu-tuc/{folder}/{month}/{storage_name(filename)}"


class ProcedureForm(models.Model):
    """A form (biểu mẫu, tờ khai) residents download to fill in."""

    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        related_name="forms",
        verbose_name="thủ tục",
    )
    file = models.FileField(
        "tệp", upload_to=form_path, max_length=255, validators=[validate_document]
    )
    name = models.CharField(
        "tên biểu mẫu",
        max_length=200,
        blank=True,
        help_text="Ví dụ: Tờ khai đăng ký khai sinh. Để trống để dùng tên tệp.",
    )
    size = models.PositiveBigIntegerField("dung lượng", default=0, editable=False)
    created_at = models.DateTimeField("ngày tải lên", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "biểu mẫu"
        verbose_name_plural = "biểu mẫu, tờ khai"

    def __str__(self):
        return self.name

    @property
    def ward(self):
        """The procedure's ward (roles ask it of the object)."""
        return self.procedure.ward if self.procedure_id else None

    @property
    def ward_id_shown(self):
        try:
            return self.procedure.ward_id
        except Procedure.DoesNotExist:
            return None

    def save(self, *args, **kwargs):
        self.name = display_name(
            self.name.strip() or PurePosixPath(self.file.name).name
        )
        if self.file and not self.file._committed:
            self.size = self.file.size
        super().save(*args, **kwargs)

    @property
    def download_name(self) -> str:
        """The name the reader's browser saves the file under."""
        return names.download_name(self.name, self.file.name)

    def get_absolute_url(self):
        """The download: only while the procedure is published."""
        filename = names.storage_name(self.download_name)
        return reverse("procedures:form", kwargs={"pk": self.pk, "filename": filename})

    @property
    def type_label(self) -> str:
        return type_label(self.file.name)

    @property
    def size_label(self) -> str:
        return readable_size(self.size)
