import operator
from functools import reduce
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import connection, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Greatest
from django.urls import reverse
from django.utils import timezone

from files.checks import validate_document
from files.names import display_name, storage_name
from numbering.rows import NumberedQuerySet, register
from pictures.checks import stored_path, validate_picture
from pictures.fields import PictureField
from richtext.sanitize import sanitize
from vietnamese.text import (
    compact_blocks,
    fold_accents,
    nfc,
    plain_text,
    search_words,
    vietnamese_slugify,
)
from wards.models import Ward, WebLinkField, one_line

from . import attachments

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


def slug_base(model, text, fallback):
    """The slug the text makes, with room left for a "-N" suffix."""
    max_length = model._meta.get_field("slug").max_length
    return vietnamese_slugify(text)[: max_length - 8].strip("-") or fallback


def numbered_slugs(base, start=1):
    """base, base-2, base-3… (from base-<start> when start > 1)."""
    n = start
    while True:
        yield (base if n == 1 else f"{base}-{n}"), n
        n += 1


def unique_slug(instance, text, fallback):
    """A slug made from the text, with "-2", "-3"… when another row of the
    same ward has it."""
    model = type(instance)
    others = model._default_manager.filter(ward_id=instance.ward_id).exclude(
        pk=instance.pk
    )
    for slug, _ in numbered_slugs(slug_base(model, text, fallback)):
        if not others.filter(slug=slug).exists():
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
        self.save_normalised(*args, **kwargs)

    def save_normalised(self, *args, **kwargs):
        """The save itself, the text normalised: what a model adds around
        it goes here, after normalise() (a long body sanitised) has run."""
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


def ward_key(ward):
    """The ward's id (a Ward or its id) as its column's type, bigint.
    psycopg2 writes an id as an integer literal, and the search's (ward,
    words) index (btree_gin, migration 0021) has no bigint = integer
    operator: given an integer, the planner reads every ward's entries of
    the words instead of the ward's."""
    return Cast(Value(getattr(ward, "pk", ward)), models.BigIntegerField())


class ArticleQuerySet(NumberedQuerySet):
    def published(self, ward):
        """What readers of this ward may see: its articles that are
        published, and due by now.

        The one place that decides it: every page, block and feed starts here,
        and none can forget the ward, which it takes.
        """
        return self.filter(
            ward_id=ward_key(ward),
            status=Article.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        ).defer(*SEARCH_FIELDS)  # Twice the body's size, and only search reads them.

    def for_user(self, user):
        """The articles a staff member may work on: their wards'."""
        return self.filter(ward__in=Ward.objects.for_user(user))


def featured_image_path(article, filename):
    """Each ward's pictures in a folder of its own."""
    month = timezone.localdate().strftime("%Y/%m")
    folder = f"articles/{article.category.ward.slug}/{month}/"
    field = Article._meta.get_field("featured_image")
    return stored_path(folder, filename, field.max_length)


