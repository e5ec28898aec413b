"""Wards: one installation serves many, each on its own host names."""

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http.request import split_domain_port

from pictures.checks import stored_path, validate_picture
from pictures.fields import PictureField
from richtext.sanitize import sanitize
from richtext.views import date_folders
from vietnamese.text import nfc, vietnamese_slugify


def normalise_host(host: str) -> str:
    """The form a host name is stored and looked up in: lower case, no port,
    no trailing dot ("WWW.PhucLoi.vn.:443" -> "www.phucloi.vn")."""
    host = host.strip().lower()
    domain, _port = split_domain_port(host)
    # Not a host name at all: kept, for the validator to say so.
    return domain or host


def folder_name(ward_name: str) -> str:
    """The upload folder of a ward: "Phường Phúc Lợi" -> "phuc-loi".
    Never all digits, which would read as one of the editor's date folders."""
    slug = vietnamese_slugify(ward_name).removeprefix("phuong-")[:50].strip("-")
    if not slug:  # A name of signs or another script: "phuong", "phuong-2"…
        return "phuong"
    return f"phuong-{slug}" if slug.isdigit() else slug


validate_folder_name = RegexValidator(
    r"\A(?![0-9]+\Z)[a-z0-9]+(-[a-z0-9]+)*\Z",
    "Tên thư mục chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, "
    "không được toàn chữ số; ví dụ: phuc-loi.",
)

# Blanks that are not spaces to str.split() nor format characters (Cf).
_BLANK_LETTERS = set("\u034f\u115f\u1160\u2800\u3164\uffa0")


def visible_name(name: str) -> str:
    """A name as it shows: NFC, one space between words, without the
    characters that show as nothing (format characters such as zero-width
    spaces and direction marks, fillers, variation selectors)."""
    kept = (
        " " if c in _BLANK_LETTERS else c
        for c in nfc(name)
        if unicodedata.category(c) != "Cf"
        and not ("\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef")
    )
    return " ".join("".join(kept).split())


def name_key(name: str) -> str:
    """Names that look alike have the same key: compatibility forms
    (fullwidth letters), letter case."""
    return unicodedata.normalize("NFKC", name).casefold()


# A number as offices write it: "024 3875 0000", "(024) 3875.0000",
# "+84 912 345 678", "1022"; what a tel: link can carry.
validate_phone = RegexValidator(
    r"\A\+?[0-9 ().-]{3,30}\Z",
    "Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, dấu gạch ngang, dấu "
    "ngoặc và dấu + ở đầu; ví dụ: 024 3875 0000.",
)

# Links readers follow from the footer: web pages only, never javascript:,
# data: or a file on their own computer.
validate_web_link = URLValidator(
    schemes=["http", "https"],
    message="Liên kết phải là địa chỉ một trang web, bắt đầu bằng http:// "
    "hoặc https://, ví dụ: https://dichvucong.gov.vn.",
    # Not "invalid": a form field would put its own words in its place.
    code="not_a_web_page",
)


class WebLinkFormField(forms.URLField):
    """An address typed without a scheme is a https:// one; anything but a
    web page is refused, in one message that says what is wanted."""

    default_validators = [validate_web_link]

    def __init__(self, **kwargs):
        super().__init__(**{"assume_scheme": "https", **kwargs})


class WebLinkField(models.URLField):
    """A link to a web page (http or https only)."""

    default_validators = [validate_web_link]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebLinkFormField, **kwargs})


def one_line(text: str) -> str:
    """A line of plain text as a page shows it: NFC, single-spaced, without
    invisible characters."""
    return visible_name(text)


def logo_path(ward, filename):
    """Each ward's files in a folder of its own."""
    max_length = Ward._meta.get_field("logo").max_length
    return stored_path(f"wards/{ward.slug}/", filename, max_length)


