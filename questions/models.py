"""What residents send their ward: questions (Hỏi đáp), reports (phản ánh,
kiến nghị) and comments on a draft document (góp ý dự thảo), one model with
a kind; the ward's answer; the files a resident attached; and the summary of
comments staff publish once a draft's comment period has closed.

Readers see only what ``SubmissionQuerySet.published(ward)`` lets through,
and never a resident's phone, email, address or files: public pages show the
asker as ``Submission.initials``. Staff reach items through ``for_user``.
"""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from documents.models import Document
from files.checks import validate_document
from files.names import storage_name
from numbering.models import take
from numbering.rows import NumberedQuerySet, register
from richtext.sanitize import sanitize
from vietnamese.text import compact_blocks, fold_accents, nfc, plain_text
from wards.models import Membership, Ward

from . import privacy

MAX_BODY = 5000
# The permission that lets a ward's staff member see all of the ward's items
# (editors); without it a member sees only what is assigned to them (writers).
WHOLE_INBOX = "view_ward_submissions"


class Kind(models.TextChoices):
    QUESTION = "cau-hoi", "Câu hỏi"
    REPORT = "phan-anh", "Phản ánh, kiến nghị"
    COMMENT = "gop-y", "Góp ý dự thảo"


# The code's prefix for each kind: HD-2026-000123 (hỏi đáp), PA-…, GY-….
CODE_PREFIXES = {Kind.QUESTION: "HD", Kind.REPORT: "PA", Kind.COMMENT: "GY"}
# The code's number: HD-2026-000123 is the 123rd item received in 2026,
# whatever its kind or ward (numbering/: one counter a year, given one
# caller at a time).
CODE_SERIES = "questions.code"

CODE = re.compile(r"(HD|PA|GY)-\d{4}-\d{6}")
# What a code is once spaces and dashes of any kind (a phone keyboard's en
# dash, a hand-copied "hd 2026 000123") are gone.
_BARE_CODE = re.compile(r"(HD|PA|GY)(\d{4})(\d{6})")
_SPACES_AND_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")


def typed_code(raw: str) -> str:
    """A lookup code as stored ("HD-2026-000123"), however it was typed;
    anything else as typed, upper-cased."""
    bare = _SPACES_AND_DASHES.sub("", raw.upper())
    match = _BARE_CODE.fullmatch(bare)
    return "-".join(match.groups()) if match else " ".join(raw.upper().split())


class Topic(models.TextChoices):
    """Lĩnh vực: what residents ask their ward about."""

    HO_TICH = "ho-tich", "Hộ tịch"
    CU_TRU = "cu-tru", "Cư trú"
    DAT_DAI = "dat-dai-xay-dung", "Đất đai - Xây dựng"
    TRAT_TU_DO_THI = "trat-tu-do-thi", "Trật tự đô thị"
    MOI_TRUONG = "moi-truong", "Môi trường"
    AN_SINH = "an-sinh-xa-hoi", "An sinh xã hội"
    LAO_DONG = "lao-dong-viec-lam", "Lao động - Việc làm"
    Y_TE = "y-te", "Y tế"
    GIAO_DUC = "giao-duc", "Giáo dục"
    VAN_HOA = "van-hoa", "Văn hóa"
    AN_NINH = "an-ninh-trat-tu", "An ninh trật tự"
    THU_TUC = "thu-tuc-hanh-chinh", "Thủ tục hành chính"
    KHAC = "khac", "Khác"


class Status(models.TextChoices):
    NEW = "moi", "Mới"
    IN_PROGRESS = "dang-xu-ly", "Đang xử lý"
    ANSWERED = "da-tra-loi", "Đã trả lời"
    PUBLISHED = "da-dang", "Đã đăng công khai"
    PRIVATE = "khong-cong-khai", "Không công khai"


def clean_rich_text(html: str, ward: Ward) -> str:
    """An answer or report as stored and shown: sanitised as articles'
    bodies are, its pictures the ward's own, whoever wrote it (the admin, a
    command, a test)."""
    if not html.strip():
        return ""
    return compact_blocks(sanitize(nfc(html), ward.picture_folders))


