"""The ward's registry of documents (Văn bản): decisions, notices, plans…
each with its number, kind, issuing body, dates, legal state and files.

Readers see only what ``DocumentQuerySet.published(ward)`` lets through; the
search fields are kept by ``Document.normalise()`` and by the files' saves
(``Document.refresh_search()``).
"""

import re
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from files.checks import validate_document
from files.names import display_name, storage_name
from numbering.rows import NumberedQuerySet, register
from vietnamese.text import fold_accents, nfc, vietnamese_slugify
from wards.models import Ward

from . import pdftext

YEARS = range(1945, 2101)
MAX_COUNT = 1_000_000_000
# The words of a document's own text kept for search: a few hundred pages.
# The search words a document keeps, in UTF-8 bytes: PostgreSQL's tsvector
# holds at most 1 MB, and 256 KB of words (each 2 bytes at least, with a
# space) stays well within it whatever the script; a PDF's text beyond that
# is rarely searched for.
MAX_SEARCH_BYTES = 256 * 1024


def within_bytes(text: str, limit: int) -> str:
    """The text cut to at most ``limit`` bytes of UTF-8, at a word's end."""
    data = text.encode()
    if len(data) <= limit:
        return text
    cut = data[:limit].decode(errors="ignore")
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


_WORD = re.compile(r"[^\W_]+")


def number_key(number: str) -> str:
    """A document number as it is searched: its letters and digits, lower
    case, without accents, one space apart. "125/QĐ-UBND", "125/QD-UBND"
    and "125 qđ ubnd" are all "125 qd ubnd"."""
    return " ".join(_WORD.findall(fold_accents(number)))


def folded_words(*texts: str) -> str:
    """The words of the texts, lower case, without accents, one space apart."""
    return " ".join(_WORD.findall(fold_accents(" ".join(texts))))


class Kind(models.TextChoices):
    """Loại văn bản: the kinds of Decree 30/2020/NĐ-CP a ward issues or
    receives, the common ones first."""

    QUYET_DINH = "quyet-dinh", "Quyết định"
    THONG_BAO = "thong-bao", "Thông báo"
    KE_HOACH = "ke-hoach", "Kế hoạch"
    BAO_CAO = "bao-cao", "Báo cáo"
    CONG_VAN = "cong-van", "Công văn"
    NGHI_QUYET = "nghi-quyet", "Nghị quyết"
    CHI_THI = "chi-thi", "Chỉ thị"
    HUONG_DAN = "huong-dan", "Hướng dẫn"
    QUY_CHE = "quy-che", "Quy chế"
    QUY_DINH = "quy-dinh", "Quy định"
    CHUONG_TRINH = "chuong-trinh", "Chương trình"
    TO_TRINH = "to-trinh", "Tờ trình"
    KHAC = "khac", "Khác"


class Issuer(models.TextChoices):
    """Cơ quan ban hành: the ward's own bodies, then higher ones; "Khác"
    with the body's name typed (``issuer_other``)."""

    UBND = "ubnd-phuong", "UBND phường"
    DANG_UY = "dang-uy-phuong", "Đảng ủy phường"
    HDND = "hdnd-phuong", "HĐND phường"
    MTTQ = "mttq-phuong", "Ủy ban MTTQ phường"
    UBND_TP = "ubnd-thanh-pho", "UBND Thành phố"
    HDND_TP = "hdnd-thanh-pho", "HĐND Thành phố"
    THANH_UY = "thanh-uy", "Thành ủy"
    CHINH_PHU = "chinh-phu", "Chính phủ"
    KHAC = "khac", "Khác"


# The ward's own bodies in full, for a name such as "Ủy ban nhân dân phường
# Phúc Lợi" (the Legislation JSON-LD's issuing body).
WARD_BODIES = {
    Issuer.UBND: "Ủy ban nhân dân",
    Issuer.DANG_UY: "Đảng ủy",
    Issuer.HDND: "Hội đồng nhân dân",
    Issuer.MTTQ: "Ủy ban Mặt trận Tổ quốc Việt Nam",
}


