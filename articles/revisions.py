"""Article revisions: every save keeps one, and staff compare two and restore
an old one from the article's "Lịch sử" page.

django-reversion stores them: a Revision says who saved, when and why (its
comment); its Version holds the article's fields as they were. Restoring is
our own rather than reversion's VersionAdmin revert, which writes every
stored field back (the status too) before the admin asks who may change the
article: here a restore brings back what was written (title, lead, body,
category, picture) and never the publishing state, so nobody publishes,
withdraws or schedules an article by restoring, and the ward and the
article's permission are checked first.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher
from html.parser import HTMLParser
from pathlib import PurePosixPath

import reversion
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.errors import RevertError
from reversion.models import Version

from .models import Article, Category

# What each revision keeps of the article. Attachments are not followed: a
# restore never brings them back (their files have a life of their own), and
# following them would make reversion keep deleted attachments' rows.
RECORDED_FIELDS = [
    "title",
    "slug",
    "lead",
    "body",
    "category",
    "status",
    "published_at",
    "is_featured",
    "featured_image",
    "featured_image_alt",
    "featured_image_caption",
    "byline",
    "source",
    "source_url",
    "author",
]

# What a restore brings back: what was written. The publishing state
# (status, time, pin), the author and the address stay as they are now.
RESTORED_FIELDS = [
    "title",
    "lead",
    "body",
    "category",
    "featured_image",
    "featured_image_alt",
    "featured_image_caption",
    "byline",
    "source",
    "source_url",
]
KEPT_FIELDS = ["status", "published_at", "is_featured", "author", "slug"]

reversion.register(Article, fields=RECORDED_FIELDS)


def set_revision_comment(text: str) -> None:
    """Say why the article is being saved ("Gửi duyệt", "Đăng bài"…): the
    history shows it. Does nothing when no revision is being made."""
    if reversion.is_active():
        reversion.set_comment(text)


@contextmanager
def article_revision(user=None, comment: str = ""):
    """Saves in the block (or the decorated function) make one revision, by
    the user if given: for saves outside the admin's forms, such as
    management commands. Nested in another revision, it joins that one."""
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        yield


# --- Reading revisions ---------------------------------------------------------


def article_snapshot(article: Article) -> dict:
    """The recorded fields of an article as it is now."""
    return {
        name: _plain(getattr(article, Article._meta.get_field(name).attname))
        for name in RECORDED_FIELDS
    }


def version_snapshot(version: Version) -> dict | None:
    """The recorded fields of the article as this version kept them; None if
    the version can no longer be read (stored by an incompatible model)."""
    try:
        data = version.field_dict
    except RevertError:
        return None
    return {
        name: _plain(data.get(Article._meta.get_field(name).attname))
        for name in RECORDED_FIELDS
    }


def _plain(value):
    # A file field's value compares and displays by its stored name.
    return (value.name or "") if hasattr(value, "storage") else value


# How long a save may take between its revision's time and the publishing
# time it sets (a request times out well before).
SAVE_TAKES_AT_MOST = timedelta(seconds=30)


def state_at(snapshot: dict, when) -> str:
    """The article's state as readers had it then: its status, or that it
    was scheduled for a later time. ``when`` is the revision's time, taken as
    its save began: "Đăng bài" then sets the publishing time a moment later,
    which is publishing now."""
    status = snapshot["status"]
    published_at = snapshot["published_at"]
    if (
        status == Article.Status.PUBLISHED
        and published_at
        and published_at > when + SAVE_TAKES_AT_MOST
    ):
        return f"Hẹn giờ {timezone.localtime(published_at):%H:%M %d/%m/%Y}"
    try:
        return Article.Status(status).label
    except ValueError:
        return status or "—"


def person(user) -> str:
    """How staff are named to colleagues: in the history, the article list,
    the review steps and the author field."""
    if user is None:
        return "—"
    # Family name first, as Vietnamese names are written ("Họ", then "Tên").
    full_name = f"{user.last_name} {user.first_name}".strip()
    return full_name or user.get_username()


def local_time(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


# --- Differences -----------------------------------------------------------------

# The order fields are shown in: what was written, then how it was published.
SHOWN_FIELDS = [
    "title",
    "lead",
    "body",
    "category",
    "featured_image",
    "featured_image_alt",
    "featured_image_caption",
    "byline",
    "source",
    "source_url",
    "slug",
    "status",
    "published_at",
    "is_featured",
    "author",
]
_INLINE_TEXT_FIELDS = {
    "title",
    "slug",
    "lead",
    "featured_image_alt",
    "featured_image_caption",
    "byline",
    "source",
    "source_url",
}


def label(name: str) -> str:
    return str(Article._meta.get_field(name).verbose_name)


@dataclass
class Change:
    name: str
    label: str
    diff: SafeString  # Every piece of text in it escaped.


@dataclass
class Names:
    """The names of the categories and people two snapshots refer to."""

    categories: dict
    users: dict

    @classmethod
    def of(cls, *snapshots):
        category_ids = {s["category"] for s in snapshots} - {None}
        user_ids = {s["author"] for s in snapshots} - {None}
        return cls(
            categories=Category.objects.in_bulk(category_ids),
            users=get_user_model()._default_manager.in_bulk(user_ids),
        )

    def display(self, name: str, value) -> str:
        """A field's value as staff read it."""
        if name == "category":
            category = self.categories.get(value)
            return str(category) if category else "(chuyên mục đã xóa)"
        if name == "author":
            if value is None:
                return "(chưa có)"
            user = self.users.get(value)
            return person(user) if user else "(tài khoản đã xóa)"
        if name == "status":
            try:
                return Article.Status(value).label
            except ValueError:
                return str(value)
        if name == "published_at":
            return local_time(value) if value else "(trống)"
        if name == "is_featured":
            return "Có" if value else "Không"
        if name == "featured_image":
            return PurePosixPath(value).name if value else "(không có ảnh)"
        return str(value) if value else "(trống)"