class SubmissionQuerySet(NumberedQuerySet):
    def published(self, ward):
        """What readers of this ward may see: its items staff published,
        and due by now. Every public page, feed, sitemap and search of
        questions starts here. The resident's contact details are not even
        read."""
        return self.filter(
            ward=ward,
            status=Status.PUBLISHED,
            published_at__lte=timezone.now(),
        ).defer(*PRIVATE_FIELDS, "search_folded")

    def counted(self):
        """What a public count (a draft's "Đã nhận N ý kiến góp ý") may
        count: not the held items, sent without the proof of work or with
        many links, which a script sends for nothing from a few addresses."""
        return self.filter(held=False)

    def for_user(self, user):
        """What a staff member may work on: all items of the wards where
        their role has the whole inbox (editors), the items assigned to them
        in their other wards (writers); everything for superusers."""
        if user.is_superuser:
            return self.all()
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        whole = memberships.filter(
            role__permissions__content_type__app_label="questions",
            role__permissions__codename=WHOLE_INBOX,
        ).values("ward")
        return self.filter(
            Q(ward__in=whole) | Q(ward__in=memberships.values("ward"), assignee=user)
        )


# Never read for a public page.
PRIVATE_FIELDS = ["phone", "email", "internal_note", "fingerprint", "submit_token"]
_WORD = re.compile(r"[^\W_]+")


