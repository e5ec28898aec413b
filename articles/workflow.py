"""An article's way to readers: who may do what, and each step.

A writer (Phóng viên) drafts and submits for review; an editor (Biên tập
viên) publishes (now or at a time), sends back with a note, or withdraws.
What a user may do is asked of their role in the article's ward (see
wards/roles.py); the admin's form, list actions and preview all ask
here, so a crafted request meets the same rules as a button.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from activity import log as activity

from .models import Article, ArticleEvent

Status = Article.Status

# What a writer may still change: nothing that readers have seen.
WRITERS_STATES = {Status.DRAFT, Status.REVIEW}


def may_publish(user, article_or_ward) -> bool:
    """Publish, schedule, withdraw, pin, send back: the editor's part."""
    return user.has_perm("articles.publish_article", article_or_ward)


def may_edit(user, article) -> bool:
    """Editors edit any article of their ward; writers their own, until it
    is published."""
    if not user.has_perm("articles.change_article", article):
        return False
    if may_publish(user, article):
        return True
    return article.author_id == user.pk and article.status in WRITERS_STATES


def waiting_for(user):
    """The articles waiting for this user's review: those of the wards
    where they may publish."""
    from wards.models import Ward

    wards = [w.pk for w in Ward.objects.for_user(user) if may_publish(user, w)]
    return Article.objects.filter(status=Status.REVIEW, ward__in=wards)


def readable_by(user, articles, wards):
    """The articles staff may open in the admin, of those of their `wards`:
    every one in a ward where they publish; elsewhere their own, whatever
    their state, and what readers see. A colleague's draft, waiting,
    scheduled or withdrawn article is another writer's unfinished work, not
    theirs to read, unless the installation opens it to them
    (WRITERS_SEE_COLLEAGUES_DRAFTS; may_edit still keeps it read only)."""
    if settings.WRITERS_SEE_COLLEAGUES_DRAFTS:
        return articles
    editing = [ward.pk for ward in wards if may_publish(user, ward)]
    if len(editing) == len(wards):
        return articles
    return articles.filter(
        Q(ward__in=editing)
        | Q(author_id=user.pk)
        | Q(status=Status.PUBLISHED, published_at__lte=timezone.now())
    )


def may_preview(user, article) -> bool:
    """Whoever may edit an article may see it as readers will."""
    return may_edit(user, article)


class Step:
    """A workflow step staff can take from the article form."""

    def __init__(self, name, label, to_status, editors_only, needs_note=False):
        self.name = name  # The submit button's name, "_publish"…
        self.label = label
        self.to_status = to_status
        self.editors_only = editors_only
        self.needs_note = needs_note

    def allowed(self, user, article, ward) -> bool:
        """May this user take this step on this article (of this ward)?"""
        if self.editors_only:
            return may_publish(user, ward)
        return article.status != self.to_status and (
            article.pk is None or may_edit(user, article)
        )


SUBMIT = Step("_submit", "Gửi duyệt", Status.REVIEW, editors_only=False)
PUBLISH = Step("_publish", "Đăng bài", Status.PUBLISHED, editors_only=True)
SEND_BACK = Step(
    "_send_back", "Trả lại phóng viên", Status.DRAFT, editors_only=True, needs_note=True
)
WITHDRAW = Step("_withdraw", "Gỡ bài", Status.WITHDRAWN, editors_only=True)
# The form's buttons. Withdrawing is not one of them: it takes a live page
# down, so it has a page of its own that asks first (wards/takedown.py).
STEPS = [SUBMIT, PUBLISH, SEND_BACK]


def steps_for(user, article, ward) -> list[Step]:
    """The steps to offer as buttons on this article's form."""
    status = article.status if article.pk else Status.DRAFT
    editor = may_publish(user, ward)
    offered = []
    if not editor and status == Status.DRAFT:
        offered.append(SUBMIT)
    if editor and status != Status.PUBLISHED:
        offered.append(PUBLISH)
    if editor and status == Status.REVIEW:
        offered.append(SEND_BACK)
    return offered


def may_withdraw(user, article) -> bool:
    """Offer "Gỡ bài" (its confirmation page) on this article's form."""
    return article.status == Status.PUBLISHED and may_publish(user, article.ward)


def step_named(post) -> Step | None:
    """The step a submitted form asks for, by its button."""
    return next((step for step in STEPS if step.name in post), None)


def apply(step: Step, article, *, keep_time: bool) -> None:
    """Move the (unsaved) article to the step's state.

    Publishing an article readers have never seen makes it today's news,
    unless the editor set its time (keep_time): a later time schedules it, an
    earlier one dates it back.
    """
    if step is PUBLISH and not keep_time and not _was_published(article):
        article.published_at = max(article.published_at, timezone.now())
    if step is PUBLISH or step is SUBMIT:
        # The editor's note was for the way here; the steps keep it.
        article.review_note = ""
    article.status = step.to_status


def _was_published(article) -> bool:
    if article.pk is None:
        return False
    return article.events.filter(status=Status.PUBLISHED).exists() or (
        Article.objects.filter(pk=article.pk, status=Status.PUBLISHED).exists()
    )


def record(article, user, note: str = "") -> ArticleEvent:
    """Note who moved the article to its present state, and when; putting
    it before readers or taking it away goes in the staff activity log too."""
    if article.status in _LOGGED:
        activity.record(
            None,
            _LOGGED[article.status],
            user=user,
            ward=article.ward_id,
            target=article.title,
        )
    return ArticleEvent.objects.create(
        article=article, status=article.status, user=user, note=note
    )


_LOGGED = {
    Status.PUBLISHED: activity.Action.PUBLISHED,
    Status.WITHDRAWN: activity.Action.WITHDRAWN,
}


def outcome(article) -> str:
    """What readers will now see of the article, in words, for the message
    after saving."""
    local = timezone.localtime(article.published_at)
    when = f"{local:%H:%M} ngày {local:%d/%m/%Y}"
    if article.is_scheduled:
        return f"Bài sẽ hiện với bạn đọc lúc {when}."
    if article.status == Status.PUBLISHED:
        return f"Bài đang hiện với bạn đọc (thời gian đăng {when})."
    if article.status == Status.DRAFT and article.review_note:
        return "Đã trả bài cho phóng viên kèm ghi chú; bạn đọc chưa xem được bài."
    if article.status == Status.REVIEW:
        return "Bài đã gửi biên tập viên duyệt; bạn đọc chưa xem được bài."
    if article.status == Status.WITHDRAWN:
        return "Bài đã gỡ, bạn đọc không còn xem được."
    return "Bài đang là bản nháp, bạn đọc chưa xem được."
