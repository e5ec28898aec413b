"""An item's way through the ward's inbox: who may do what, and each step.

Mới → Đang xử lý → Đã trả lời → Đã đăng công khai / Không công khai. An
editor of the ward (the role with the whole inbox, WHOLE_INBOX) assigns
items to the ward's staff, answers, publishes, keeps private, and closes
what needs no answer (spam, a duplicate) with a note saying why; a writer
works what is assigned to them: takes it, answers it. The admin's buttons,
its list and crafted requests all ask here, so a crafted request meets the
same rules as a button.
"""

from django.db.models import Q
from django.utils import timezone

from vietnamese.text import vietnamese_slugify
from wards.models import display_name

from . import deadlines, privacy
from .models import WHOLE_INBOX, Kind, Status, Submission

OPEN = (Status.NEW, Status.IN_PROGRESS)
CLOSED = (Status.ANSWERED, Status.PUBLISHED, Status.PRIVATE)


def person(user) -> str:
    """A colleague as Vietnamese names are written: family name first."""
    return "—" if user is None else display_name(user)


def works_whole_inbox(user, item_or_ward) -> bool:
    """The editor's part in the item's ward: assign, publish, close."""
    return user.has_perm(f"questions.{WHOLE_INBOX}", item_or_ward)


def is_ward_staff(user, ward) -> bool:
    """A member of the ward (whatever their role): whom the resident's
    personal data is for. A superuser of the city is not, unless they also
    work for the ward: they reach it only through a recorded export."""
    if not user.is_authenticated:
        return False
    wards = user.__dict__.setdefault("_questions_wards", {})
    if ward.pk not in wards:
        wards[ward.pk] = user.ward_memberships.filter(ward=ward).exists()
    return wards[ward.pk]


def may_work(user, item) -> bool:
    """Change the item at all: its ward's editors, or the one it is
    assigned to."""
    if not user.has_perm("questions.change_submission", item):
        return False
    return works_whole_inbox(user, item) or item.assignee_id == user.pk


def may_write_answer(user, item) -> bool:
    """Until the answer is sent, whoever works the item; after, an editor
    corrects it (the published page shows it)."""
    if not may_work(user, item):
        return False
    return item.status in OPEN or works_whole_inbox(user, item)


def sees_personal_data(user, item) -> bool:
    """Name, address, phone, email and files: the ward's own staff who may
    open the item."""
    return is_ward_staff(user, item.ward) and (
        works_whole_inbox(user, item) or item.assignee_id == user.pk
    )


def may_handle_requests(user, ward) -> bool:
    """Export or erase a person's data on their request: superusers and the
    ward's editors."""
    return user.is_superuser or (
        is_ward_staff(user, ward) and works_whole_inbox(user, ward)
    )


class Step:
    """A button on an item's form: the states it leaves from, the state it
    leads to, and what it needs."""

    def __init__(
        self,
        name,
        label,
        to_status,
        from_statuses,
        *,
        editors_only=False,
        needs_answer=False,
        needs_note=False,
    ):
        self.name = name  # The submit button's name, "_answer"…
        self.label = label
        self.to_status = to_status
        self.from_statuses = set(from_statuses)
        self.editors_only = editors_only
        self.needs_answer = needs_answer
        self.needs_note = needs_note

    def allowed(self, user, item) -> bool:
        """May this user take this step on the item, as it is stored?"""
        if item.status not in self.from_statuses or not may_work(user, item):
            return False
        return not self.editors_only or works_whole_inbox(user, item)


TAKE = Step("_take", "Nhận xử lý", Status.IN_PROGRESS, [Status.NEW])
ANSWER = Step("_answer", "Gửi trả lời", Status.ANSWERED, OPEN, needs_answer=True)
PUBLISH = Step(
    "_publish",
    "Đăng công khai",
    Status.PUBLISHED,
    [Status.ANSWERED, Status.PRIVATE],
    editors_only=True,
    needs_answer=True,
)
KEEP_PRIVATE = Step(
    "_private",
    "Không công khai",
    Status.PRIVATE,
    [Status.ANSWERED, Status.PUBLISHED],
    editors_only=True,
)
CLOSE = Step(
    "_close",
    "Đóng, không trả lời",
    Status.PRIVATE,
    OPEN,
    editors_only=True,
    needs_note=True,
)
STEPS = [TAKE, ANSWER, PUBLISH, KEEP_PRIVATE, CLOSE]


