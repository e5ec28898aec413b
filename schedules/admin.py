"""The schedule in the admin: a week at a time, entered quickly by a ward's
clerk (writers draft), published by its editors (publish_entry)."""

from datetime import date, timedelta

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion.models import Version

from vietnamese.text import nfc
from wards.admin import WardScopedVersionAdmin
from wards.takedown import AsksBeforeTakingDown, TakeDown, asks_first

# Registered with what it records before VersionAdmin would register the
# whole row.
from . import revisions  # noqa: F401
from .forms import EntryForm
from .models import SHOWN_FIELDS, Entry
from .weeks import BadWeek, Week, day_label, short_day_label

ALL_WEEKS = "tat-ca"


def may_publish(user, entry_or_ward) -> bool:
    return user.has_perm("schedules.publish_entry", entry_or_ward)


def chosen_week(value: str | None) -> Week | None:
    """The week the list shows for ?tuan=: the one it names (2026-W49), this
    week by default (or for a value naming none), None for every week."""
    if value == ALL_WEEKS:
        return None
    try:
        return Week.parse(value) if value else Week.of(timezone.localdate())
    except BadWeek:
        return Week.of(timezone.localdate())


class WeekFilter(admin.SimpleListFilter):
    """This week unless told otherwise: what a clerk works on."""

    title = "tuần"
    parameter_name = "tuan"

    def lookups(self, request, model_admin):
        this = Week.of(timezone.localdate())
        weeks = [
            (this.previous, "Tuần trước"),
            (this, "Tuần này"),
            (this.next, "Tuần sau"),
            (this.next.next, "Tuần sau nữa"),
        ]
        return [(ALL_WEEKS, "Mọi tuần")] + [
            (str(week), f"{label}: {week.monday:%d/%m} – {week.sunday:%d/%m}")
            for week, label in weeks
        ]

    def choices(self, changelist):
        shown = str(chosen_week(self.value()) or ALL_WEEKS)
        for value, label in self.lookup_choices:
            yield {
                "selected": value == shown,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": label,
            }

    def queryset(self, request, queryset):
        week = chosen_week(self.value())
        return queryset if week is None else queryset.of_week(week)


# What readers lose when one is taken down (wards/takedown.py).
TAKEDOWN = TakeDown(
    title="Gỡ khỏi lịch công tác?",
    losses=[
        "Lịch công tác tuần của phường: người dân và cán "
        "bộ xem lịch sẽ không thấy buổi làm việc, tiếp dân hay cuộc họp đó.",
    ],
    button="Có, gỡ khỏi lịch",
)