def same_value(name: str, before, after) -> bool:
    """The two values of a field are the same to staff. Times are shown and
    set to the minute: revisions saved before the form kept seconds differ
    by seconds only, which is no change."""
    if name == "published_at" and before and after:
        return before.replace(second=0, microsecond=0) == after.replace(
            second=0, microsecond=0
        )
    return before == after


def compare(old: dict, new: dict, fields=SHOWN_FIELDS) -> tuple[list, list]:
    """The fields that differ from old to new, each with its difference
    marked (<del> what went, <ins> what came), and the labels of those that
    did not change."""
    names = Names.of(old, new)
    changes, unchanged = [], []
    for name in fields:
        before, after = old[name], new[name]
        if same_value(name, before, after):
            unchanged.append(label(name))
        elif name == "body":
            changes.append(Change(name, label(name), body_diff(before, after)))
        elif name in _INLINE_TEXT_FIELDS:
            changes.append(Change(name, label(name), inline_diff(before, after)))
        else:
            diff = format_html(
                "<del>{}</del> → <ins>{}</ins>",
                names.display(name, before),
                names.display(name, after),
            )
            changes.append(Change(name, label(name), diff))
    return changes, unchanged


# Words, runs of spaces and single other characters: a changed word is
# marked whole, and text put back together is the text.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def inline_diff(old: str, new: str) -> SafeString:
    """Old text turned into new, words taken out in <del>, put in in <ins>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in _grouped_opcodes(a, b):
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i1 < i2:
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j1 < j2:
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(parts))  # Each part escaped above.


def _grouped_opcodes(a, b):
    """difflib's opcodes, with changes separated only by spaces joined into
    one: "<del>ngày 5</del><ins>ngày 6</ins>" reads better than the words
    struck out one by one around kept spaces."""
    merged = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if merged and op != "equal" and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        elif (
            op == "equal"
            and merged
            and merged[-1][0] != "equal"
            and "".join(a[i1:i2]).isspace()
            and i2 < len(a)
            and j2 < len(b)
        ):
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((op, i1, i2, j1, j2))
    return merged


# Tags that end a paragraph of the body's text: blocks, list items, rows.
_BREAKS = {
    "p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "blockquote", "pre", "table", "caption", "tr",
    "figure", "figcaption",
}  # fmt: skip


class _Paragraphs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs, self.words = [], []

    def flush(self):
        text = " ".join("".join(self.words).split())
        if text:
            self.paragraphs.append(text)
        self.words = []

    def handle_starttag(self, tag, attrs):
        if tag in _BREAKS:
            self.flush()
        if tag == "li":
            self.words.append("• ")
        elif tag in ("td", "th") and "".join(self.words).strip():
            self.words.append(" | ")
        elif tag == "img":
            # A picture changed is a change too: it shows by its description.
            attrs = dict(attrs)
            name = attrs.get("alt") or PurePosixPath(attrs.get("src") or "").name
            self.words.append(f" [Ảnh: {name}] ")

    def handle_endtag(self, tag):
        if tag in _BREAKS:
            self.flush()

    def handle_data(self, data):
        self.words.append(data)


def text_paragraphs(html: str) -> list[str]:
    """The body's text, paragraph by paragraph: tags gone, each paragraph,
    list item, heading or table row on its own, pictures as "[Ảnh: …]"."""
    parser = _Paragraphs()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return parser.paragraphs


# Paragraphs this alike are one paragraph edited, its words marked; less
# alike, the old one is shown taken out and the new one put in.
_EDITED = 0.5
# Unchanged paragraphs kept around a change, so staff see where it is.
_CONTEXT = 1


def body_diff(old_html: str, new_html: str) -> SafeString:
    """The body's text from old to new, paragraph by paragraph; long runs of
    unchanged paragraphs are folded away."""
    a, b = text_paragraphs(old_html), text_paragraphs(new_html)
    rows = []  # (changed, safe html of one paragraph)
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            rows += [(False, escape(text)) for text in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            before = olds[k] if k < len(olds) else None
            after = news[k] if k < len(news) else None
            if before is not None and after is not None and _alike(before, after):
                rows.append((True, inline_diff(before, after)))
                continue
            if before is not None:
                rows.append((True, format_html("<del>{}</del>", before)))
            if after is not None:
                rows.append((True, format_html("<ins>{}</ins>", after)))
    if not any(changed for changed, _ in rows):
        return format_html(
            '<p class="revision-note">{}</p>',
            "Chữ không đổi, chỉ đổi định dạng (chữ đậm, liên kết, bảng…).",
        )
    return _fold_unchanged(rows)


def _alike(before: str, after: str) -> bool:
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if len(a) + len(b) > MAX_DIFF_ITEMS:
        return matcher.quick_ratio() >= _EDITED  # Counts only: linear.
    return matcher.ratio() >= _EDITED


# Past this many words (or paragraphs) on the two sides together, difflib's
# matching is not run: on repetitive text it is quadratic, and a writer's
# 20 KB of "a b a b…" held a worker for a minute and a half. What the two
# share at either end is kept, the rest shown as taken out and put in.
MAX_DIFF_ITEMS = 3000


def _opcodes(a, b):
    """difflib's opcodes from a to b, or for long ones the cheap outline."""
    if len(a) + len(b) <= MAX_DIFF_ITEMS:
        return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    opcodes = [("equal", 0, start, 0, start)] if start else []
    if start < len(a) - end or start < len(b) - end:
        opcodes.append(("replace", start, len(a) - end, start, len(b) - end))
    if end:
        opcodes.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return opcodes