class Article(NormalisedTextModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        REVIEW = "review", "Chờ duyệt"
        PUBLISHED = "published", "Đã đăng"
        WITHDRAWN = "withdrawn", "Đã gỡ"

    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name="phường",
    )
    # Its place among the ward's articles, 1, 2, 3… as they were made
    # (numbering/): sitemap.xml lists them a range of numbers a page.
    ward_seq = models.PositiveIntegerField("số thứ tự trong phường", editable=False)
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
    featured_image = PictureField(
        "ảnh đại diện",
        upload_to=featured_image_path,
        blank=True,
        validators=[validate_picture],
    )
    featured_image_alt = models.CharField(
        "mô tả ảnh",
        max_length=300,
        blank=True,
        help_text="Ảnh chụp gì, cho người không xem được ảnh (bắt buộc khi có "
        "ảnh), ví dụ: Đồng chí Bí thư phát biểu tại hội nghị.",
    )
    featured_image_caption = models.CharField(
        "chú thích ảnh",
        max_length=300,
        blank=True,
        help_text="Hiện dưới ảnh, ví dụ: Quang cảnh hội nghị. Ảnh: Thu Hà.",
    )
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status, default=Status.DRAFT
    )
    is_featured = models.BooleanField(
        "tin nổi bật",
        default=False,
        help_text="Hiện lớn ở đầu trang chủ thay cho bài mới nhất. Mỗi phường "
        "một bài: ghim bài này thì bỏ ghim bài trước.",
    )
    review_note = models.TextField(
        "ghi chú của biên tập viên",
        blank=True,
        help_text="Điều cần sửa khi trả bài về cho phóng viên.",
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
    # The credit line at the end of the article, as ward news carries it:
    # who wrote it (a name, not a staff account: often a colleague of
    # another office) and where it was taken from.
    byline = models.CharField(
        "tác giả",
        max_length=200,
        blank=True,
        help_text="Hiện cuối bài, ví dụ: Thu Hà (Văn phòng UBND phường). Để trống "
        "nếu không ghi.",
    )
    source = models.CharField(
        "nguồn",
        max_length=200,
        blank=True,
        help_text="Bài lấy từ đâu, ví dụ: Báo Hà Nội mới. Để trống nếu bài do "
        "phường viết.",
    )
    source_url = WebLinkField(
        "liên kết nguồn",
        max_length=500,
        blank=True,
        help_text="Địa chỉ bài gốc, nếu có: tên nguồn thành liên kết tới đó.",
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
        permissions = [
            ("publish_article", "Có thể đăng, hẹn giờ, gỡ và ghim bài viết"),
            ("view_statistics", "Có thể xem thống kê lượt xem"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "slug"],
                name="article_slug_per_ward",
                violation_error_message="Phường đã có bài viết với đường dẫn này.",
            ),
            # Also the index a sitemap page reads its range of.
            models.UniqueConstraint(
                fields=["ward", "ward_seq"], name="article_seq_per_ward"
            ),
        ]
        # Every list readers see reads a few entries of one of these, whatever
        # the number of articles (tests/test_query_counts.py).
        indexes = [
            # Home page and "Tin mới": the ward's newest published articles
            # (newest first is published_at, then id: ties in a fixed order).
            models.Index(
                fields=["ward", "status", "-published_at", "-id"],
                name="article_ward_newest_idx",
            ),
            # Category pages (a page's cursor is a range of it), home blocks
            # and "Tin khác": one category's newest. The ward too, though the
            # category implies it: published(ward) asks for both, and a plan
            # must not need statistics to prefer this index to the ward's
            # (right after a bulk load the planner has none, and every index
            # starting (ward, status) looks as good as this one).
            models.Index(
                fields=["category", "ward", "status", "-published_at", "-id"],
                name="article_category_newest_idx",
            ),
            # sitemap.xml: each category's last change (its articles'
            # publication or later correction, sitemaps.LAST_CHANGE), the
            # first entry of its range, and the ward's the newest of those.
            models.Index(
                F("category"),
                F("ward"),
                F("status"),
                Greatest("published_at", "updated_at").desc(),
                name="article_category_changed_idx",
            ),
            # The home page's lead story (tin nổi bật): one article a ward.
            # In the order the home page asks, so that no plan prefers
            # walking the ward's newest for it.
            models.Index(
                fields=["ward", "status", "-published_at", "-id"],
                condition=models.Q(is_featured=True),
                name="article_featured_idx",
            ),
            # "Tin đọc nhiều", filled up from the most read of all time.
            models.Index(
                fields=["ward", "status", "-view_count"],
                name="article_most_read_idx",
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
        self.byline = one_line(self.byline)
        self.source = one_line(self.source)
        self.source_url = self.source_url.strip()
        folders = self.ward.picture_folders if self.ward_id else None
        self.body = self.clean_body(self.body, folders)
        if not self.slug:
            self.slug = unique_slug(self, self.title, fallback="bai-viet")
        self.search_text = search_words(self.title, self.lead, self.body)
        self.search_folded = fold_accents(self.search_text)

    def clean(self):
        super().clean()
        if self.featured_image and not self.featured_image_alt.strip():
            raise ValidationError(
                {
                    "featured_image_alt": "Hãy mô tả ngắn ảnh đại diện (ảnh chụp "
                    "gì) cho người không xem được ảnh."
                }
            )
        if self.source_url and not self.source:
            raise ValidationError(
                {
                    "source": "Hãy ghi tên nguồn (ví dụ: Báo Hà Nội mới) cho liên "
                    "kết nguồn."
                }
            )

    def save_normalised(self, *args, **kwargs):
        """Save the article, leaving its views to the counter.

        ``view_count`` has one writer, store_views(): a save of an existing
        article (update_fields not named by the caller) never writes it,
        so views stored between reading the article (the admin's
        get_object) and saving it are kept; the attribute is the stored
        count again after the save. A new article is written whole: imports
        and the demo create articles with their counts. The rows are locked
        once the text is normalised, so a flush never waits on a body being
        sanitised."""
        with transaction.atomic():
            old_slug, stored_views = self._lock_rows()
            if self._saves_existing_row(kwargs):
                kwargs["update_fields"] = self._written_by_save()
                if stored_views is not None:  # Else deleted: the save says so.
                    self.view_count = stored_views
            super().save_normalised(*args, **kwargs)
            self._after_save(old_slug)

    def _lock_rows(self) -> tuple[str | None, int | None]:
        """Lock the rows the save writes, in id order as store_views() does
        so that a save and a flush never wait for each other forever: the
        article's, and, pinning it, the ward's pinned one that is unpinned
        after. Returns the address readers knew the article by, if it was
        published, and its stored view count (no flush adds to it until the
        save commits)."""
        rows = [Q(pk=self.pk)] if self.pk is not None else []
        if self.is_featured:
            rows.append(Q(ward_id=self.ward_id, is_featured=True))
        if not rows:
            return None, None
        locked = (
            Article.objects.select_for_update()
            .filter(reduce(operator.or_, rows))
            .order_by("pk")
            .values_list("pk", "slug", "status", "view_count")
        )
        old_slug = stored_views = None
        for pk, slug, status, views in locked:
            if pk == self.pk:
                old_slug = slug if status == Article.Status.PUBLISHED else None
                stored_views = views
        return old_slug, stored_views

    def _saves_existing_row(self, options) -> bool:
        """The save updates the stored article, all of it as far as the
        caller knows (no update_fields of its own, no forced insert)."""
        return (
            self.pk is not None
            and not self._state.adding
            and not options.get("force_insert")
            and options.get("update_fields") is None
        )

    def _written_by_save(self) -> list[str]:
        """The columns a save of an existing article writes: all but the
        views, and but those not loaded (as Django's save of a deferred
        instance)."""
        deferred = self.get_deferred_fields()
        return [
            field.name
            for field in self._meta.concrete_fields
            if not field.primary_key
            and field.name != "view_count"
            and field.attname not in deferred
        ]

    def _after_save(self, old_slug):
        """What a save changes around the article: its old address keeps
        leading to it, and a pinned article unpins the ward's previous one."""
        if old_slug and old_slug != self.slug:
            OldSlug.objects.update_or_create(
                ward_id=self.ward_id, slug=old_slug, defaults={"article": self}
            )
        # The address is the article's own again, not a redirect.
        OldSlug.objects.filter(ward_id=self.ward_id, slug=self.slug).delete()
        if self.is_featured:
            Article.objects.filter(ward_id=self.ward_id, is_featured=True).exclude(
                pk=self.pk
            ).update(is_featured=False)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @staticmethod
    def clean_body(html: str, folders=None) -> str:
        """The body as stored and shown: sanitised, its pictures those of
        `folders` (its ward's picture_folders), its blocks compacted."""
        return compact_blocks(sanitize(nfc(html), folders))

    @property
    def is_scheduled(self) -> bool:
        """Published to appear later: invisible to readers until then."""
        return (
            self.status == Article.Status.PUBLISHED
            and self.published_at > timezone.now()
        )

    @property
    def is_visible(self) -> bool:
        """Readers can see it now (what published() lets through)."""
        return self.status == Article.Status.PUBLISHED and not self.is_scheduled

    @property
    def state_label(self) -> str:
        """The state in words, a scheduled article with its time."""
        if self.is_scheduled:
            local = timezone.localtime(self.published_at)
            return f"Hẹn giờ {local:%H:%M %d/%m/%Y}"
        return self.get_status_display()

    @property
    def summary(self) -> str:
        """What describes the article where a sentence or two is wanted (meta
        description, a shared link's card): the lead, else the body's start."""
        return self.lead or plain_text(self.body) or self.title


register(Article, field="ward_seq", scope="ward_id")


class DailyViewsQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Rows made in bulk (generate_articles, the demo, imports) take their
        ward from their article, as save() does."""
        objs = list(objs)
        for row in objs:
            row.take_ward()
        return super().bulk_create(objs, *args, **kwargs)


class DailyViews(models.Model):
    """An article's views on one day (the ward's day): the total and the
    days are written together, so they always add up.

    The article's ward is kept on the row as well (``take_ward``: it is the
    article's, and an article never changes ward), so that "Tin đọc nhiều"
    and "Thống kê" read a ward's recent days from their own index, without
    joining its articles (articles/blocks.py)."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="daily_views",
        verbose_name="bài viết",
    )
    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="phường",
        editable=False,
        # The (ward, day) index below starts with it: one index less for
        # every view stored to keep up.
        db_index=False,
    )
    day = models.DateField("ngày")
    views = models.PositiveIntegerField("lượt xem", default=0)

    objects = DailyViewsQuerySet.as_manager()

    class Meta:
        verbose_name = "lượt xem trong ngày"
        verbose_name_plural = "lượt xem theo ngày"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="one_row_a_day"),
        ]
        indexes = [
            # "Tin đọc nhiều": a ward's views of the last 30 days, by article,
            # read from the index alone on PostgreSQL (INCLUDE; SQLite
            # ignores it).
            models.Index(
                fields=["ward", "day"],
                include=["article", "views"],
                name="daily_views_ward_day_idx",
            ),
        ]

    def __str__(self):
        return f"{self.article} – {self.day:%d/%m/%Y}: {self.views}"

    def take_ward(self):
        if self.ward_id is None:
            self.ward_id = self.article.ward_id

    def save(self, *args, **kwargs):
        self.take_ward()
        super().save(*args, **kwargs)


