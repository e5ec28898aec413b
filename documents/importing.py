"""A ward's existing registry, from a spreadsheet, into its documents.

The file is CSV (UTF-8, comma or semicolon) or XLSX, its first row the
column names: so_ky_hieu, loai, co_quan, nguoi_ky, chuc_vu, ngay_ban_hanh,
ngay_hieu_luc, linh_vuc, trich_yeu, tep. Dates are typed dd/mm/yyyy; ``tep``
names files beside the spreadsheet (relative paths, several separated by
";"). Each row is checked on its own: a bad row is reported by its line
number with the reason, in the staff's words, and the good rows are
imported. Running it twice changes nothing more: a row whose number the
ward already has updates that document, and a file it already has (by
name) is not added again. Imported documents are published, dated by their
ngày ban hành.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from files.checks import document_problem
from files.names import display_name
from vietnamese.messages import explain
from vietnamese.text import fold_accents, nfc

from .models import Document, DocumentFile, Field, Issuer, Kind, number_key

COLUMNS = [
    "so_ky_hieu",
    "loai",
    "co_quan",
    "nguoi_ky",
    "chuc_vu",
    "ngay_ban_hanh",
    "ngay_hieu_luc",
    "linh_vuc",
    "trich_yeu",
    "tep",
]
REQUIRED = ["so_ky_hieu", "loai", "co_quan", "ngay_ban_hanh", "trich_yeu"]
LABELS = {
    "so_ky_hieu": "số ký hiệu",
    "loai": "loại",
    "co_quan": "cơ quan ban hành",
    "ngay_ban_hanh": "ngày ban hành",
    "ngay_hieu_luc": "ngày hiệu lực",
    "trich_yeu": "trích yếu",
}
MAX_ROWS = 100_000


class ImportError_(ValueError):  # noqa: N801 - not the builtin ImportError.
    """The whole file cannot be read; the message is for the staff."""


def _key(text: str) -> str:
    return " ".join(fold_accents(text).replace("-", " ").split())


# What staff type for each choice, folded: the label, the value, and the
# usual short forms.
KINDS = {_key(label): value for value, label in Kind.choices}
KINDS |= {_key(value): value for value in Kind.values}
ISSUERS = {_key(label): value for value, label in Issuer.choices}
ISSUERS |= {
    _key(text): value
    for text, value in [
        ("UBND", Issuer.UBND),
        ("Ủy ban nhân dân phường", Issuer.UBND),
        ("Đảng ủy", Issuer.DANG_UY),
        ("Đảng ủy phường", Issuer.DANG_UY),
        ("HĐND", Issuer.HDND),
        ("Hội đồng nhân dân phường", Issuer.HDND),
        ("MTTQ", Issuer.MTTQ),
        ("Ủy ban MTTQ", Issuer.MTTQ),
        ("Ủy ban Mặt trận Tổ quốc phường", Issuer.MTTQ),
        ("UBND TP", Issuer.UBND_TP),
        ("Ủy ban nhân dân Thành phố", Issuer.UBND_TP),
        ("Hội đồng nhân dân Thành phố", Issuer.HDND_TP),
    ]
}
FIELDS = {_key(label): value for value, label in Field.choices}
# "Tư pháp" for "Tư pháp - Hộ tịch", "Đất đai" for "Đất đai - Xây dựng"…
FIELDS |= {
    _key(part): value
    for value, label in Field.choices
    for part in label.split(" - ")
    if _key(part) not in FIELDS
}


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files_added: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class RowError(ValueError):
    pass


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for each filled row after the header."""
    if not path.is_file():
        raise ImportError_(f"không tìm thấy tệp “{path}”")
    if path.suffix.lower() == ".xlsx":
        rows = _xlsx_rows(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        rows = _csv_rows(path)
    else:
        raise ImportError_("chỉ nhận tệp .csv hoặc .xlsx")
    if not rows:
        raise ImportError_("tệp trống")
    header = [_column_name(cell) for cell in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportError_(
            "dòng tiêu đề thiếu cột " + ", ".join(missing) + " (cần các cột: "
            f"{', '.join(COLUMNS)})"
        )
    found = []
    for number, row in enumerate(rows[1:], start=2):
        cells = [_text(cell) for cell in row]
        if not any(cells):
            continue
        found.append((number, dict(zip(header, cells, strict=False))))
    if len(found) > MAX_ROWS:
        raise ImportError_(f"tệp có hơn {MAX_ROWS} dòng: hãy chia nhỏ")
    return found


def _column_name(cell) -> str:
    return nfc(str(cell or "")).strip().lower().removeprefix("\ufeff")


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(nfc(str(cell)).split())


def _csv_rows(path: Path) -> list[list]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(
            "tệp CSV không phải UTF-8: hãy lưu lại với “CSV UTF-8”"
        ) from None
    if "\x00" in text:
        raise ImportError_("tệp chứa ký tự NUL, không phải bảng CSV")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(nfc(text)), delimiter=delimiter))
    except csv.Error as error:  # A cell past the reader's limit, a stray quote.
        raise ImportError_(f"không đọc được bảng CSV ({error})") from None


