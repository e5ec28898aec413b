"""Plain-text article exports (the seed format) -> published Articles.

An export looks like this, paragraphs separated by blank lines::

    CÔNG TÁC ĐẢNG
    <title>
    Ngày đăng 24/01/2022 | 10:15 | Lượt xem: 75
    <lead paragraph>
    <body paragraphs ...>

Parsing is pure (no database); importing runs one transaction per file.
"""

import html
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Max

import bulkload
from vietnamese.messages import explain
from vietnamese.text import fold, nfc, sentence_case
from wards.models import Ward

from .models import Article, Category, DailyViews, validate_publish_time

# The exports carry the ward's wall-clock time, whatever the site's TIME_ZONE.
EXPORT_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

DATE_LINE_HINT = "“Ngày đăng …”"

# "Ngày đăng 24/01/2022 | 10:15 | Lượt xem: 1.204": `\s` also matches the
# non-breaking spaces that web pages leave around the bars; "." groups
# thousands in Vietnamese.
_DATE_LINE = re.compile(
    r"""
    Ngày\s+đăng\s*:?\s*
    (?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})
    \s*\|\s*
    (?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})
    \s*\|\s*
    Lượt\s+xem\s*:?\s*
    (?P<views>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A date line gone wrong, yet not a title such as "Ngày đăng ký nghĩa vụ...".
_DATE_LINE_START = re.compile(r"Ngày\s+đăng\s*:?\s*[0-9]", re.IGNORECASE)
_LIST_ITEM = re.compile(r"-\s+(?P<text>\S.*)")


class ArticleFormatError(ValueError):
    """The file is not an article export; the message is for the staff."""


@dataclass(frozen=True)
class ParsedArticle:
    category_name: str
    title: str
    published_at: datetime
    view_count: int
    lead: str
    body_html: str


def normalise_text(text: str) -> str:
    """One form for every export: no BOM, "\\n" line ends, NFC.

    NFC first of all: in decomposed text "Ngày đăng" would not match.
    """
    if "\x00" in text:
        # PostgreSQL refuses NUL in text; a file holding one is not an export.
        raise ArticleFormatError("tệp chứa ký tự NUL, không phải văn bản")
    text = text.removeprefix("\ufeff")
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def read_article_file(path: str | Path) -> str:
    """The text of an export file, normalised; ArticleFormatError if unreadable."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ArticleFormatError("không tìm thấy tệp") from None
    except IsADirectoryError:
        raise ArticleFormatError("không đọc được tệp: đây là thư mục") from None
    except PermissionError:
        raise ArticleFormatError("không đọc được tệp: không có quyền đọc") from None
    except OSError as exc:
        raise ArticleFormatError(f"không đọc được tệp: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleFormatError("không đọc được tệp: không phải UTF-8") from None
    return normalise_text(text)


def parse_article(text: str) -> ParsedArticle:
    """Read an export's text; ArticleFormatError says what is wrong with it."""
    text = normalise_text(text)
    lines = [line.strip() for line in text.split("\n")]
    filled = [(number, line) for number, line in enumerate(lines, 1) if line]
    if not filled:
        raise ArticleFormatError("tệp trống")

    category_name = _single_spaced(filled[0][1])
    _check_length(category_name, Category, "name", "tên chuyên mục")

    if len(filled) < 2 or _DATE_LINE_START.match(filled[1][1]):
        raise ArticleFormatError("thiếu tiêu đề (dòng thứ hai của bài)")
    title = _single_spaced(filled[1][1])
    _check_length(title, Article, "title", "tiêu đề")

    if len(filled) < 3:
        raise ArticleFormatError(f"thiếu dòng {DATE_LINE_HINT} sau tiêu đề")
    date_number, date_line = filled[2]
    published_at, view_count = _parse_date_line(date_line, date_number)

    paragraphs = _paragraphs(lines[date_number:])
    if not paragraphs:
        raise ArticleFormatError(f"thiếu đoạn sapo sau dòng {DATE_LINE_HINT}")
    return ParsedArticle(
        category_name=category_name,
        title=title,
        published_at=published_at,
        view_count=view_count,
        lead="\n".join(paragraphs[0]),
        body_html=_body_html(paragraphs[1:]),
    )


def _single_spaced(line: str) -> str:
    return " ".join(line.split())


def _check_length(value: str, model, field_name: str, label: str) -> None:
    limit = model._meta.get_field(field_name).max_length
    if len(value) > limit:
        raise ArticleFormatError(
            f"{label} dài {len(value)} ký tự, quá giới hạn {limit} ký tự"
        )


def _parse_date_line(line: str, number: int) -> tuple[datetime, int]:
    match = _DATE_LINE.fullmatch(line)
    if not match:
        if _DATE_LINE_START.match(line):
            raise ArticleFormatError(
                f"dòng {number} sai dạng {DATE_LINE_HINT}: “{line}” "
                "(cần “Ngày đăng DD/MM/YYYY | HH:MM | Lượt xem: N”)"
            )
        raise ArticleFormatError(
            f"thiếu dòng {DATE_LINE_HINT} sau tiêu đề (dòng {number} là “{line}”)"
        )
    parts = match.groupdict()
    try:
        published_at = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            tzinfo=EXPORT_TIME_ZONE,
        )
    except ValueError:
        raise ArticleFormatError(
            f"ngày giờ đăng không có thật: {parts['day']}/{parts['month']}/"
            f"{parts['year']} {parts['hour']}:{parts['minute']}"
        ) from None
    try:
        validate_publish_time(published_at)
    except ValidationError as error:
        raise ArticleFormatError(
            f"ngày giờ đăng {parts['day']}/{parts['month']}/{parts['year']}: "
            + " ".join(error.messages)
        ) from None
    view_count = int(parts["views"].replace(".", ""))
    return published_at, view_count


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Blank-line separated blocks of (stripped) lines."""
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _body_html(paragraphs: list[list[str]]) -> str:
    """Plain text to HTML: a <p> per paragraph, a <ul> per run of "- " lines.

    Everything is escaped: a "<" or "&" in the export is text, never markup.
    Numbered paragraphs stay paragraphs with their own number, as written.
    """
    blocks: list[tuple[str, list[str]]] = []
    for paragraph in paragraphs:
        in_paragraph = False
        for line in paragraph:
            item = _LIST_ITEM.fullmatch(line)
            if item:
                # List items separated by blank lines still make one list.
                if not blocks or blocks[-1][0] != "ul":
                    blocks.append(("ul", []))
                blocks[-1][1].append(html.escape(item["text"], quote=False))
                in_paragraph = False
            else:
                if not in_paragraph:
                    blocks.append(("p", []))
                    in_paragraph = True
                blocks[-1][1].append(html.escape(line, quote=False))
    return "\n".join(
        "<ul>" + "".join(f"<li>{item}</li>" for item in parts) + "</ul>"
        if kind == "ul"
        else "<p>" + "<br>".join(parts) + "</p>"
        for kind, parts in blocks
    )


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class ImportResult:
    path: Path | None
    status: ImportStatus
    article: Article | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        """What happened, in the staff's words."""
        if self.status == ImportStatus.IMPORTED:
            return (
                f"Đã nhập: “{self.article.title}” "
                f"(chuyên mục “{self.article.category.name}”)"
            )
        if self.status == ImportStatus.UNCHANGED:
            return f"Không đổi: bài “{self.article.title}” đã có"
        return f"Lỗi: {self.reason}"


def import_file(path: str | Path, ward: Ward) -> ImportResult:
    """Import one export file into the ward; a bad file gives a failed
    result, never a raise."""
    path = Path(path)
    try:
        text = read_article_file(path)
    except ArticleFormatError as exc:
        return ImportResult(path, ImportStatus.FAILED, reason=str(exc))
    return import_text(text, ward, path=path)


def import_text(text: str, ward: Ward, path: Path | None = None) -> ImportResult:
    """Import one export's text into the ward, all or nothing (category
    included)."""
    try:
        parsed = parse_article(text)
        with transaction.atomic():
            return _save(parsed, ward, path)
    except ArticleFormatError as exc:
        reason = str(exc)
    except (IntegrityError, DataError, OverflowError) as exc:
        reason = f"cơ sở dữ liệu từ chối bài: {exc}"
    return ImportResult(path, ImportStatus.FAILED, reason=reason)


def _save(parsed: ParsedArticle, ward: Ward, path: Path | None) -> ImportResult:
    # The same title at the same time is the same article: leave it alone.
    existing = (
        Article.objects.select_related("category")
        .filter(ward=ward, title=parsed.title, published_at=parsed.published_at)
        .first()
    )
    if existing:
        return ImportResult(path, ImportStatus.UNCHANGED, article=existing)
    article = Article(
        ward=ward,
        category=_category(parsed.category_name, ward),
        title=parsed.title,
        lead=parsed.lead,
        body=parsed.body_html,
        status=Article.Status.PUBLISHED,
        published_at=parsed.published_at,
        view_count=parsed.view_count,
        author=None,
    )
    _validate(article)
    article.save()
    return ImportResult(path, ImportStatus.IMPORTED, article=article)


def refresh_planner_statistics() -> None:
    """After a bulk load, the planner knows the articles at once."""
    bulkload.analyze(Article, Category, DailyViews)


def _category(name: str, ward: Ward) -> Category:
    """The ward's category named so whatever its case and Unicode form, else
    a new one of the ward's."""
    categories = Category.objects.filter(ward=ward)
    key = fold(name)
    for category in categories:
        if fold(category.name) == key:
            return category
    name = sentence_case(name)
    last = categories.aggregate(last=Max("menu_order"))["last"] or 0
    category = Category(ward=ward, name=name, menu_order=last + 10)
    _validate(category, exclude=["slug"])
    category.save()
    return category


def _validate(instance: Article | Category, exclude=None) -> None:
    """full_clean(), its complaints turned into one ArticleFormatError."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ArticleFormatError(explain(exc, type(instance))) from None