class OldSlug(models.Model):
    """An address a published article had before its slug changed: it
    answers with a permanent redirect to the article's address now."""

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, verbose_name="phường")
    slug = models.SlugField("đường dẫn cũ", max_length=255)
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="old_slugs",
        verbose_name="bài viết",
    )
    created_at = models.DateTimeField("ngày đổi", auto_now_add=True)

    class Meta:
        verbose_name = "đường dẫn cũ"
        verbose_name_plural = "đường dẫn cũ"
        constraints = [
            models.UniqueConstraint(fields=["ward", "slug"], name="old_slug_once"),
        ]

    def __str__(self):
        return f"{self.slug} → {self.article.slug}"


class ArticleEvent(models.Model):
    """A step of an article's way to readers: who moved it to which state,
    when, and the note that went with it."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="bài viết",
    )
    status = models.CharField("chuyển sang", max_length=20, choices=Article.Status)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    at = models.DateTimeField("lúc", default=timezone.now)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"
        verbose_name = "bước duyệt bài"
        verbose_name_plural = "các bước duyệt bài"

    def __str__(self):
        return f"{self.article}: {self.get_status_display()} ({self.user})"


def attachment_path(attachment, filename):
    """Each ward's files in a folder of its own, by month."""
    month = timezone.localdate().strftime("%Y/%m")
    name = storage_name(filename)
    return f"attachments/{attachment.article.ward.slug}/{month}/{name}"