@admin.register(Entry)
class EntryAdmin(AsksBeforeTakingDown, WardScopedVersionAdmin):
    takedown = TAKEDOWN
    form = EntryForm
    change_list_template = "admin/schedules/entry/change_list.html"
    list_display = [
        "entry_day",
        "entry_time",
        "entry_content",
        "chair",
        "place",
        "kind",
        "state",
    ]
    list_display_links = ["entry_content"]
    list_filter = [WeekFilter, "kind", "status"]
    list_per_page = 100
    ordering = ["day", "start", "id"]
    search_fields = ["content", "chair", "participants", "place"]
    search_help_text = "Tìm theo nội dung, chủ trì, thành phần hoặc địa điểm."
    fields = [
        "ward",
        "day",
        ("start", "end"),
        "kind",
        "content",
        "chair",
        "participants",
        "place",
        "status",
    ]
    actions = ["publish", "unpublish", "copy_to_next_week"]

    class Media:
        css = {"all": ["articles/admin/admin.css", "schedules/admin/schedules.css"]}
        js = ["articles/admin/unsaved_changes.js"]

    # Who may do what ---------------------------------------------------------

    def _ward_for(self, request, obj=None):
        return obj.ward if obj is not None and obj.pk else self.form_ward(request)

    def _may_touch(self, request, obj) -> bool:
        """Writers work on drafts; a published entry is the editors'."""
        return obj.status == Entry.Status.DRAFT or may_publish(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or self._may_touch(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or self._may_touch(request, obj)
        )

    def has_publish_permission(self, request, obj=None):
        return may_publish(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        ward = self._ward_for(request, obj)
        if ward is None or not may_publish(request.user, ward):
            return ["status"]
        return []

    def save_model(self, request, obj, form, change):
        # Whatever was posted: only an editor of the entry's ward publishes,
        # or changes what is published.
        ward = obj.ward if obj.ward_id else self.form_ward(request)
        if not may_publish(request.user, ward):
            was_published = change and (
                Entry.objects.filter(pk=obj.pk)
                .exclude(status=Entry.Status.DRAFT)
                .exists()
            )
            if obj.status != Entry.Status.DRAFT or was_published:
                raise PermissionDenied
        super().save_model(request, obj, form, change)
        self.message_user(request, outcome(obj), messages.INFO)

    # The form ----------------------------------------------------------------

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial["day"] = self._initial_day(request)
        return initial

    @staticmethod
    def _initial_day(request) -> date:
        """The day asked for (?day=2026-11-30, from the week's "Thêm" links
        and "Lưu và thêm mục khác"), else the next working day."""
        try:
            return date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
            while day.weekday() >= 5:
                day += timedelta(days=1)
            return day

    def add_view(self, request, form_url="", extra_context=None):
        # The day's name in the title: a date alone does not say "Thứ Năm".
        day = day_label(self._initial_day(request))
        extra_context = {
            "title": f"Thêm mục lịch công tác: {day}",
            **(extra_context or {}),
        }
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            # The next entry is most likely the same day's.
            self.message_user(
                request,
                f"Đã thêm “{obj}”. Thêm mục tiếp theo:",
                messages.SUCCESS,
            )
            url = reverse("admin:schedules_entry_add")
            return redirect(f"{url}?day={obj.day.isoformat()}&ward={obj.ward_id}")
        return super().response_add(request, obj, post_url_continue)

    def response_post_save_add(self, request, obj):
        return redirect(self._week_list(obj))

    def response_post_save_change(self, request, obj):
        return redirect(self._week_list(obj))

    @staticmethod
    def _week_list(obj):
        return f"{reverse('admin:schedules_entry_changelist')}?tuan={obj.week}"

    # The list ----------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        week = chosen_week(request.GET.get("tuan"))
        context = {"schedule_week": week}
        if week is not None:
            this = Week.of(timezone.localdate())
            ward = self.form_ward(request)
            context.update(
                week_label=week.label,
                is_this_week=week == this,
                previous_week=week.previous,
                next_week=week.next,
                this_week=this,
                add_days=[
                    (day, short_day_label(day), day == timezone.localdate())
                    for day in week.days
                ]
                if self.has_add_permission(request)
                else [],
                add_ward=ward.pk if ward else "",
            )
        context.update(extra_context or {})
        return super().changelist_view(request, context)

    def get_search_results(self, request, queryset, search_term):
        # Stored text is NFC; a term typed on some keyboards arrives NFD.
        return super().get_search_results(request, queryset, nfc(search_term))

    @admin.display(description="ngày", ordering="day")
    def entry_day(self, entry):
        return short_day_label(entry.day) + f"/{entry.day:%Y}"

    @admin.display(description="giờ", ordering="start")
    def entry_time(self, entry):
        return entry.time_label

    @admin.display(description="nội dung")
    def entry_content(self, entry):
        return Truncator(entry.content).chars(90)

    @admin.display(description="trạng thái", ordering="status")
    def state(self, entry):
        return format_html(
            '<span class="article-state article-state-{}">{}</span>',
            entry.status,
            entry.get_status_display(),
        )

    # List actions ------------------------------------------------------------

    @admin.action(description="Đăng các mục đã chọn", permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Entry.Status.PUBLISHED, "Đã đăng")

    @admin.action(
        description="Gỡ các mục đã chọn (về bản nháp)", permissions=["publish"]
    )
    @asks_first(
        TAKEDOWN,
        down=Entry.Status.DRAFT,
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Entry.Status.DRAFT, "Đã gỡ")

    def _set_status(self, request, queryset, status, done):
        changed = refused = 0
        for entry in queryset.exclude(status=status).select_related("ward"):
            if not may_publish(request.user, entry):
                refused += 1
                continue
            entry.status = status
            entry.save()
            changed += 1
        self.message_user(request, f"{done} {changed} mục.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"{refused} mục không thuộc quyền của bạn nên giữ nguyên.",
                messages.WARNING,
            )

    @admin.action(
        description="Chép sang tuần sau (thành bản nháp)", permissions=["add"]
    )
    def copy_to_next_week(self, request, queryset):
        """The chosen entries again a week later, as drafts: a week's
        regular meetings and reception days entered once."""
        copied = 0
        for entry in queryset.select_related("ward"):
            if not self._has_ward_permission(request, "add", entry.ward):
                continue
            copy = Entry(
                ward=entry.ward,
                **{name: getattr(entry, name) for name in SHOWN_FIELDS},
            )
            copy.day = entry.day + timedelta(days=7)
            try:
                copy.full_clean()
            except ValidationError:  # A week past the last year shown.
                continue
            copy.save()
            copied += 1
        self.message_user(
            request,
            f"Đã chép {copied} mục sang tuần sau, thành bản nháp: hãy xem lại "
            "rồi nhờ biên tập viên đăng.",
            messages.SUCCESS,
        )
        if copied:
            last = queryset.order_by("-day").first()
            return redirect(
                f"{reverse('admin:schedules_entry_changelist')}"
                f"?tuan={Week.of(last.day + timedelta(days=7))}"
            )
        return None

    # Revisions ---------------------------------------------------------------

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """An old version, in the entry's own form to be saved like any
        change: only what readers see comes back (revisions.py), with the
        form's permissions; never reversion's revert, which would save the
        stored row with defaults for the rest."""
        entry = self.get_object(request, unquote(object_id))
        if entry is None:
            raise Http404("Không có mục lịch này.")
        if not self.has_change_permission(request, entry):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object(entry), pk=version_id
        )
        request._restoring = version.field_dict
        local = timezone.localtime(version.revision.date_created)
        self.message_user(
            request,
            f"Nội dung lúc {local:%H:%M %d/%m/%Y} đã được điền vào biểu mẫu. "
            "Bấm “Lưu lại” để đưa mục về nội dung này.",
            messages.INFO,
        )
        change_url = reverse("admin:schedules_entry_change", args=[entry.pk])
        return self.changeform_view(request, object_id, change_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        restoring = getattr(request, "_restoring", None)
        if entry is not None and restoring and request.method == "GET":
            for name in SHOWN_FIELDS:
                if name in restoring:
                    setattr(entry, name, restoring[name])
        return entry


def outcome(entry) -> str:
    """What readers now see of the entry, in words, after saving."""
    if entry.is_visible:
        return f"Mục lịch đang hiện với bạn đọc trong lịch tuần {entry.week.number}."
    return (
        "Mục lịch là bản nháp: bạn đọc chưa thấy. Biên tập viên chọn các mục "
        "trong danh sách rồi chọn “Đăng các mục đã chọn”."
    )