class Field(models.TextChoices):
    """Lĩnh vực: what a ward's documents are about."""

    HANH_CHINH = "hanh-chinh", "Hành chính - Nội vụ"
    DAT_DAI = "dat-dai", "Đất đai - Xây dựng"
    TAI_CHINH = "tai-chinh", "Tài chính - Kinh tế"
    TU_PHAP = "tu-phap", "Tư pháp - Hộ tịch"
    VAN_HOA = "van-hoa", "Văn hóa - Thông tin"
    GIAO_DUC = "giao-duc", "Giáo dục"
    Y_TE = "y-te", "Y tế"
    LAO_DONG = "lao-dong", "Lao động - Thương binh và Xã hội"
    MOI_TRUONG = "moi-truong", "Tài nguyên - Môi trường"
    AN_NINH = "an-ninh", "Quốc phòng - An ninh"
    KHAC = "khac", "Khác"


def validate_year(value):
    if value.year not in YEARS:
        raise ValidationError(
            "Năm phải từ %(first)s đến %(last)s.",
            code="out_of_range",
            params={"first": YEARS[0], "last": YEARS[-1]},
        )


SEARCH_FIELDS = ["search_folded"]


class DocumentQuerySet(NumberedQuerySet):
    def published(self, ward):
        """What readers of this ward may see: its documents that are
        published, and due by now. Every page, feed, sitemap and search of
        documents starts here."""
        return self.filter(
            ward=ward,
            status=Document.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        ).defer(*SEARCH_FIELDS)

    def for_user(self, user):
        return self.filter(ward__in=Ward.objects.for_user(user))


class Document(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã đăng"
        WITHDRAWN = "withdrawn", "Đã gỡ"

    class LegalState(models.TextChoices):
        IN_FORCE = "in-force", "Còn hiệu lực"
        EXPIRED = "expired", "Hết hiệu lực"
        REPLACED = "replaced", "Bị thay thế"

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="documents", verbose_name="phường"
    )
    # Its place among the ward's documents, 1, 2, 3… as they were made
    # (numbering/): sitemap.xml lists them a range of numbers a page.
    ward_seq = models.PositiveIntegerField("số thứ tự trong phường", editable=False)
    number = models.CharField(
        "số ký hiệu",
        max_length=100,
        help_text="Như in trên văn bản, ví dụ: 125/QĐ-UBND.",
    )
    number_key = models.CharField(max_length=100, editable=False, default="")
    kind = models.CharField("loại văn bản", max_length=20, choices=Kind)
    issuer = models.CharField("cơ quan ban hành", max_length=20, choices=Issuer)
    issuer_other = models.CharField(
        "tên cơ quan ban hành khác",
        max_length=200,
        blank=True,
        help_text="Khi chọn “Khác”, ví dụ: Sở Tư pháp thành phố Hà Nội.",
    )
    field = models.CharField(
        "lĩnh vực", max_length=20, choices=Field, default=Field.HANH_CHINH
    )
    signer = models.CharField("người ký", max_length=100, blank=True)
    signer_title = models.CharField(
        "chức vụ người ký",
        max_length=100,
        blank=True,
        help_text="Ví dụ: Chủ tịch, Phó Chủ tịch, Bí thư.",
    )
    issued_on = models.DateField(
        "ngày ban hành", validators=[validate_year], help_text="Ngày/tháng/năm."
    )
    effective_on = models.DateField(
        "ngày hiệu lực",
        null=True,
        blank=True,
        validators=[validate_year],
        help_text="Để trống nếu có hiệu lực từ ngày ban hành.",
    )
    legal_state = models.CharField(
        "tình trạng hiệu lực",
        max_length=20,
        choices=LegalState,
        default=LegalState.IN_FORCE,
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name="được thay thế bởi",
        help_text="Văn bản thay thế, khi tình trạng là “Bị thay thế”.",
    )
    summary = models.TextField(
        "trích yếu",
        max_length=2000,
        help_text="Nội dung tóm tắt như in dưới số ký hiệu.",
    )
    slug = models.SlugField(
        "đường dẫn",
        max_length=200,
        blank=True,
        help_text="Để trống để tạo tự động từ loại và số ký hiệu.",
    )
    is_draft_for_comment = models.BooleanField(
        "dự thảo lấy ý kiến",
        default=False,
        help_text="Văn bản đang dự thảo, đưa lên để người dân góp ý.",
    )
    comment_starts_on = models.DateField(
        "lấy ý kiến từ ngày", null=True, blank=True, validators=[validate_year]
    )
    comment_ends_on = models.DateField(
        "lấy ý kiến đến ngày", null=True, blank=True, validators=[validate_year]
    )
    related_documents = models.ManyToManyField(
        "self", blank=True, verbose_name="văn bản liên quan"
    )
    related_articles = models.ManyToManyField(
        "articles.Article",
        blank=True,
        related_name="documents",
        verbose_name="bài viết liên quan",
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        "thời gian đăng",
        default=timezone.now,
        validators=[validate_year],
        help_text="Văn bản chỉ hiện với bạn đọc từ thời điểm này.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name="người nhập",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    view_count = models.PositiveIntegerField("lượt xem", default=0, editable=False)
    download_count = models.PositiveIntegerField("lượt tải", default=0, editable=False)
    # What search reads: the number, trích yếu, signer and the files' own
    # text, folded without accents (documents/search.py).
    search_folded = models.TextField(editable=False, default="")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        get_latest_by = "issued_on"
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        permissions = [
            ("publish_document", "Có thể đăng và gỡ văn bản"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "slug"],
                name="document_slug_per_ward",
                violation_error_message="Phường đã có văn bản với đường dẫn này.",
            ),
            # Also the index a sitemap page reads its range of.
            models.UniqueConstraint(
                fields=["ward", "ward_seq"], name="document_seq_per_ward"
            ),
            # Also the number search's index ("125" finds 125/QĐ-UBND by the
            # key's start). "125/QĐ-UBND" and "125/QD-UBND" are one number (clean() says
            # so to staff; this holds whoever writes).
            models.UniqueConstraint(
                fields=["ward", "number_key"],
                name="document_number_per_ward",
                violation_error_message="Phường đã có văn bản với số ký hiệu này.",
            ),
        ]
        indexes = [
            # /van-ban/: the ward's newest documents by ngày ban hành, and
            # the year filter (a range of it).
            models.Index(
                fields=["ward", "status", "-issued_on", "-id"],
                name="document_ward_newest_idx",
            ),
            # /van-ban/?loai=…, ?co-quan=…, ?linh-vuc=…: one kind's,
            # body's or field's newest.
            models.Index(
                fields=["ward", "kind", "status", "-issued_on", "-id"],
                name="document_kind_newest_idx",
            ),
            models.Index(
                fields=["ward", "issuer", "status", "-issued_on", "-id"],
                name="document_issuer_newest_idx",
            ),
            models.Index(
                fields=["ward", "field", "status", "-issued_on", "-id"],
                name="document_field_newest_idx",
            ),
            # The feed and the sitemap: newest published first.
            models.Index(
                fields=["ward", "status", "-published_at"],
                name="document_published_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    # Saving --------------------------------------------------------------

    def normalise(self):
        self.number = " ".join(nfc(self.number).split())
        self.number_key = number_key(self.number)
        self.issuer_other = " ".join(nfc(self.issuer_other).split())
        self.signer = " ".join(nfc(self.signer).split())
        self.signer_title = " ".join(nfc(self.signer_title).split())
        self.summary = nfc(self.summary).strip()
        if self.issuer != Issuer.KHAC:
            self.issuer_other = ""
        if self.legal_state != self.LegalState.REPLACED:
            self.replaced_by = None
        if not self.is_draft_for_comment:
            self.comment_starts_on = self.comment_ends_on = None
        if not self.slug:
            self.slug = self._unique_slug()

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        if self.issuer == Issuer.KHAC and not self.issuer_other:
            errors["issuer_other"] = "Hãy ghi tên cơ quan ban hành."
        if not self.number_key:
            errors["number"] = "Số ký hiệu cần có chữ hoặc chữ số."
        elif self.ward_id is not None:
            same = Document.objects.filter(
                ward_id=self.ward_id, number_key=self.number_key
            ).exclude(pk=self.pk)
            other = same.first()
            if other is not None:
                errors["number"] = (
                    f"Phường đã có văn bản số {other.number} (cùng số ký hiệu)."
                )
        if self.effective_on and self.issued_on and self.effective_on < self.issued_on:
            errors["effective_on"] = "Ngày hiệu lực không thể trước ngày ban hành."
        if self.legal_state == self.LegalState.REPLACED:
            if self.replaced_by_id is None:
                errors["replaced_by"] = "Hãy chọn văn bản thay thế."
            elif self.replaced_by_id == self.pk:
                errors["replaced_by"] = "Văn bản không thể tự thay thế chính nó."
            elif self.replaced_by.ward_id != self.ward_id:
                errors["replaced_by"] = "Văn bản thay thế phải của cùng phường."
        if self.is_draft_for_comment:
            if not (self.comment_starts_on and self.comment_ends_on):
                errors["comment_ends_on"] = (
                    "Dự thảo lấy ý kiến cần ngày bắt đầu và ngày kết thúc."
                )
            elif self.comment_ends_on < self.comment_starts_on:
                errors["comment_ends_on"] = (
                    "Ngày kết thúc lấy ý kiến không thể trước ngày bắt đầu."
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.normalise()
        self.search_folded = self._search_text()
        super().save(*args, **kwargs)

    def _unique_slug(self) -> str:
        base = vietnamese_slugify(f"{self.get_kind_display()} {self.number}")
        base = base[:190].strip("-") or "van-ban"
        others = Document.objects.filter(ward_id=self.ward_id).exclude(pk=self.pk)
        slug, n = base, 1
        while others.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _search_text(self, file_texts=None) -> str:
        if file_texts is None:
            file_texts = (
                list(self.files.values_list("text", flat=True)) if self.pk else []
            )
        words = folded_words(
            self.number,
            self.get_kind_display(),
            self.summary,
            self.signer,
            *file_texts,
        )
        return within_bytes(words, MAX_SEARCH_BYTES)

    def refresh_search(self) -> None:
        """Read the files' text into the search words again (a file was
        added, replaced or removed)."""
        Document.objects.filter(pk=self.pk).update(search_folded=self._search_text())

    # Reading -------------------------------------------------------------

    def get_absolute_url(self):
        return reverse("documents:detail", kwargs={"slug": self.slug})

    @property
    def issuer_name(self) -> str:
        """The issuing body as readers see it in the table."""
        if self.issuer == Issuer.KHAC:
            return self.issuer_other or Issuer.KHAC.label
        return self.get_issuer_display()

    def issuer_full_name(self) -> str:
        """The body in full: "Ủy ban nhân dân phường Phúc Lợi"."""
        body = WARD_BODIES.get(self.issuer)
        if body is None:
            return self.issuer_name
        ward_name = self.ward.name
        return f"{body} {ward_name[:1].lower()}{ward_name[1:]}"

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED and self.published_at > timezone.now()
        )

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_scheduled

    @property
    def not_yet_effective(self) -> bool:
        """In force from a day still to come: "Có hiệu lực từ …"."""
        return (
            self.effective_on is not None
            and self.effective_on > timezone.localdate()
            and self.legal_state == self.LegalState.IN_FORCE
        )

    @property
    def comment_state(self) -> str:
        """Where a draft for comment stands: "open", "upcoming" or "closed"."""
        today = timezone.localdate()
        if self.comment_starts_on and today < self.comment_starts_on:
            return "upcoming"
        if self.comment_ends_on and today > self.comment_ends_on:
            return "closed"
        return "open"


register(Document, field="ward_seq", scope="ward_id")


def document_file_path(document_file, filename):
    """Each ward's documents in a folder of its own, by month, under
    attachments/: the media view and nginx serve nothing there, so a file
    goes out only through the views that ask published(ward) (a draft's
    file, or another ward's, has no address of its own)."""
    month = timezone.localdate().strftime("%Y/%m")
    ward = document_file.document.ward.slug
    return f"attachments/documents/{ward}/{month}/{storage_name(filename)}"


class DocumentFile(models.Model):
    """A file of a document: the signed PDF, the DOCX of a draft, an annex."""

    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name="văn bản",
    )
    file = models.FileField(
        "tệp",
        upload_to=document_file_path,
        max_length=255,
        validators=[validate_document],
    )
    name = models.CharField(
        "tên hiển thị",
        max_length=200,
        blank=True,
        help_text="Để trống để dùng tên tệp tải lên.",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    size = models.PositiveBigIntegerField("dung lượng", default=0, editable=False)
    # The PDF's own text (empty for a scan or another kind of file).
    text = models.TextField("chữ trong tệp", blank=True, editable=False)
    created_at = models.DateTimeField("ngày tải lên", auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "tệp văn bản"
        verbose_name_plural = "tệp văn bản"

    def __str__(self):
        return self.name

    @property
    def ward(self):
        """Its document's ward: what roles and the page cache ask."""
        return self.document.ward

    @property
    def is_pdf(self) -> bool:
        return PurePosixPath(self.file.name).suffix.lower() == ".pdf"

    def save(self, *args, **kwargs):
        self.name = display_name(
            nfc(self.name).strip() or PurePosixPath(self.file.name).name
        )
        if self.file and not self.file._committed:
            self.size = self.file.size
            text = pdftext.extract(self.file) if self.is_pdf else ""
            self.text = within_bytes(text, MAX_SEARCH_BYTES)
        super().save(*args, **kwargs)
        self.document.refresh_search()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.document.refresh_search()
        return result