def _fold_unchanged(rows) -> SafeString:
    near_change = {
        i + offset
        for i, (changed, _) in enumerate(rows)
        if changed
        for offset in range(-_CONTEXT, _CONTEXT + 1)
    }
    shown, folded = [], []
    for i, (changed, html) in enumerate(rows):
        if i not in near_change:
            folded.append(html)
            continue
        shown += _folded(folded)
        folded = []
        css = "revision-para revision-changed" if changed else "revision-para"
        shown.append(format_html('<p class="{}">{}</p>', css, html))
    shown += _folded(folded)
    return mark_safe("".join(shown))  # Built with format_html above.


def _folded(paragraphs: list) -> list:
    """A run of unchanged paragraphs, folded into one line unless it is one
    paragraph (the line would be no shorter)."""
    if len(paragraphs) == 1:
        return [format_html('<p class="revision-para">{}</p>', paragraphs[0])]
    if not paragraphs:
        return []
    return [
        format_html(
            '<p class="revision-para revision-folded">… {} đoạn không đổi …</p>',
            len(paragraphs),
        )
    ]


# --- Restoring --------------------------------------------------------------------


@dataclass
class RestorePlan:
    values: dict  # Field name -> the value the article gets back.
    warnings: list  # What cannot be brought back, and what stays instead.


