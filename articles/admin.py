from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from wardnews.wards.admin import OwnWardsRelatedFilter, WardScopedAdmin

from .models import Article, Category
from .richtext import EditorWidget
from .text import nfc

admin.site.site_header = "Quản trị cổng thông tin"
admin.site.site_title = "Quản trị cổng thông tin"
admin.site.index_title = "Quản lý nội dung"
# Staff use two or three lists: the room goes to their columns instead.
admin.site.enable_nav_sidebar = False


class VietnameseSlugMedia:
    # Slugs typed live from the title, "đ" and all (see the script).
    js = ["articles/admin/urlify_vi.js"]
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


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "lead": forms.Textarea(attrs={"rows": 3}),
        }


@admin.register(Article)
class ArticleAdmin(NormalisedSearchAdmin):
    Media = VietnameseSlugMedia
    form = ArticleAdminForm
    list_display = [
        "title",
        "category",
        "status",
        "published_at",
        "view_count",
        "author",
    ]
    list_filter = ["status", ("category", OwnWardsRelatedFilter), "published_at"]
    list_select_related = ["ward", "category", "author"]
    search_fields = ["title", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["view_count", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "ward",
                    "category",
                    "title",
                    "slug",
                    "lead",
                    "body",
                    "featured_image",
                ]
            },
        ),
        ("Xuất bản", {"fields": ["status", "published_at", "author"]}),
        ("Thông tin", {"fields": ["view_count", "created_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # Nothing to tell about an article not yet saved.
            return [fs for fs in fieldsets if fs[0] != "Thông tin"]
        return fieldsets

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            # The editor uploads into, and browses, the article's ward.
            kwargs["widget"] = EditorWidget(ward=getattr(request, "_form_ward", None))
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
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {
            "author": request.user.pk,
            **super().get_changeform_initial_data(request),
        }

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Đăng các bài đã chọn")
    def publish(self, request, queryset):
        now = timezone.now()
        # Published articles keep their date: only drafts go out.
        queryset = queryset.exclude(status=Article.Status.PUBLISHED)
        for article in queryset:
            article.status = Article.Status.PUBLISHED
            # A draft goes out as today's news; a scheduled one keeps its time.
            article.published_at = max(article.published_at, now)
            article.save()
        self.message_user(request, f"Đã đăng {len(queryset)} bài.", messages.SUCCESS)

    @admin.action(description="Chuyển các bài đã chọn về bản nháp")
    def unpublish(self, request, queryset):
        for article in queryset:
            article.status = Article.Status.DRAFT
            article.save()
        self.message_user(
            request, f"Đã chuyển {len(queryset)} bài về bản nháp.", messages.SUCCESS
        )
