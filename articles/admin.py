from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from files.checks import HELP_TEXT, readable_size, type_label
from pictures.widgets import thumbnail
from richtext.editor import EditorWidget
from richtext.sanitize import own_pictures_only, pictures_without_description
from vietnamese.text import nfc
from wards.admin import OwnWardsRelatedFilter, WardScopedAdmin
from wards.editor import editor_scope
from wards.hosts import url_on_ward
from wards.staff import user_wards
from wards.takedown import TakeDown, asks_first, confirmation_page

from . import counting, search, workflow
from .attachments import AttachmentForm
from .history import ArticleRevisionsAdmin
from .models import Article, Attachment, Category
from .revisions import article_revision, person, set_revision_comment
from .views import ArticlePreviewView

admin.site.site_header = "Quản trị cổng thông tin"
admin.site.site_title = "Quản trị cổng thông tin"
admin.site.index_title = "Quản lý nội dung"
# Staff use two or three lists: the room goes to their columns instead.
admin.site.enable_nav_sidebar = False


class VietnameseSlugMedia:
    # Slugs typed live from the title, "đ" and all; leaving the form with
    # unsaved changes asks first.
    js = ["articles/admin/urlify_vi.js", "articles/admin/unsaved_changes.js"]
    css = {"all": ["articles/admin/admin.css"]}


class NormalisedSearchAdmin(WardScopedAdmin):
    def get_search_results(self, request, queryset, search_term):
        # Stored text is NFC; a term typed on some keyboards arrives NFD.
        return super().get_search_results(request, queryset, nfc(search_term))


@admin.register(Category)
class CategoryAdmin(NormalisedSearchAdmin):
    Media = VietnameseSlugMedia
    list_display = ["name", "slug", "menu_order"]
    fields = ["ward", "name", "slug", "menu_order", "description"]
    list_editable = ["menu_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class AttachmentInline(admin.TabularInline):
    """The article's files, on its form: added, changed and removed by
    whoever may edit the article (a writer's published article is shown,
    not changed)."""

    model = Attachment
    form = AttachmentForm
    fields = ["file", "name", "size_label"]
    readonly_fields = ["size_label"]
    extra = 1
    # The heading is where the rules show on a phone (a column's help text
    # is a tooltip).
    verbose_name_plural = f"Tệp đính kèm ({HELP_TEXT.removesuffix('.')})"

    @admin.display(description="Loại, dung lượng")
    def size_label(self, attachment):
        if attachment.pk is None:
            return ""
        return f"{type_label(attachment.file.name)}, {readable_size(attachment.size)}"

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _may_edit(request, obj)


def _may_edit(request, article) -> bool:
    return article is None or workflow.may_edit(request.user, article)


def published_time_set(form) -> bool:
    """Did the editor set the publish time? The form shows it to the
    minute, so seconds that were never shown are no change."""
    cleaned = getattr(form, "cleaned_data", {})
    if "published_at" not in cleaned:
        return False
    initial = form.initial.get("published_at")
    if callable(initial):
        initial = initial()
    typed = cleaned["published_at"]
    if initial is None or typed is None:
        return typed is not None
    return typed.replace(second=0, microsecond=0) != initial.replace(
        second=0, microsecond=0
    )


class ArticleAdminForm(forms.ModelForm):
    """The article form; the step asked for (a workflow button) is set on
    the class by the admin, so the form can ask for what the step needs."""

    step = None

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            "review_note": forms.Textarea(attrs={"rows": 3}),
            "featured_image_alt": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "featured_image_caption": forms.TextInput(
                attrs={"class": "vLargeTextField"}
            ),
            "source_url": forms.URLInput(attrs={"class": "vLargeTextField"}),
        }

    @cached_property
    def changed_data(self):
        """What the form really changed, as it will be saved: a body the
        editor re-wrote into the same HTML, or a time shown to the minute,
        is no change (revisions and "Lịch sử" say what changed)."""
        changed = super().changed_data
        cleaned = getattr(self, "cleaned_data", {})
        if "body" in changed and "body" in cleaned:
            ward = self.instance.ward if self.instance.ward_id else None
            folders = ward.picture_folders if ward else None
            if Article.clean_body(cleaned["body"], folders) == self.initial.get("body"):
                changed = [name for name in changed if name != "body"]
        if "published_at" in changed and not published_time_set(self):
            changed = [name for name in changed if name != "published_at"]
        return changed

    def clean_published_at(self):
        # Shown to the minute: a time left as shown keeps its seconds, or
        # each save would drop them (and "Lịch sử" show a change that is none).
        typed = self.cleaned_data["published_at"]
        if self.instance.pk and typed is not None and not published_time_set(self):
            return self.initial.get("published_at", typed)
        return typed

    def clean_body(self):
        # Checked before the allow-list runs over it: a body of megabytes
        # would hold a worker for a minute at each save (and each revision).
        body = self.cleaned_data["body"]
        limit = settings.ARTICLE_MAX_BODY_LENGTH
        if len(body) > limit:
            raise forms.ValidationError(
                f"Nội dung quá dài ({len(body):,} ký tự; tối đa "
                f"{limit:,}). Hãy chia thành nhiều bài, hoặc đưa tài "
                "liệu dài vào tệp đính kèm.".replace(",", ".")
            )
        return body

    def clean(self):
        cleaned = super().clean()
        note = cleaned.get("review_note", self.instance.review_note)
        if self.step is not None and self.step.needs_note and not note.strip():
            self.add_error(
                "review_note" if "review_note" in self.fields else None,
                "Hãy ghi cho phóng viên biết cần sửa gì trước khi trả bài.",
            )
        return cleaned