def restore_plan(article: Article, then: dict) -> RestorePlan:
    """What restoring a revision would write into the article: its content
    fields, except a category that is gone or a picture no longer stored
    (those, with the picture's words, stay as they are now)."""
    values = {name: then[name] for name in RESTORED_FIELDS}
    warnings = []
    if not Category.objects.filter(
        pk=then["category"], ward_id=article.ward_id
    ).exists():
        del values["category"]
        warnings.append(
            "Chuyên mục của bản này không còn: bài giữ chuyên mục hiện tại."
        )
    image = then["featured_image"]
    if image and image != article.featured_image.name:
        if not article.featured_image.storage.exists(image):
            for name in (
                "featured_image",
                "featured_image_alt",
                "featured_image_caption",
            ):
                del values[name]
            warnings.append(
                "Ảnh đại diện của bản này không còn trên máy chủ: bài giữ ảnh đại "
                "diện, mô tả ảnh và chú thích ảnh hiện tại."
            )
    return RestorePlan(values, warnings)


def same_content(then: dict | None, current: dict) -> bool:
    """Restoring this revision would change nothing (or it cannot be read)."""
    return then is None or all(then[name] == current[name] for name in RESTORED_FIELDS)


def restore_comment(version: Version) -> str:
    revision = version.revision
    whose = f" của {person(revision.user)}" if revision.user else ""
    return f"Khôi phục bản ngày {local_time(revision.date_created)}{whose}"


def save_comment(add: bool, step: str, message: list) -> str:
    """A form save's comment: "Tạo bài viết", the workflow step ("Gửi
    duyệt"), what the form changed ("sửa tiêu đề, nội dung"); empty for a
    save that did none of these (it keeps no revision)."""
    parts = [
        part
        for part in (
            "Tạo bài viết" if add else "",
            step,
            _describe_form_changes(message),
        )
        if part
    ]
    if not parts:
        return ""
    first, *rest = parts
    return "; ".join(
        [first[:1].upper() + first[1:], *(p[:1].lower() + p[1:] for p in rest)]
    )


def _describe_form_changes(message: list) -> str:
    """The admin's change message (fields changed, inline rows added or
    deleted) in a few Vietnamese words: "sửa tiêu đề, nội dung"."""
    parts = []
    for entry in message:
        if "changed" in entry and "fields" in entry["changed"]:
            fields = ", ".join(str(f).lower() for f in entry["changed"]["fields"])
            if "name" in entry["changed"]:
                what = f"{entry['changed']['name']} “{entry['changed']['object']}”"
                parts.append(f"sửa {what} ({fields})")
            elif fields:
                parts.append(f"sửa {fields}")
        for key, verb in (("added", "thêm"), ("deleted", "xóa")):
            if key in entry and "name" in entry[key]:
                parts.append(f"{verb} {entry[key]['name']} “{entry[key]['object']}”")
    return ", ".join(parts)
