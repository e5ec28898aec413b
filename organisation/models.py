"""The ward's organisation (Cơ cấu tổ chức): its bodies (Đảng ủy, HĐND,
UBND, Ủy ban MTTQ, the mass organisations) with their functions and tasks,
and the people of each, in the order the ward sets.

A body is published by an editor; its people are shown with it. Readers
only ever see what published(ward) lets through.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from pictures.checks import stored_path, validate_picture
from pictures.fields import PictureField
from richtext.sanitize import sanitize
from vietnamese.text import compact_blocks, nfc, vietnamese_slugify
from wards.models import Ward, one_line, validate_phone


def rich_text(html: str, folders=None) -> str:
    """Functions and tasks as stored and shown: sanitised, as an article's
    body is, its pictures from ``folders`` (the ward's) only."""
    return compact_blocks(sanitize(nfc(html), folders))


class BodyQuerySet(models.QuerySet):
    def published(self, ward):
        """What readers of this ward may see: its published bodies. The one
        gate: the pages, the contact block and the English page start here."""
        return self.filter(ward=ward, status=Body.Status.PUBLISHED)

    def for_user(self, user):
        return self.filter(ward__in=Ward.objects.for_user(user))


class Body(models.Model):
    """One body of the ward: Đảng ủy phường, Ủy ban nhân dân phường…"""

    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        REVIEW = "review", "Chờ duyệt"
        PUBLISHED = "published", "Đã đăng"

    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="bodies",
        verbose_name="phường",
    )
    name = models.CharField(
        "tên cơ quan, tổ chức",
        max_length=150,
        help_text="Ví dụ: Đảng ủy phường, Ủy ban nhân dân phường.",
    )
    slug = models.SlugField(
        "đường dẫn",
        max_length=100,
        blank=True,
        help_text="Phần sau dấu # trong địa chỉ, không dấu; để trống để tạo "
        "từ tên, ví dụ: uy-ban-nhan-dan-phuong.",
    )
    order = models.PositiveSmallIntegerField(
        "thứ tự", default=0, help_text="Số nhỏ đứng trước trên trang."
    )
    functions = models.TextField("chức năng, nhiệm vụ", blank=True)
    name_en = models.CharField(
        "tên tiếng Anh",
        max_length=150,
        blank=True,
        help_text="Cho trang tiếng Anh, ví dụ: People's Committee of the Ward. "
        "Để trống thì trang tiếng Anh ghi tên tiếng Việt.",
    )
    functions_en = models.TextField(
        "chức năng, nhiệm vụ (tiếng Anh)",
        blank=True,
        help_text="Để trống thì trang tiếng Anh dẫn người đọc sang trang tiếng Việt.",
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.DRAFT
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "cơ quan, tổ chức"
        verbose_name_plural = "cơ quan, tổ chức"
        permissions = [
            ("publish_body", "Có thể đăng và gỡ cơ quan, tổ chức (cơ cấu tổ chức)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "slug"],
                name="org_body_slug_per_ward",
                violation_error_message="Phường đã có cơ quan với đường dẫn này.",
            ),
            models.UniqueConstraint(
                fields=["ward", "name"],
                name="org_body_name_per_ward",
                violation_error_message="Phường đã có cơ quan, tổ chức với tên này.",
            ),
        ]
        indexes = [
            # /co-cau-to-chuc/ and /en/: the ward's published bodies, in its
            # order.
            models.Index(
                fields=["ward", "status", "order"], name="org_body_published_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def normalise(self):
        self.name = one_line(self.name)
        self.name_en = one_line(self.name_en)
        folders = self.ward.picture_folders if self.ward_id else None
        self.functions = rich_text(self.functions, folders)
        self.functions_en = rich_text(self.functions_en, folders)
        if not self.slug:
            self.slug = self._free_slug()

    def _free_slug(self) -> str:
        max_length = Body._meta.get_field("slug").max_length
        base = vietnamese_slugify(self.name)[: max_length - 8].strip("-") or "co-quan"
        others = Body.objects.filter(ward_id=self.ward_id).exclude(pk=self.pk)
        slug, n = base, 1
        while others.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("organisation:index") + f"#{self.slug}"

    @property
    def is_published(self) -> bool:
        return self.status == Body.Status.PUBLISHED


class PersonQuerySet(models.QuerySet):
    def published(self, ward):
        """The people readers of this ward may see: those of its published
        bodies."""
        return self.filter(
            ward=ward, body__ward=ward, body__status=Body.Status.PUBLISHED
        )

    def in_page_order(self):
        """As the organisation page lists them: body by body, each body's
        people in its order."""
        return self.select_related("body").order_by(
            "body__order", "body_id", "order", "pk"
        )


def photo_path(person, filename):
    """Each ward's photos in a folder of their own."""
    month = timezone.localdate().strftime("%Y/%m")
    folder = f"organisation/{person.body.ward.slug}/{month}/"
    return stored_path(folder, filename, Person._meta.get_field("photo").max_length)


class Person(models.Model):
    """Someone of a body: họ tên, chức vụ, how to reach them."""

    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="organisation_people",
        verbose_name="phường",
        editable=False,
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name="cơ quan, tổ chức",
    )
    name = models.CharField("họ và tên", max_length=100)
    title = models.CharField(
        "chức vụ",
        max_length=200,
        help_text="Ví dụ: Bí thư Đảng ủy phường.",
    )
    title_en = models.CharField(
        "chức vụ (tiếng Anh)",
        max_length=200,
        blank=True,
        help_text="Ví dụ: Secretary of the Ward Party Committee.",
    )
    phone = models.CharField(
        "điện thoại", max_length=50, blank=True, validators=[validate_phone]
    )
    email = models.EmailField("thư điện tử công vụ", blank=True)
    photo = PictureField(
        "ảnh chân dung",
        upload_to=photo_path,
        blank=True,
        validators=[validate_picture],
    )
    order = models.PositiveSmallIntegerField(
        "thứ tự", default=0, help_text="Số nhỏ đứng trước."
    )
    is_leader = models.BooleanField(
        "lãnh đạo phường",
        default=False,
        help_text="Hiện trong khối “Lãnh đạo phường”.",
    )
    handles_contacts = models.BooleanField(
        "người phụ trách tiếp nhận liên hệ",
        default=False,
        help_text="Hiện ở trang “Liên hệ”, là người người dân liên hệ.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "người"
        verbose_name_plural = "lãnh đạo, cán bộ"
        indexes = [
            # The organisation page: each body's people, in its order.
            models.Index(fields=["body", "order"], name="org_person_body_order_idx"),
            # leaders(): the ward's leaders block.
            models.Index(
                fields=["ward", "order"],
                condition=models.Q(is_leader=True),
                name="org_person_leader_idx",
            ),
            # contact_people(): "Liên hệ".
            models.Index(
                fields=["ward", "order"],
                condition=models.Q(handles_contacts=True),
                name="org_person_contact_idx",
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.title}" if self.title else self.name

    def normalise(self):
        if self.body_id is not None:
            # A person is in their body's ward, whatever else was asked.
            self.ward_id = self.body.ward_id
        for field in ("name", "title", "title_en", "phone"):
            setattr(self, field, one_line(getattr(self, field)))

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    @property
    def phone_link(self) -> str:
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+")