def fingerprint(ward_id, kind, document_id, name, contact, title, body) -> str:
    """What makes two submissions the same one sent twice: same ward, kind,
    document, person and words, whatever the spacing or letter case."""
    parts = [str(ward_id), kind, str(document_id or "")]
    parts += [" ".join(nfc(t).casefold().split()) for t in (name, contact, title, body)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


_GROUP = re.compile(
    r"\b(?:tổ(?:\s+dân\s+phố)?|tdp)\s*(?:số\s*)?(\d{1,3}[a-z]?)\b", re.I
)
# The Q&A's own addresses under /hoi-dap/: no answer may take one as its slug.
RESERVED_SLUGS = {"gui-cau-hoi", "gui-phan-anh", "da-gui", "tra-cuu", "thu-thach"}


class Submission(models.Model):
    Kind = Kind
    Topic = Topic
    Status = Status

    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name="phường",
    )
    # Its place among the ward's questions and reports, 1, 2, 3… as they were made
    # (numbering/): sitemap.xml lists them a range of numbers a page.
    ward_seq = models.PositiveIntegerField("số thứ tự trong phường", editable=False)
    kind = models.CharField("loại", max_length=20, choices=Kind, default=Kind.QUESTION)
    code = models.CharField("mã tra cứu", max_length=20, unique=True, editable=False)

    # The resident.
    name = models.CharField("họ tên", max_length=100)
    group = models.CharField("tổ dân phố hoặc địa chỉ", max_length=200)
    phone = models.CharField("số điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    consent_at = models.DateTimeField("đồng ý xử lý dữ liệu lúc")

    # What they sent.
    topic = models.CharField("lĩnh vực", max_length=30, choices=Topic)
    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung", max_length=MAX_BODY)
    place = models.CharField(
        "địa điểm", max_length=200, blank=True, help_text="Nơi xảy ra việc phản ánh."
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name="dự thảo được góp ý",
    )

    # Handling.
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_submissions",
        verbose_name="cán bộ xử lý",
    )
    answer = models.TextField("trả lời", blank=True)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_submissions",
        verbose_name="người trả lời",
    )
    internal_note = models.TextField(
        "ghi chú nội bộ", blank=True, help_text="Chỉ cán bộ của phường thấy."
    )
    public_question = models.TextField(
        "câu hỏi khi đăng công khai",
        blank=True,
        max_length=MAX_BODY,
        help_text="Để trống để đăng nguyên lời người gửi.",
    )
    slug = models.SlugField("đường dẫn", max_length=200, blank=True)
    published_at = models.DateTimeField("đăng lúc", null=True, blank=True)
    held = models.BooleanField(
        "cần xem lại",
        default=False,
        help_text="Gửi khi trình duyệt không chạy JavaScript, hoặc bị kiểm tra "
        "tự động đánh dấu.",
    )
    held_reason = models.CharField("lý do cần xem lại", max_length=200, blank=True)
    received_at = models.DateTimeField("nhận lúc", default=timezone.now)
    closed_at = models.DateTimeField(
        "kết thúc lúc",
        null=True,
        blank=True,
        help_text="Khi trả lời xong hoặc quyết định không công khai; thời hạn "
        "lưu dữ liệu cá nhân tính từ đây.",
    )
    personal_data_removed_at = models.DateTimeField(
        "đã xóa dữ liệu cá nhân lúc", null=True, blank=True
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    # The same words from the same person (name and phone or email) within a
    # while are one item (fingerprint(); "" without a contact: never
    # folded), and one form sent twice (a double click) is one item (its
    # token).
    fingerprint = models.CharField(max_length=64, editable=False, default="")
    submit_token = models.CharField(
        max_length=64, editable=False, null=True, blank=True, unique=True
    )
    # What the public search reads: the public text (privacy.py: no phone,
    # email, name or address), folded without accents.
    search_folded = models.TextField(editable=False, default="")

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        get_latest_by = "received_at"
        verbose_name = "câu hỏi, phản ánh, góp ý"
        verbose_name_plural = "câu hỏi, phản ánh, góp ý"
        permissions = [
            (WHOLE_INBOX, "Có thể xem mọi câu hỏi, phản ánh, góp ý của phường"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "slug"],
                condition=~Q(slug=""),
                name="submission_slug_per_ward",
                violation_error_message="Phường đã có câu hỏi với đường dẫn này.",
            ),
            # Also the index a sitemap page reads its range of.
            models.UniqueConstraint(
                fields=["ward", "ward_seq"], name="submission_seq_per_ward"
            ),
        ]
        indexes = [
            # /hoi-dap/ and its feed: the ward's published answers, newest
            # first (and ?linh-vuc=… within them).
            models.Index(
                fields=["ward", "status", "-published_at"],
                name="submission_published_idx",
            ),
            models.Index(
                fields=["ward", "topic", "status", "-published_at"],
                name="submission_topic_idx",
            ),
            # The inbox: one ward's items in a state, newest first; the
            # admin index's count of new items.
            models.Index(
                fields=["ward", "status", "-received_at"],
                name="submission_inbox_idx",
            ),
            # A writer's inbox: what is assigned to them.
            models.Index(fields=["assignee", "status"], name="submission_assignee_idx"),
            # Folding duplicates: the same fingerprint lately in the ward.
            models.Index(
                fields=["ward", "fingerprint", "received_at"],
                name="submission_duplicate_idx",
            ),
            # Retention: closed items whose personal data is still kept.
            models.Index(
                fields=["personal_data_removed_at", "closed_at"],
                name="submission_retention_idx",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.normalise()
        if not self.code:
            self.code = self.new_code()
        super().save(*args, **kwargs)

    def normalise(self):
        for field in ("name", "group", "phone", "title", "place"):
            setattr(self, field, " ".join(nfc(getattr(self, field)).split()))
        self.email = self.email.strip().lower()
        if self.slug in RESERVED_SLUGS:
            self.slug = f"{self.slug}-1"
        self.body = nfc(self.body).strip()
        self.public_question = nfc(self.public_question).strip()
        self.answer = clean_rich_text(self.answer, self.ward)
        words = _WORD.findall(
            fold_accents(
                " ".join(
                    [
                        self.public_title,
                        self.public_text,
                        plain_text(self.public_answer),
                    ]
                )
            )
        )
        self.search_folded = " ".join(words)

    def new_code(self) -> str:
        year = timezone.localtime(self.received_at).year
        number = take(CODE_SERIES, year)
        return f"{CODE_PREFIXES[self.kind]}-{year}-{number:06d}"

    def get_absolute_url(self):
        return reverse("questions:detail", kwargs={"slug": self.slug})

    @property
    def is_visible(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def shown_question(self) -> str:
        """The question as readers see it: the text staff edited for
        publication, else the resident's own words."""
        return self.public_question or self.body

    # What public pages show ------------------------------------------------

    def known_personal_data(self) -> dict:
        """What privacy.scrub() hides of this resident (and the ward's own
        numbers it keeps)."""
        return {
            "name": self.name,
            "address": self.group,
            # In running text the name becomes its letters alone: "Chào
            # ông N.V.A.", never "Chào ông Ông/bà N.V.A., tổ 5".
            "initials": self.name_initials,
            "keep": privacy.ward_phones(self.ward),
        }

    def _known(self) -> dict:
        known = self.known_personal_data()
        if self.personal_data_removed_at:
            # The texts were scrubbed with the full name when it was erased
            # (personal_data.forget()); the initials left must not be
            # replaced by themselves.
            del known["name"], known["address"]
        return known

    @property
    def public_title(self) -> str:
        return privacy.scrub(self.title, **self._known())

    @property
    def public_text(self) -> str:
        """The question as readers see it."""
        return privacy.scrub(self.shown_question, **self._known())

    @property
    def public_answer(self) -> str:
        """The answer's HTML (sanitised when saved) as readers see it."""
        return privacy.scrub_html(self.answer, **self._known())

    @property
    def name_initials(self) -> str:
        """The asker's name as its letters: "Nguyễn Văn An" -> "N.V.A."."""
        letters = [w[0].upper() for w in re.split(r"[\s.]+", self.name) if w]
        return ".".join(letters) + "." if letters else ""

    @property
    def initials(self) -> str:
        """The asker as readers see them: "Ông/bà N.V.A., tổ 5". Only the
        tổ dân phố's number is kept of the address; a street address is
        never shown."""
        shown = "Ông/bà " + self.name_initials
        match = _GROUP.search(self.group)
        if match:
            shown += f", tổ {match.group(1)}"
        return shown.strip()


register(Submission, field="ward_seq", scope="ward_id")


def submission_file_path(submission_file, filename):
    """A resident's files in a folder of the ward's, by month, under
    attachments/: nothing there is served to readers (see
    documents.models.document_file_path); staff download them through a view
    that asks for_user()."""
    month = timezone.localdate().strftime("%Y/%m")
    ward = submission_file.submission.ward.slug
    return f"attachments/questions/{ward}/{month}/{storage_name(filename)}"


class SubmissionFile(models.Model):
    """A photo or PDF a resident attached; never shown on a public page."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name="câu hỏi, phản ánh, góp ý",
    )
    file = models.FileField("tệp", upload_to=submission_file_path, max_length=255)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng", default=0)
    content_type = models.CharField("loại tệp", max_length=100, blank=True)
    created_at = models.DateTimeField("ngày tải lên", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "tệp người dân gửi"
        verbose_name_plural = "tệp người dân gửi"

    def __str__(self):
        return self.original_name

    @property
    def ward(self):
        return self.submission.ward


def comment_report_path(report, filename):
    month = timezone.localdate().strftime("%Y/%m")
    ward = report.document.ward.slug
    return f"attachments/comment-reports/{ward}/{month}/{storage_name(filename)}"


class CommentReport(models.Model):
    """Báo cáo tổng hợp ý kiến: what staff publish of the comments a draft
    received, once its comment period has closed."""

    document = models.OneToOneField(
        Document,
        on_delete=models.CASCADE,
        related_name="comment_report",
        verbose_name="dự thảo",
    )
    body = models.TextField("nội dung báo cáo", blank=True)
    file = models.FileField(
        "tệp báo cáo",
        upload_to=comment_report_path,
        max_length=255,
        blank=True,
        validators=[validate_document],
    )
    published = models.BooleanField("đăng công khai", default=False)
    published_at = models.DateTimeField("đăng lúc", null=True, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "báo cáo tổng hợp ý kiến"
        verbose_name_plural = "báo cáo tổng hợp ý kiến"

    def __str__(self):
        return f"Báo cáo tổng hợp ý kiến: {self.document}"

    def clean(self):
        # The report sums up the comments: published while residents may
        # still comment, it would miss theirs.
        if (
            self.published
            and self.document_id
            and self.document.is_draft_for_comment
            and self.document.comment_state != "closed"
        ):
            ends = self.document.comment_ends_on
            raise ValidationError(
                {
                    "published": "Chưa đăng được báo cáo: dự thảo vẫn đang "
                    "nhận góp ý"
                    + (f" đến hết ngày {ends:%d/%m/%Y}" if ends else "")
                    + ". Có thể lưu báo cáo (không đánh dấu “đăng công khai”) "
                    "và đăng khi hết thời gian góp ý."
                }
            )

    def save(self, *args, **kwargs):
        self.body = clean_rich_text(self.body, self.document.ward)
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def ward(self):
        return self.document.ward

    @property
    def public_body(self) -> str:
        """The report as readers see it: no phone or email in it but the
        ward's own."""
        return privacy.scrub_html(self.body, keep=privacy.ward_phones(self.ward))

    @property
    def is_visible(self) -> bool:
        return (
            self.published
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )
