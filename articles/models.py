from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from wardnews.wards.models import Ward

from . import richtext
from .pictures import validate_picture
from .text import fold_accents, nfc, plain_text, search_words, vietnamese_slugify

PUBLISH_YEARS = range(1900, 2101)
# Far below the database's integer limit, so the counter can never overflow.
MAX_VIEW_COUNT = 1_000_000_000

# The usual sections of a ward portal, in menu order: every new ward gets them.
WARD_CATEGORIES = [
    ("Tin tức - Sự kiện", "tin-tuc-su-kien"),
    ("Công tác Đảng", "cong-tac-dang"),
    ("Chính quyền", "chinh-quyen"),
    ("Mặt trận - Đoàn thể", "mat-tran-doan-the"),
    ("Kinh tế", "kinh-te"),
    ("Văn hóa - Xã hội", "van-hoa-xa-hoi"),
    ("An ninh - Quốc phòng", "an-ninh-quoc-phong"),
    ("Thông báo", "thong-bao"),
]


def validate_publish_time(value):
    """A publish time pages, feeds and the admin's date lists can all show."""
    if value.year not in PUBLISH_YEARS:
        raise ValidationError(
            "Năm đăng phải từ %(first)s đến %(last)s.",
            code="out_of_range",
            params={"first": PUBLISH_YEARS[0], "last": PUBLISH_YEARS[-1]},
        )


def unique_slug(instance, text, fallback):
    """A slug made from the text, with "-2", "-3"… when another row of the
    same ward has it."""
    model = type(instance)
    max_length = model._meta.get_field("slug").max_length
    base = vietnamese_slugify(text)[: max_length - 8].strip("-") or fallback
    others = model._default_manager.filter(ward_id=instance.ward_id).exclude(
        pk=instance.pk
    )
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


class CategoryQuerySet(models.QuerySet):
    def create_defaults(self, ward):
        """The usual ward sections, for a new ward (those it lacks)."""
        for order, (name, slug) in enumerate(WARD_CATEGORIES, start=1):
            self.get_or_create(
                ward=ward, slug=slug, defaults={"name": name, "menu_order": order * 10}
            )


class Category(NormalisedTextModel):
    # A ward without articles can be deleted, its empty sections with it;
    # a ward with articles cannot (Article.category and Article.ward protect).
    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name="phường",
    )
    name = models.CharField("tên chuyên mục", max_length=100)
    slug = models.SlugField(
        "đường dẫn",
        max_length=100,
        help_text="Phần cuối địa chỉ trang, không dấu, ví dụ: cong-tac-dang.",
    )
    menu_order = models.PositiveSmallIntegerField(
        "thứ tự trên menu", default=0, help_text="Số nhỏ đứng trước."
    )
    description = models.TextField("mô tả", blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "name"]
        verbose_name = "chuyên mục"
        verbose_name_plural = "chuyên mục"
        constraints = [
            # Two wards may both have "Công tác Đảng" at cong-tac-dang.
            models.UniqueConstraint(
                fields=["ward", "slug"],
                name="category_slug_per_ward",
                violation_error_message="Phường đã có chuyên mục với đường dẫn này.",
            ),
            models.UniqueConstraint(
                fields=["ward", "name"],
                name="category_name_per_ward",
                violation_error_message="Phường đã có chuyên mục với tên này.",
            ),
        ]

    def __str__(self):
        return self.name

    def normalise(self):
        self.name = nfc(self.name).strip()
        self.description = nfc(self.description)
        if not self.slug:
            self.slug = unique_slug(self, self.name, fallback="chuyen-muc")

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


SEARCH_FIELDS = ["search_text", "search_folded"]


class ArticleQuerySet(models.QuerySet):
    def published(self, ward):
        """What readers of this ward may see: its articles that are
        published, and due by now.

        The one place that decides it: every page, block and feed starts here,
        and none can forget the ward, which it takes.
        """
        return self.filter(
            ward=ward,
            status=Article.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        ).defer(*SEARCH_FIELDS)  # Twice the body's size, and only search reads them.

    def for_user(self, user):
        """The articles a staff member may work on: their wards'."""
        return self.filter(ward__in=Ward.objects.for_user(user))


def featured_image_path(article, filename):
    """Each ward's pictures in a folder of its own."""
    month = timezone.localdate().strftime("%Y/%m")
    return f"articles/{article.category.ward.slug}/{month}/{filename}"


class Article(NormalisedTextModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        PUBLISHED = "published", "Đã đăng"

    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name="phường",
    )
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
        blank=True,
        help_text="Để trống để tạo tự động từ tiêu đề.",
    )
    lead = models.TextField(
        "sapo", blank=True, help_text="Đoạn tóm tắt in đậm ở đầu bài."
    )
    body = models.TextField("nội dung", blank=True)
    featured_image = models.ImageField(
        "ảnh đại diện",
        upload_to=featured_image_path,
        blank=True,
        validators=[validate_picture],
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
    # What search reads: the words of title, lead and body, as written
    # (lower case) and folded without accents. Kept by normalise().
    search_text = models.TextField(editable=False, default="")
    search_folded = models.TextField(editable=False, default="")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "slug"],
                name="article_slug_per_ward",
                violation_error_message="Phường đã có bài viết với đường dẫn này.",
            ),
        ]
        indexes = [
            # Home page: the ward's latest published articles.
            models.Index(
                fields=["ward", "status", "-published_at"],
                name="article_ward_published_idx",
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
        if self.category_id is not None:
            # An article is in its category's ward, whatever else was asked.
            self.ward_id = self.category.ward_id
        self.title = nfc(self.title).strip()
        self.lead = nfc(self.lead).strip()
        self.body = richtext.sanitize(nfc(self.body))
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="bai-viet")
        self.search_text = search_words(self.title, self.lead, self.body)
        self.search_folded = fold_accents(self.search_text)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def summary(self) -> str:
        """What describes the article where a sentence or two is wanted (meta
        description, a shared link's card): the lead, else the body's start."""
        return self.lead or plain_text(self.body) or self.title


class DailyViews(models.Model):
    """An article's views on one day (the ward's day): the total and the
    days are written together, so they always add up."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="daily_views",
        verbose_name="bài viết",
    )
    day = models.DateField("ngày")
    views = models.PositiveIntegerField("lượt xem", default=0)

    class Meta:
        verbose_name = "lượt xem trong ngày"
        verbose_name_plural = "lượt xem theo ngày"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_row_a_day"),
        ]
        indexes = [
            # "Tin đọc nhiều": the views of the last 30 days, by article.
            models.Index(fields=["day", "article"], name="daily_views_day_idx"),
        ]

    def __str__(self):
        return f"{self.article} – {self.day:%d/%m/%Y}: {self.views}"