class StateFilter(admin.SimpleListFilter):
    """By state as readers meet it: a scheduled article is not yet theirs."""

    title = "trạng thái"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            (Article.Status.DRAFT, "Bản nháp"),
            (Article.Status.REVIEW, "Chờ duyệt"),
            ("scheduled", "Hẹn giờ"),
            (Article.Status.PUBLISHED, "Đang hiện"),
            (Article.Status.WITHDRAWN, "Đã gỡ"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        if value == "scheduled":
            return queryset.filter(
                status=Article.Status.PUBLISHED, published_at__gt=now
            )
        if value == Article.Status.PUBLISHED:
            return queryset.filter(
                status=Article.Status.PUBLISHED, published_at__lte=now
            )
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


def withdrawing(article=None) -> TakeDown:
    """What "Gỡ bài" takes from readers: of one article (with its views and
    files), or of those chosen in the list."""
    if article is None:
        return TakeDown(
            title="Gỡ các bài đã chọn khỏi trang?",
            losses=ARTICLE_LOSSES,
            button="Có, gỡ các bài này",
            kept=ARTICLE_KEPT,
        )
    views = f"{counting.shown(article):,}".replace(",", ".")
    losses = [
        f"Trang của bài (đã có {views} lượt xem): ai mở đường dẫn, kể cả từ "
        "tin đã chia sẻ hay đã lưu, sẽ gặp trang “không tìm thấy”.",
        *ARTICLE_LOSSES[1:],
    ]
    if files := article.attachments.count():
        losses.append(f"{files} tệp đính kèm của bài: không tải được nữa.")
    if article.is_scheduled:
        local = timezone.localtime(article.published_at)
        losses = [f"Bài hẹn đăng lúc {local:%H:%M %d/%m/%Y}: sẽ không hiện."]
    return TakeDown(
        title="Gỡ bài khỏi trang?",
        losses=losses,
        button="Có, gỡ bài",
        kept=ARTICLE_KEPT,
    )


ARTICLE_LOSSES = [
    "Trang của bài: ai mở đường dẫn, kể cả từ tin đã chia sẻ hay đã lưu, sẽ "
    "gặp trang “không tìm thấy”.",
    "Bài trên trang chủ, trong chuyên mục, kết quả tìm kiếm, tin RSS và sơ đồ "
    "trang cho máy tìm kiếm.",
]
ARTICLE_KEPT = (
    "Bài vẫn giữ nguyên nội dung, lượt xem và lịch sử: biên tập viên có thể "
    "đăng lại bất cứ lúc nào."
)


# The words an admin search looks for at most (each one more condition).
ADMIN_SEARCH_WORDS = 8

# What staff read in the list: never the bodies (up to megabytes each).
LIST_DEFERRED = ["body", "search_text", "search_folded"]


@admin.register(Article)
class ArticleAdmin(ArticleRevisionsAdmin, NormalisedSearchAdmin):
    Media = VietnameseSlugMedia
    form = ArticleAdminForm
    inlines = [AttachmentInline]
    list_display = [
        "title",
        "category",
        "state",
        "publish_time",
        "view_count",
        "writer",
        "featured",
    ]
    list_display_links = ["title"]
    list_filter = [StateFilter, ("category", OwnWardsRelatedFilter), "published_at"]
    list_select_related = ["ward", "category", "author"]
    search_fields = ["title"]
    search_help_text = (
        "Tìm theo tiêu đề, sapo hoặc nội dung; gõ có dấu hay không dấu đều được."
    )
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "withdraw"]
    fieldsets = [
        (
            None,
            {"fields": ["ward", "category", "title", "slug", "lead", "body"]},
        ),
        (
            "Ảnh đại diện",
            {
                "fields": [
                    "featured_image",
                    "featured_image_alt",
                    "featured_image_caption",
                ]
            },
        ),
        ("Tác giả và nguồn", {"fields": ["byline", "source", "source_url"]}),
        (
            "Xuất bản",
            {
                "fields": [
                    "state",
                    "published_at",
                    "is_featured",
                    "author",
                    "review_note",
                    "steps_taken",
                ]
            },
        ),
        ("Thông tin", {"fields": ["view_count", "created_at", "updated_at"]}),
    ]
    # Fields only an editor (publish_article in the ward) sets.
    editor_fields = ["published_at", "is_featured", "author", "review_note"]

    # Who may do what ---------------------------------------------------------

    def _ward_for(self, request, obj=None):
        return obj.ward if obj is not None and obj.pk else self.form_ward(request)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.may_edit(request.user, obj)

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article", obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "state",
            "steps_taken",
            "shown_body",
            "view_count",
            "created_at",
            "updated_at",
        ]
        ward = self._ward_for(request, obj)
        if ward is None or not workflow.may_publish(request.user, ward):
            readonly += self.editor_fields
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = set()
        if obj is None:  # Nothing to tell about an article not yet saved.
            hidden |= {"state", "steps_taken", "view_count", "created_at"}
            hidden |= {"updated_at"}
        ward = self._ward_for(request, obj)
        if ward is None or not workflow.may_publish(request.user, ward):
            # Not the writer's to set: the editor's fields, but for the note
            # the editor left them.
            hidden |= {"published_at", "is_featured", "author"}
            if obj is None or not obj.review_note:
                hidden.add("review_note")
        # Shown, not edited: the body as readers get it, not its HTML.
        shown_as = {}
        if obj is not None and not self.has_change_permission(request, obj):
            shown_as["body"] = "shown_body"
            shown_as["featured_image"] = "shown_featured_image"
        shown = [
            (
                name,
                {
                    **options,
                    "fields": [
                        shown_as.get(f, f) for f in options["fields"] if f not in hidden
                    ],
                },
            )
            for name, options in fieldsets
        ]
        return [(name, options) for name, options in shown if options["fields"]]

    @admin.display(description="nội dung")
    def shown_body(self, article):
        # Cleaned by the allow-list when saved: what the article page shows.
        return mark_safe(article.body)

    @admin.display(description="ảnh đại diện")
    def shown_featured_image(self, article):
        return thumbnail(article.featured_image) or "—"

    # Lists -------------------------------------------------------------------

    def get_queryset(self, request):
        # The list, the change form, the history, compare, restore and the
        # preview all find articles here: a colleague's draft is "not found".
        queryset = workflow.readable_by(
            request.user, super().get_queryset(request), user_wards(request)
        )
        match = request.resolver_match
        if match is not None and match.url_name == "articles_article_changelist":
            queryset = queryset.defer(*LIST_DEFERRED).prefetch_related("ward__hosts")
        return queryset

    def get_ordering(self, request):
        if request.user.has_perm("articles.publish_article"):
            return super().get_ordering(request)
        # A writer's own articles first, the latest worked on at the top.
        mine = Case(When(author_id=request.user.pk, then=Value(0)), default=Value(1))
        return [mine.asc(), "-updated_at"]

    def get_search_results(self, request, queryset, search_term):
        """Title, lead or body, with or without accents: "tiem chung" finds
        "tiêm chủng". Whole words, as readers' search finds them and through
        the same index: a few distinct words of two letters or more, so that
        no search (`?q=phuong+phuong+…`) makes the database work for long."""
        if not search_term.strip():
            return queryset, False
        query = search.Query.parse(
            search_term, max_words=ADMIN_SEARCH_WORDS, min_length=2
        )
        if not query.words:
            messages.warning(
                request, "Hãy gõ từ cần tìm có ít nhất 2 chữ cái hoặc chữ số."
            )
            return queryset.none(), False
        if query.dropped:
            messages.warning(
                request,
                f"Chỉ tìm theo “{' '.join(query.words)}”: mỗi từ một lần, từ "
                f"có ít nhất 2 ký tự, tối đa {ADMIN_SEARCH_WORDS} từ.",
            )
        return search.matching(queryset, query), False

    @admin.display(description="người viết", ordering="author__username")
    def writer(self, article):
        return person(article.author)

    @admin.display(description="nổi bật", ordering="is_featured")
    def featured(self, article):
        if article.is_featured:
            return mark_safe('<span class="article-pinned">★ Tin nổi bật</span>')
        return ""

    @admin.display(description="trạng thái", ordering="status")
    def state(self, article):
        if article.is_scheduled:  # Its time is in the next column.
            return mark_safe(
                '<span class="article-state article-state-scheduled">Hẹn giờ</span>'
            )
        return format_html(
            '<span class="article-state article-state-{}">{}</span>',
            article.status,
            article.state_label,
        )

    @admin.display(description="thời gian đăng", ordering="published_at")
    def publish_time(self, article):
        """When readers got it, or will: a draft's or a waiting article's
        time is only a default, not a publication."""
        when = f"{timezone.localtime(article.published_at):%d/%m/%Y %H:%M}"
        if article.is_scheduled:
            return f"Hẹn đăng {when}"
        if article.status == Article.Status.PUBLISHED:
            return when
        if article.status == Article.Status.WITHDRAWN:
            return "Đã gỡ"
        return "Chưa đăng"

    def get_list_display(self, request):
        @admin.display(description="trang web")
        def reader_link(article):
            if article.is_visible:
                url = url_on_ward(request, article.ward, article.get_absolute_url())
                label = "Xem"
            elif workflow.may_preview(request.user, article):
                url = reverse("admin:articles_article_preview", args=[article.pk])
                label = "Xem trước"
            else:  # A colleague's draft: not theirs to see before it is out.
                return "—"
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>', url, label
            )

        return [*super().get_list_display(request), reader_link]

    @admin.display(description="các bước duyệt")
    def steps_taken(self, article):
        events = list(article.events.select_related("user")[:20])
        if not events:
            return "—"
        return format_html(
            '<ul class="article-steps">{}</ul>',
            format_html_join(
                "",
                "<li>{} – {}: {}{}</li>",
                (
                    (
                        timezone.localtime(event.at).strftime("%H:%M %d/%m/%Y"),
                        person(event.user),
                        event.get_status_display(),
                        f" (“{event.note}”)" if event.note else "",
                    )
                    for event in events
                ),
            ),
        )

    # The form ----------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"step": workflow.step_named(request.POST)})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            # The editor uploads into, and browses, the article's ward.
            kwargs["widget"] = EditorWidget(
                scope=editor_scope(getattr(request, "_form_ward", None))
            )
            # Pictures from elsewhere (another site, another ward's folder):
            # staff upload them rather than lose them.
            ward = getattr(request, "_form_ward", None)
            folders = ward.picture_folders if ward else None
            kwargs["validators"] = [partial(own_pictures_only, folders=folders)]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ward = getattr(request, "_form_ward", None)
        if db_field.name == "author":
            # The ward's people, not every account of the installation.
            users = db_field.related_model._default_manager
            kwargs["queryset"] = (
                users.none()
                if ward is None
                else users.filter(
                    Q(ward_memberships__ward=ward)
                    | Q(is_superuser=True)
                    | Q(articles__ward=ward)
                )
                .distinct()
                .order_by("username")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = person  # "Nguyễn Thu Hà", as elsewhere.
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {
            "author": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        ward = self._ward_for(request, obj)
        article = obj if obj is not None else Article(ward=ward)
        context["workflow_steps"] = (
            workflow.steps_for(request.user, article, ward) if ward else []
        )
        context["may_save"] = add or self.has_change_permission(request, obj)
        if obj is not None and workflow.may_withdraw(request.user, obj):
            context["withdraw_url"] = reverse(
                "admin:articles_article_withdraw", args=[obj.pk]
            )
        if request.method == "POST" and request.FILES.get("featured_image"):
            # Browsers never send a chosen file again: say it, or the article
            # would be saved without its photo.
            self.message_user(
                request,
                "Ảnh đại diện bạn chọn chưa được lưu vì bài còn lỗi: sau khi "
                "sửa lỗi, hãy chọn lại ảnh.",
                messages.WARNING,
            )
        elif (
            request.method == "GET"
            and obj is not None
            and obj.review_note
            and obj.status == Article.Status.DRAFT
        ):
            self.message_user(
                request,
                f"Biên tập viên trả lại bài này: “{obj.review_note}”",
                messages.WARNING,
            )
        if obj is not None and not self.has_change_permission(request, obj):
            context["read_only_reason"] = (
                "Bài của phóng viên khác: bạn chỉ xem được."
                if obj.author_id != request.user.pk
                else "Bài đã đăng: chỉ biên tập viên sửa được."
            )
        response = super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
        if obj is not None and not obj.is_visible:
            # Not on the site yet: "Xem trên trang" shows the preview.
            response.context_data["absolute_url"] = reverse(
                "admin:articles_article_preview", args=[obj.pk]
            )
        return response

    def save_model(self, request, obj, form, change):
        step = form.step
        ward = obj.ward if obj.ward_id else self.form_ward(request)
        if step is not None and not step.allowed(request.user, obj, ward):
            raise PermissionDenied
        if not change and obj.author_id is None:
            obj.author = request.user
        if step is not None:
            workflow.apply(step, obj, keep_time=published_time_set(form))
            set_revision_comment(
                f"{step.label}: {obj.review_note}" if step.needs_note else step.label
            )
        super().save_model(request, obj, form, change)
        if step is not None:
            workflow.record(
                obj, request.user, note=obj.review_note if step.needs_note else ""
            )
        elif not change:
            workflow.record(obj, request.user)
        self.message_user(request, workflow.outcome(obj), messages.INFO)
        if undescribed := pictures_without_description(obj.body):
            self.message_user(
                request,
                f"Có {undescribed} ảnh trong nội dung chưa có mô tả: người không xem "
                "được ảnh sẽ không biết ảnh chụp gì. Hãy bấm đúp vào ảnh, điền "
                "“Mô tả ảnh” rồi lưu lại.",
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview" in request.POST:
            return redirect("admin:articles_article_preview", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_preview" in request.POST:
            return redirect("admin:articles_article_preview", obj.pk)
        return super().response_change(request, obj)

    # Preview -----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/xem-truoc/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/go-bai/",
                self.admin_site.admin_view(self.withdraw_view),
                name="articles_article_withdraw",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("Không có bài viết này.")
        if not workflow.may_preview(request.user, article):
            raise PermissionDenied
        return ArticlePreviewView.as_view(article=article)(request, slug=article.slug)

    def withdraw_view(self, request, object_id):
        """ "Gỡ bài": GET asks (what readers will lose), POST takes it down."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("Không có bài viết này.")
        if not workflow.WITHDRAW.allowed(request.user, article, article.ward):
            raise PermissionDenied
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        if article.status != Article.Status.PUBLISHED:
            self.message_user(
                request,
                "Bài không hiện trên trang nên không có gì để gỡ.",
                messages.INFO,
            )
            return redirect(change_url)
        if request.method != "POST":
            return confirmation_page(
                request, self, [article], withdrawing(article), cancel_url=change_url
            )
        with article_revision(request.user, workflow.WITHDRAW.label):
            self._step(request, article, workflow.WITHDRAW)
        self.message_user(request, workflow.outcome(article), messages.SUCCESS)
        return redirect(change_url)

    # List actions ------------------------------------------------------------

    @admin.action(description="Đăng các bài đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        self._take_step(request, queryset, workflow.PUBLISH, "Đã đăng")

    @admin.action(description="Gỡ các bài đã chọn", permissions=["publish"])
    @asks_first(
        withdrawing(),
        down=Article.Status.WITHDRAWN,
    )
    def withdraw(self, request, queryset):
        self._take_step(request, queryset, workflow.WITHDRAW, "Đã gỡ")

    def _take_step(self, request, queryset, step, done):
        """The step for each chosen article the user may take it on; the
        others are left as they are, and counted."""
        taken = refused = 0
        for article in queryset.exclude(status=step.to_status):
            if not step.allowed(request.user, article, article.ward):
                refused += 1
                continue
            self._step(request, article, step)
            taken += 1
        self.message_user(request, f"{done} {taken} bài.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"{refused} bài không thuộc quyền của bạn nên giữ nguyên.",
                messages.WARNING,
            )

    def _step(self, request, article, step):
        """A step taken outside the form ("Gỡ bài", a list action)."""
        workflow.apply(step, article, keep_time=False)
        article.save()
        workflow.record(article, request.user)