def _xlsx_rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # A damaged or renamed file fails in many ways.
        raise ImportError_(
            "không đọc được tệp XLSX (hỏng hoặc không phải Excel)"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        # Only the registry's columns (and a few more, to name an unknown
        # one): a sheet may declare sixteen thousand, padded in every row.
        for row in sheet.iter_rows(values_only=True, max_col=len(COLUMNS) + 10):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _date(row, column) -> date | None:
    text = row.get(column, "")
    if not text:
        return None
    parts = text.replace("-", "/").replace(".", "/").split("/")
    if len(parts) != 3 or not all(p.isdecimal() for p in parts) or len(parts[2]) != 4:
        raise RowError(
            f"{LABELS[column]} “{text}” sai dạng: cần ngày/tháng/năm, ví dụ 24/01/2026"
        )
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise RowError(f"{LABELS[column]} “{text}” không có thật") from None


def _choice(row, column, table, label, choices) -> str:
    text = row.get(column, "")
    value = table.get(_key(text))
    if value is None:
        allowed = ", ".join(choices.labels)
        raise RowError(f"{label} “{text}” không có trong danh sách ({allowed})")
    return value


def parse_row(row: dict) -> dict:
    """The document's fields from a row; RowError says what is wrong."""
    for column in REQUIRED:
        if not row.get(column):
            raise RowError(f"thiếu {LABELS[column]}")
    values = {
        "number": row["so_ky_hieu"],
        "kind": _choice(row, "loai", KINDS, "loại văn bản", Kind),
        "signer": row.get("nguoi_ky", ""),
        "signer_title": row.get("chuc_vu", ""),
        "issued_on": _date(row, "ngay_ban_hanh"),
        "effective_on": _date(row, "ngay_hieu_luc"),
        "summary": row["trich_yeu"],
        "field": (
            _choice(row, "linh_vuc", FIELDS, "lĩnh vực", Field)
            if row.get("linh_vuc")
            else Field.KHAC
        ),
    }
    issuer = ISSUERS.get(_key(row["co_quan"]))
    values["issuer"] = issuer or Issuer.KHAC
    values["issuer_other"] = "" if issuer else row["co_quan"]
    return values


def file_paths(row: dict, folder: Path) -> list[Path]:
    """The row's files, each checked: beside the spreadsheet, there, and a
    document we take."""
    paths = []
    root = folder.resolve()
    for name in row.get("tep", "").split(";"):
        name = name.strip()
        if not name:
            continue
        path = (folder / name).resolve()
        if not path.is_relative_to(root):
            raise RowError(f"tệp “{name}” nằm ngoài thư mục của bảng kê")
        if not path.is_file():
            raise RowError(f"không tìm thấy tệp “{name}”")
        with path.open("rb") as opened:
            problem = document_problem(File(opened, name=path.name))
        if problem:
            raise RowError(problem)
        paths.append(path)
    return paths


def import_registry(path, ward) -> Report:
    """Import the spreadsheet at ``path`` into the ward; ImportError_ if the
    file as a whole cannot be read."""
    path = Path(path)
    report = Report()
    for line, row in read_rows(path):
        try:
            values = parse_row(row)
            files = file_paths(row, path.parent)
            with transaction.atomic():
                _save(ward, values, files, report)
        except RowError as error:
            report.errors.append((line, str(error)))
        except (IntegrityError, DataError, OverflowError) as error:
            report.errors.append((line, f"cơ sở dữ liệu từ chối: {error}"))
    return report


def _save(ward, values, files, report) -> None:
    key = number_key(values["number"])
    document = Document.objects.filter(ward=ward, number_key=key).first()
    created = document is None
    if created:
        issued = timezone.make_aware(datetime.combine(values["issued_on"], time(8)))
        document = Document(
            ward=ward,
            status=Document.Status.PUBLISHED,
            published_at=min(issued, timezone.now()),
        )
    before = {name: getattr(document, name) for name in values}
    for name, value in values.items():
        setattr(document, name, value)
    try:
        document.full_clean()
    except ValidationError as error:
        raise RowError(explain(error, Document)) from None
    changed = created or any(getattr(document, n) != before[n] for n in values)
    if changed:
        document.save()
    have = set(document.files.values_list("name", flat=True)) if not created else set()
    added = 0
    for file_path in files:
        name = display_name(file_path.name)
        if name in have:
            continue
        with file_path.open("rb") as opened:
            DocumentFile.objects.create(
                document=document, file=File(opened, name=file_path.name), name=name
            )
        have.add(name)
        added += 1
    report.files_added += added
    if created:
        report.created += 1
    elif changed or added:
        report.updated += 1
    else:
        report.unchanged += 1