class WardQuerySet(models.QuerySet):
    def claiming(self, host: str):
        """The ward (if any) that has this host name among its own."""
        return self.filter(hosts__host=normalise_host(host))

    def update_or_create_for_host(self, host: str, name: str, **details):
        """The ward answering `host`, made (with the host) or brought up to
        date; ValidationError, and nothing saved, if a value is not valid."""
        with transaction.atomic():
            ward = self.claiming(host).first()
            created = ward is None
            if created:
                ward = self.model(name=name, **details)
            else:
                ward.name = name
                for field, value in details.items():
                    setattr(ward, field, value)
            ward.full_clean()
            ward.save()
            if created:
                ward_host = WardHost(ward=ward, host=host)
                ward_host.full_clean()
                ward_host.save()
        return ward, created

    def for_user(self, user):
        """The wards a staff member works for; every ward for superusers."""
        if user.is_superuser:
            return self.all()
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Ward(models.Model):
    name = models.CharField(
        "tên phường", max_length=100, unique=True, help_text="Ví dụ: Phường Phúc Lợi."
    )
    slug = models.SlugField(
        "thư mục ảnh",
        max_length=60,
        unique=True,
        blank=True,
        validators=[validate_folder_name],
        help_text="Tên thư mục chứa ảnh tải lên của phường; để trống để tạo "
        "từ tên phường. Không đổi được sau khi tạo.",
    )
    is_default = models.BooleanField(
        "phường mặc định",
        default=False,
        help_text="Phục vụ mọi tên miền chưa gán cho phường nào. Chọn ở một "
        "phường khác thì phường mặc định cũ tự bỏ chọn.",
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField(
        "điện thoại", max_length=50, blank=True, validators=[validate_phone]
    )
    hotline = models.CharField(
        "đường dây nóng",
        max_length=50,
        blank=True,
        validators=[validate_phone],
        help_text="Số người dân gọi để phản ánh, kiến nghị; hiện ở trang "
        "“Liên hệ” và chân trang. Ví dụ: 0912 345 678.",
    )
    email = models.EmailField("thư điện tử", blank=True)
    responsible_person = models.CharField(
        "người chịu trách nhiệm",
        max_length=150,
        blank=True,
        help_text="Người chịu trách nhiệm nội dung cổng thông tin, ví dụ: Ông "
        "Nguyễn Văn A – Chủ tịch UBND phường.",
    )
    # The notice a government site carries at its foot (templates/base.html).
    governing_body = models.CharField(
        "cơ quan chủ quản",
        max_length=200,
        blank=True,
        help_text="Ví dụ: Ủy ban nhân dân phường Phúc Lợi.",
    )
    licence = models.CharField(
        "giấy phép số",
        max_length=255,
        blank=True,
        help_text="Giấy phép thiết lập trang thông tin điện tử, nếu phường có; "
        "ví dụ: 125/GP-TTĐT ngày 15/03/2021 của Sở Thông tin và Truyền thông "
        "Hà Nội. Để trống nếu không có.",
    )
    name_en = models.CharField(
        "tên tiếng Anh",
        max_length=100,
        blank=True,
        help_text="Cho trang tiếng Anh (/en/), ví dụ: Phuc Loi Ward. Để trống "
        "thì dùng tên phường viết không dấu.",
    )
    logo = PictureField(
        "biểu trưng (logo)",
        upload_to=logo_path,
        blank=True,
        validators=[validate_picture],
    )
    introduction = models.TextField(
        "giới thiệu",
        blank=True,
        help_text="Nội dung trang “Giới thiệu” của phường.",
    )
    map_url = models.URLField(
        "liên kết bản đồ",
        blank=True,
        max_length=500,
        help_text="Địa chỉ trụ sở trên bản đồ (Google Maps, OpenStreetMap…), "
        "cho trang “Liên hệ”.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="wards",
        verbose_name="cán bộ",
        blank=True,
    )

    objects = WardQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "phường"
        verbose_name_plural = "phường"
        constraints = [
            # Exactly one ward answers the hosts no ward claims.
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="ward_one_default",
                violation_error_message="Đã có một phường mặc định khác.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def clean(self):
        key = name_key(self.name)
        others = Ward.objects.exclude(pk=self.pk).values_list("name", flat=True)
        if any(name_key(name) == key for name in others):
            raise ValidationError({"name": "Đã có phường mang tên này."})
        if self.pk and not self.is_default:
            if Ward.objects.filter(pk=self.pk, is_default=True).exists():
                raise ValidationError(
                    {
                        "is_default": "Luôn cần một phường mặc định: hãy chọn "
                        "phường mặc định mới ở trang của phường đó."
                    }
                )

    def validate_constraints(self, exclude=None):
        # One default at a time: save() hands the role over, so a new
        # default is no violation.
        super().validate_constraints(exclude={*(exclude or ()), "is_default"})

    def save(self, *args, **kwargs):
        self.normalise()
        for attempt in range(3):
            try:
                with transaction.atomic():
                    if self.is_default:
                        Ward.objects.exclude(pk=self.pk).filter(is_default=True).update(
                            is_default=False
                        )
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                # Another save made a default between our update and ours
                # (on PostgreSQL it waited for it): hand over again.
                if not self.is_default or attempt == 2:
                    raise

    def normalise(self):
        self.name = visible_name(self.name)
        self.address = nfc(self.address).strip()
        self.responsible_person = nfc(self.responsible_person).strip()
        for field in ("phone", "hotline", "governing_body", "name_en"):
            setattr(self, field, one_line(getattr(self, field)))
        # Shown as "Giấy phép số …": the words are not typed twice.
        licence = one_line(self.licence)
        if licence.casefold().startswith("giấy phép số"):
            licence = licence[len("giấy phép số") :].lstrip(" :")
        self.licence = licence
        if not self.slug:
            self.slug = self._free_slug()
        self.introduction = sanitize(
            nfc(self.introduction), self.picture_folders
        ).strip()

    def _free_slug(self) -> str:
        base = folder_name(self.name)
        taken = Ward.objects.exclude(pk=self.pk)
        slug, n = base, 1
        while taken.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    @property
    def upload_folder(self) -> str:
        """Where the editor's pictures of this ward go, under MEDIA_ROOT."""
        return f"{settings.CKEDITOR_UPLOAD_PATH.rstrip('/')}/{self.slug}"

    @property
    def picture_folders(self) -> list[str]:
        """The folders its bodies' pictures may come from: its own; for the
        first ward, also the date folders of the pictures uploaded before
        there were wards (the migration made the installation as it was into
        that ward, whichever is default later)."""
        folders = [self.upload_folder]
        first = Ward.objects.order_by("pk").values_list("pk", flat=True).first()
        if first is None or first == self.pk:
            folders += date_folders()
        return folders


class WardLink(models.Model):
    """A link of the footer's "Liên kết" block: the national public service
    portal, the city's portal, others the ward chooses, in its order."""

    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="links", verbose_name="phường"
    )
    title = models.CharField(
        "tên trang", max_length=150, help_text="Ví dụ: Cổng Dịch vụ công quốc gia."
    )
    url = WebLinkField(
        "địa chỉ", max_length=500, help_text="Ví dụ: https://dichvucong.gov.vn."
    )
    order = models.PositiveSmallIntegerField(
        "thứ tự", default=0, help_text="Số nhỏ đứng trước."
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "liên kết ở chân trang"
        verbose_name_plural = "liên kết ở chân trang"

    def __str__(self):
        return self.title

    def clean_fields(self, exclude=None):
        self.title = one_line(self.title)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.title = one_line(self.title)
        super().save(*args, **kwargs)


# Every ward's footer starts with it: the same portal in every city.
NATIONAL_PORTAL = ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/")


validate_host = RegexValidator(
    r"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\Z",
    "Tên miền không hợp lệ: chỉ ghi tên, ví dụ phucloi.hanoi.gov.vn "
    "(không có http://, dấu / hay khoảng trắng).",
)


class WardHost(models.Model):
    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="hosts", verbose_name="phường"
    )
    host = models.CharField(
        "tên miền",
        max_length=253,
        unique=True,
        validators=[validate_host],
        help_text="Ví dụ: phucloi.hanoi.gov.vn (không có http://, không có /).",
        error_messages={"unique": "Tên miền này đã thuộc về một phường khác."},
    )

    class Meta:
        ordering = ["host"]
        verbose_name = "tên miền"
        verbose_name_plural = "tên miền"

    def __str__(self):
        return self.host

    def clean_fields(self, exclude=None):
        self.host = normalise_host(self.host)
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.host = normalise_host(self.host)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A staff member works for a ward, in a role: what they may do there
    (see roles.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ward_memberships",
        verbose_name="cán bộ",
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="phường",
    )
    role = models.ForeignKey(
        "auth.Group",
        on_delete=models.PROTECT,
        related_name="ward_memberships",
        verbose_name="vai trò",
        help_text="Phóng viên viết và gửi duyệt; biên tập viên duyệt, đăng và "
        "gỡ bài của phường.",
    )
    created_at = models.DateTimeField("ngày thêm", auto_now_add=True)

    class Meta:
        ordering = ["ward", "user"]
        verbose_name = "cán bộ của phường"
        verbose_name_plural = "cán bộ của phường"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "ward"],
                name="membership_once",
                violation_error_message="Cán bộ này đã thuộc phường này.",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.ward} ({self.role})"


class InvitationLinks(models.Model):
    """How many set-password links of a member of staff have been ended:
    one more with each new invitation and each deactivation. The count is
    part of the link's token (invitations.py), so a lost or leaked link
    stops working when a new one is sent or the account is closed, and
    reactivating the account does not bring it back."""

    user = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name="cán bộ",
    )
    ended = models.PositiveIntegerField("số liên kết đã hết dùng được", default=0)

    class Meta:
        verbose_name = "liên kết đặt mật khẩu đã hết dùng được"
        verbose_name_plural = "liên kết đặt mật khẩu đã hết dùng được"

    def __str__(self):
        return f"{self.user}: {self.ended}"


class Staff(User):
    """A staff account as the admin's "Cán bộ" shows it: the same row as
    Django's user, managed through ward memberships (wards/staffing.py),
    so the people who add colleagues never meet groups or permissions."""

    class Meta:
        proxy = True
        ordering = ["first_name", "last_name", "username"]
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"

    def __str__(self):
        return display_name(self)


def display_name(user) -> str:
    """Family name first, as Vietnamese write it; the user name for an
    account without one."""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()
