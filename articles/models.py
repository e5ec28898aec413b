from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import richtext
from .text import nfc, vietnamese_slugify

PUBLISH_YEARS = range(1900, 2101)
# Far below the database's integer limit, so the counter can never overflow.
MAX_VIEW_COUNT = 1_000_000_000


def validate_publish_time(value):
    """A publish time pages, feeds and the admin's date lists can all show."""
    if value.year not in PUBLISH_YEARS:
        raise ValidationError(
            "Năm đăng phải từ %(first)s đến %(last)s.",
            code="out_of_range",
            params={"first": PUBLISH_YEARS[0], "last": PUBLISH_YEARS[-1]},
        )


def unique_slug(instance, text, fallback):
    """A slug made from the text, with "-2", "-3"… when another row has it."""
    model = type(instance)
    max_length = model._meta.get_field("slug").max_length
    base = vietnamese_slugify(text)[: max_length - 8].strip("-") or fallback
    others = model._default_manager.exclude(pk=instance.pk)
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class NormalisedTextModel(models.Model):
    """Stores text composed (NFC), and validates it in that form too, so a
    decomposed duplicate or a long-looking title is judged as it is saved."""

    class Meta:
        abstract = True

    def normalise(self):
        raise NotImplementedError

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)


class Category(NormalisedTextModel):
    name = models.CharField("tên chuyên mục", max_length=100, unique=True)
    slug = models.SlugField(
        "đường dẫn",
        max_length=100,
        unique=True,
        help_text="Phần cuối địa chỉ trang, không dấu, ví dụ: cong-tac-dang.",
    )
    menu_order = models.PositiveSmallIntegerField(
        "thứ tự trên menu", default=0, help_text="Số nhỏ đứng trước."
    )
    description = models.TextField("mô tả", blank=True)

    class Meta:
        ordering = ["menu_order", "name"]
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"

    def __str__(self):
        return self.name

    def normalise(self):
        self.name = nfc(self.name).strip()
        self.description = nfc(self.description)
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="chuyen-muc")

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and due by now.

        The one place that decides it: every page, block and feed starts here.
        """
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )


class Article(NormalisedTextModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã đăng"

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name="chuyên mục",
    )
    title = models.CharField("tiêu đề", max_length=255)
    slug = models.SlugField(
        "đường dẫn",
        max_length=255,
        unique=True,
        blank=True,
        help_text="Để trống để tạo tự động từ tiêu đề.",
    )
    lead = models.TextField(
        "sapo", blank=True, help_text="Đoạn tóm tắt in đậm ở đầu bài."
    )
    body = models.TextField("nội dung", blank=True)
    featured_image = models.ImageField(
        "ảnh đại diện", upload_to="articles/%Y/%m/", blank=True
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        "thời gian đăng",
        default=timezone.now,
        validators=[validate_publish_time],
        help_text="Bài chỉ hiện với bạn đọc từ thời điểm này.",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name="người viết",
    )
    view_count = models.PositiveIntegerField(
        "lượt xem", default=0, validators=[MaxValueValidator(MAX_VIEW_COUNT)]
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        indexes = [
            # Home page: the latest published articles.
            models.Index(
                fields=["status", "-published_at"], name="article_published_idx"
            ),
            # Category page, home blocks and "Tin khác": one category, newest first.
            models.Index(
                fields=["category", "status", "-published_at"],
                name="article_category_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def normalise(self):
        self.title = nfc(self.title).strip()
        self.lead = nfc(self.lead).strip()
        self.body = richtext.sanitize(nfc(self.body))
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="bai-viet")

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})