def steps_for(user, item) -> list[Step]:
    """The buttons to offer on this item's form."""
    return [step for step in STEPS if step.allowed(user, item)]


def step_named(post) -> Step | None:
    """The step a submitted form asks for, by its button."""
    return next((step for step in STEPS if step.name in post), None)


def apply(step: Step, item, user) -> None:
    """Move the (unsaved) item to the step's state."""
    now = timezone.now()
    if step is ANSWER:
        item.answered_at = now
        item.answered_by = user
        item.closed_at = now
        if item.assignee_id is None:
            item.assignee = user
    elif step is TAKE and item.assignee_id is None:
        item.assignee = user
    elif step is PUBLISH:
        if not item.slug:
            item.slug = unique_slug(item)
        if item.published_at is None:
            item.published_at = now
    elif step.to_status == Status.PRIVATE and item.closed_at is None:
        item.closed_at = now
    item.status = step.to_status


def assigned(item) -> None:
    """An editor gave a new item to someone: it is being handled."""
    if item.status == Status.NEW and item.assignee_id is not None:
        item.status = Status.IN_PROGRESS


def unique_slug(item) -> str:
    """The public page's address, unique in the ward, from the title as
    readers see it: the address travels where the page's scrubbing cannot
    follow (the sitemap, the canonical and og:url, every share), so a name
    or phone hidden on the page must not be spelled out in it."""
    shown = item.public_title.replace(privacy.HIDDEN, " ")
    shown = shown.replace(item.name_initials, " ") if item.name_initials else shown
    base = vietnamese_slugify(shown)[:180].strip("-") or "cau-hoi"
    taken = set(
        Submission.objects.filter(ward=item.ward, slug__startswith=base)
        .exclude(pk=item.pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# A comment on a draft waits for the draft's summary (CommentReport), not
# for an answer of its own: it has no deadline.
HAS_DEADLINE = Q(status__in=OPEN) & ~Q(kind=Kind.COMMENT)


def late(queryset, today=None):
    """The open questions and reports past the ward's deadline."""
    return queryset.filter(
        HAS_DEADLINE, received_at__lt=deadlines.late_if_received_before(today)
    )


def not_late(queryset, today=None):
    return queryset.filter(
        ~HAS_DEADLINE | Q(received_at__gte=deadlines.late_if_received_before(today))
    )


def waiting_for(user, queryset):
    """The items assigned to the user and not yet answered."""
    return queryset.filter(assignee=user, status__in=OPEN)


def has_deadline(item) -> bool:
    return item.status in OPEN and item.kind != Kind.COMMENT


def is_late(item) -> bool:
    return has_deadline(item) and deadlines.is_late(item.received_at)


def summarised(item, user) -> bool:
    """A comment taken into its draft's summary: closed without an answer of
    its own, if the user may close it."""
    if item.kind != Kind.COMMENT or not CLOSE.allowed(user, item):
        return False
    if not item.internal_note.strip():
        item.internal_note = "Đã tổng hợp vào báo cáo tổng hợp ý kiến."
    apply(CLOSE, item, user)
    item.save()
    return True


def outcome(item, step, *, reassigned: bool = False) -> str:
    """What happened, in words, for the message after saving."""
    if step is None and reassigned:
        if item.assignee_id is None:
            return f"Đã bỏ giao {item.code}: chưa có cán bộ xử lý."
        return f"Đã giao {item.code} cho {person(item.assignee)}."
    if step is TAKE:
        return f"Bạn đã nhận xử lý {item.code}."
    if step is ANSWER:
        return f"Đã lưu câu trả lời cho {item.code}."
    if step is PUBLISH:
        if item.published_at > timezone.now():
            when = timezone.localtime(item.published_at)
            return f"Câu hỏi và trả lời sẽ hiện trên trang lúc {when:%d/%m/%Y %H:%M}."
        return "Câu hỏi và trả lời đã đăng công khai trên trang của phường."
    if step is KEEP_PRIVATE:
        return "Câu trả lời không đăng công khai; chỉ người gửi xem được khi tra cứu."
    if step is CLOSE:
        return f"Đã đóng {item.code} mà không trả lời."
    return f"Đã lưu {item.code}."
