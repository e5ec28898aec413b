"""A ward's work schedule (lịch công tác): what its leaders do each day of
the week, and the days the ward receives citizens (tiếp công dân)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from vietnamese.text import nfc
from wards.models import Ward

from .weeks import FIRST_YEAR, LAST_YEAR, Week, day_label

# The week's schedule counts as published when its first entry is; what is
# published or changed within this time after is the same publishing (an
# editor publishing the entries one by one), not an update to announce.
PUBLISHING_GRACE = timedelta(minutes=30)

# What readers see of an entry: a change to any of these is a change to the
# schedule ("Cập nhật lúc …"); publishing, who did it and when do not count.
SHOWN_FIELDS = [
    "day",
    "start",
    "end",
    "kind",
    "content",
    "chair",
    "participants",
    "place",
]


def validate_day(value):
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            "Ngày phải trong các năm từ %(first)s đến %(last)s.",
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def one_line(text: str) -> str:
    """NFC, one space between words: a name or place as it shows."""
    return " ".join(nfc(text).split())


def paragraphs(text: str) -> str:
    """NFC, lines kept (a list of participants), each trimmed, no blank runs."""
    lines = [one_line(line) for line in nfc(text).splitlines()]
    return "\n".join(line for line in lines if line)


class EntryQuerySet(models.QuerySet):
    def published(self, ward):
        """What readers of this ward may see: its entries that are
        published, as of now. The one gate: every page, block and sitemap
        starts here."""
        return self.filter(
            ward=ward,
            status=Entry.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        )

    def of_week(self, week: Week):
        return self.filter(day__range=(week.monday, week.sunday)).order_by(
            "day", "start", "id"
        )

    def receptions(self):
        return self.filter(kind=Entry.Kind.RECEPTION)


class Entry(models.Model):
    class Kind(models.TextChoices):
        WORK = "work", "Công tác"
        RECEPTION = "reception", "Tiếp công dân"

    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã đăng"

    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="schedule_entries",
        verbose_name="phường",
    )
    day = models.DateField("ngày", validators=[validate_day])
    start = models.TimeField("giờ bắt đầu", help_text="Giờ 24, ví dụ 08:00 hoặc 14h30.")
    end = models.TimeField(
        "giờ kết thúc",
        null=True,
        blank=True,
        help_text="Để trống nếu không định trước.",
    )
    kind = models.CharField(
        "loại",
        max_length=20,
        choices=Kind,
        default=Kind.WORK,
        help_text="“Tiếp công dân”: buổi lãnh đạo phường tiếp dân, hiện thêm ở "
        "trang Lịch tiếp công dân.",
    )
    content = models.TextField("nội dung", max_length=1000)
    chair = models.CharField(
        "chủ trì",
        max_length=200,
        blank=True,
        help_text="Với buổi tiếp công dân: người tiếp, ví dụ: Chủ tịch UBND "
        "phường Nguyễn Văn A.",
    )
    participants = models.TextField(
        "thành phần",
        max_length=1000,
        blank=True,
        help_text="Mỗi dòng một người hoặc một đơn vị, nếu cần.",
    )
    place = models.CharField("địa điểm", max_length=200, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        "đăng lần đầu lúc", null=True, blank=True, editable=False
    )
    changed_at = models.DateTimeField(
        "nội dung sửa lúc", default=timezone.now, editable=False
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("lưu lúc", auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["day", "start", "id"]
        verbose_name = "mục lịch công tác"
        verbose_name_plural = "mục lịch công tác"
        permissions = [
            ("publish_entry", "Có thể đăng và gỡ lịch công tác"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(end__gt=models.F("start")),
                name="entry_ends_after_start",
                violation_error_message="Giờ kết thúc phải sau giờ bắt đầu.",
            ),
        ]
        indexes = [
            # The week page and the home page's block: a ward's published
            # entries of seven days, in order.
            models.Index(
                fields=["ward", "status", "day", "start"],
                name="entry_ward_week_idx",
            ),
            # "Lịch tiếp công dân": a ward's published receptions from today.
            models.Index(
                fields=["ward", "kind", "status", "day"],
                name="entry_ward_reception_idx",
            ),
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.start:%H:%M}: {self.content[:80]}"

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        entry._loaded = entry._shown()
        return entry

    def _shown(self) -> dict:
        return {name: getattr(self, name) for name in SHOWN_FIELDS}

    def normalise(self):
        self.content = paragraphs(self.content)
        self.chair = one_line(self.chair)
        self.participants = paragraphs(self.participants)
        self.place = one_line(self.place)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.end is not None and self.start is not None and self.end <= self.start:
            raise ValidationError({"end": "Giờ kết thúc phải sau giờ bắt đầu."})

    def save(self, *args, **kwargs):
        self.normalise()
        now = timezone.now()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = now
        if self.pk is None or self._shown() != self._stored():
            # New, or changed in what readers see: publishing alone is not.
            self.changed_at = now
        super().save(*args, **kwargs)
        self._loaded = self._shown()

    def _stored(self) -> dict:
        """What readers saw of the entry as stored: as read, or asked (an
        entry made in code, such as one a revision restores)."""
        if hasattr(self, "_loaded"):
            return self._loaded
        return Entry.objects.filter(pk=self.pk).values(*SHOWN_FIELDS).first() or {}

    def get_absolute_url(self):
        return f"{reverse('schedules:week')}?tuan={self.week}"

    @property
    def week(self) -> Week:
        return Week.of(self.day)

    @property
    def day_label(self) -> str:
        return day_label(self.day)

    @property
    def time_label(self) -> str:
        """ "08:00" or "08:00 – 11:30"."""
        if self.end is None:
            return f"{self.start:%H:%M}"
        return f"{self.start:%H:%M} – {self.end:%H:%M}"

    @property
    def is_reception(self) -> bool:
        return self.kind == self.Kind.RECEPTION

    @property
    def is_visible(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def updated_after(self, week_published_at):
        """When this entry changed after its week's schedule was first
        published (its content, or it was added or published later), or None:
        readers are told "Cập nhật lúc …"."""
        if week_published_at is None or self.published_at is None:
            return None
        changed = max(self.changed_at, self.published_at)
        if changed > week_published_at + PUBLISHING_GRACE:
            return changed
        return None