class Attachment(models.Model):
    """A document that comes with an article (a signed notice, a form to
    fill in), listed under its body for readers to download."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="bài viết",
    )
    file = models.FileField(
        "tệp",
        upload_to=attachment_path,
        max_length=255,
        validators=[validate_document],
    )
    name = models.CharField(
        "tên hiển thị",
        max_length=200,
        blank=True,
        help_text="Để trống để dùng tên tệp tải lên.",
    )
    size = models.PositiveBigIntegerField("dung lượng", default=0, editable=False)
    created_at = models.DateTimeField("ngày tải lên", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = display_name(
            self.name.strip() or PurePosixPath(self.file.name).name
        )
        if self.file and not self.file._committed:
            self.size = self.file.size
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return attachments.attachment_url(self)


class FoldedViews(models.Model):
    """A batch of buffered views already stored (articles/viewbuffer.py): its
    name, written in the same transaction as its views, so a batch that a
    failed flush left behind is never stored twice."""

    batch = models.CharField(max_length=100, unique=True)
    folded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "lô lượt xem đã ghi"
        verbose_name_plural = "lô lượt xem đã ghi"

    def __str__(self):
        return self.batch


# Articles stored by one statement: SQLite takes at most 32,766 parameters
# (four a row here), and a batch this size already costs far less a view
# than a statement each.
STORE_BATCH = 1000


def store_views(counts: dict[int, int], day) -> dict[int, int]:
    """Add views in the database, to each article's total and to its row of
    ``day``, and return the stored totals after it: ``{article id: views}``.

    A few statements per STORE_BATCH articles, all in one transaction, so the
    totals and the days always add up:

    - on PostgreSQL, for more than one article, a SELECT ... ORDER BY id
      FOR UPDATE that locks the batch's articles in id order (the UPDATE
      alone locks them in whatever order its plan meets them), so two
      batches never deadlock; one article, a view stored as it comes, is
      one lock and needs none;
    - one UPDATE ... FROM (VALUES ...) RETURNING on the totals: the database
      adds, so concurrent writers never overwrite each other's views, and no
      second query reads the counts back;
    - one INSERT ... ON CONFLICT DO UPDATE on the articles' rows of the day,
      made by an article's first view of the day and added to in place by the
      others, with no read-then-write race.

    Two statements an article, as this once ran, took about four times as
    long to store what 5,000 views a second over 10,000 articles bring
    (bench/counter_city.py --compare, docs/performance.md). PostgreSQL and
    SQLite support all of it (SQLite from 3.33 for UPDATE ... FROM, 3.35 for
    RETURNING, 3.24 for ON CONFLICT). The UPDATE comes first: its row locks
    queue the articles' concurrent views, and a deleted article gets no day
    row. This function is the one place views are stored: keep it so.
    """
    totals = {}
    items = sorted((pk, views) for pk, views in counts.items() if views > 0)
    day = connection.ops.adapt_datefield_value(day)
    # No savepoint: inside a caller's transaction the statements simply
    # belong to it, and stand or fall with it. Only the quoted table names are
    # formatted into the SQL; values go as parameters.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(items), STORE_BATCH):
            totals.update(_store_batch(cursor, items[start : start + STORE_BATCH], day))
    return totals


def _store_batch(cursor, items: list[tuple[int, int]], day) -> dict[int, int]:
    quote = connection.ops.quote_name
    articles = quote(Article._meta.db_table)
    days = quote(DailyViews._meta.db_table)
    if len(items) > 1 and connection.features.has_select_for_update:
        cursor.execute(
            f"SELECT id FROM {articles} WHERE id IN ({', '.join(['%s'] * len(items))}) "
            "ORDER BY id FOR UPDATE",
            [pk for pk, _ in items],
        )
    # Capped, never overflowing the column: one runaway article must not stop
    # the batch that stores everyone else's views. VALUES names its columns
    # column1, column2 in both databases.
    cursor.execute(
        f"UPDATE {articles} SET view_count = CASE "
        "WHEN view_count > %s - v.column2 THEN %s ELSE view_count + v.column2 END "
        f"FROM (VALUES {', '.join(['(%s, %s)'] * len(items))}) AS v "
        f"WHERE {articles}.id = v.column1 RETURNING id, view_count, ward_id",
        [MAX_VIEW_COUNT, MAX_VIEW_COUNT, *(n for item in items for n in item)],
    )
    # Articles deleted meanwhile are not returned, and get no day row.
    stored = sorted(cursor.fetchall())
    if not stored:
        return {}
    views = dict(items)
    cursor.execute(
        f"INSERT INTO {days} (article_id, ward_id, day, views) "
        f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(stored))} "
        "ON CONFLICT (article_id, day) DO UPDATE SET views = CASE "
        f"WHEN {days}.views > %s - excluded.views THEN %s "
        f"ELSE {days}.views + excluded.views END",
        [
            *(v for pk, _, ward in stored for v in (pk, ward, day, views[pk])),
            MAX_VIEW_COUNT,
            MAX_VIEW_COUNT,
        ],
    )
    return {pk: total for pk, total, _ in stored}
