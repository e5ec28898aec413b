"""Which documents staff may upload (a signed notice, a form to fill in).

A file is judged by its content, not its name: a PDF, or an Office Open XML
(DOCX, XLSX) or OpenDocument (ODT, ODS) package, whose name ends as its
content says; no PDF cut short; and nothing in it that acts on a reader's
computer: what a package's parts hold (packages.py: macros, OLE objects,
ActiveX, DDE, remote templates and other outside content, event listeners,
ZIP bombs by their real size) and what a PDF's objects hold (pdfs.py:
JavaScript, actions, launched programs, embedded files). The messages are in
the staff's words, and name what was found.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

from vietnamese.text import nfc

from . import packages, pdfs

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# The packages (DOCX, XLSX, ODT, ODS) are ZIP files, which the readers' office
# apps unpack. XML packs about ten to one, so a real document of 20 MB
# declares a few hundred megabytes at most; more, or tens of thousands of
# parts, is a ZIP bomb, refused before anything is unpacked. What the parts
# really unpack to is then counted as they are read (packages.py).
MAX_UNPACKED_BYTES = packages.MAX_UNPACKED_BYTES
MAX_ZIP_ENTRIES = 5000
# zipfile makes an object for every entry of the table of contents before
# anyone can count them: 20 MB of empty entries is 200,000 objects, seconds
# and a hundred megabytes. A real document's table is tens of kilobytes.
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024
# The one part read to know the package's type.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# Acrobat's rule: "%%EOF" somewhere in the last 1024 bytes. A PDF without it
# is cut short (an interrupted download or copy) and often opens blank.
PDF_TAIL_BYTES = 1024


@dataclass(frozen=True)
class DocumentKind:
    extension: str
    label: str
    content_type: str


PDF = DocumentKind(".pdf", "PDF", "application/pdf")
DOCX = DocumentKind(
    ".docx",
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = DocumentKind(
    ".xlsx",
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
ODT = DocumentKind(
    ".odt", "OpenDocument (ODT)", "application/vnd.oasis.opendocument.text"
)
ODS = DocumentKind(
    ".ods", "OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet"
)
KINDS = {kind.extension: kind for kind in (PDF, DOCX, XLSX, ODT, ODS)}

# An Office Open XML package's main part, and the content type that says so.
OOXML_MAIN_PARTS = {
    DOCX: (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml"
        b".document.main+xml",
    ),
    XLSX: (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}

ACCEPTED = "PDF, Word (.docx), Excel (.xlsx) hoặc OpenDocument (.odt, .ods)"
HELP_TEXT = "PDF, Word, Excel hoặc OpenDocument, tối đa 20 MB."
# What the file picker offers: extensions for desktops, types for phones'
# pickers, which filter by type.
ACCEPT = ",".join([*KINDS, *(kind.content_type for kind in KINDS.values())])
# Office files we do not take, whose message says how to make one we do.
OTHER_OFFICE = {".doc", ".xls", ".ppt", ".pptx", ".rtf", ".docm", ".xlsm"}


# --- What readers are told about a file -------------------------------------


def kind_of(name: str) -> DocumentKind | None:
    """The kind of document a stored file is, by its name (which its content
    was checked against when it was uploaded)."""
    return KINDS.get(PurePath(name).suffix.lower())


def type_label(name: str) -> str:
    kind = kind_of(name)
    return kind.label if kind else PurePath(name).suffix.lstrip(".").upper()


def readable_size(size: int) -> str:
    """A file's size as Vietnamese readers write it: "350 KB", "1,2 MB"."""
    if size < 1024:
        return f"{size} byte"
    kilobytes = size / 1024
    if round(kilobytes) < 1000:
        return f"{max(round(kilobytes), 1)} KB"
    megabytes = f"{size / 1024 / 1024:.1f}".removesuffix(".0")
    return f"{megabytes.replace('.', ',')} MB"


def _shown(name: str) -> str:
    """A file's name in a message: a very long one keeps its start and end."""
    return name if len(name) <= 60 else f"{name[:40]}…{name[-15:]}"


# --- Checking an upload -----------------------------------------------------


# Problems the content has whatever the file's name ("{name}" filled in).
ZIP_BOMB = (
    "Tệp “{name}” có cấu trúc nén bất thường (giải nén ra quá lớn hoặc quá "
    "nhiều phần). Hãy mở tệp và lưu lại, hoặc xuất ra PDF."
)
MACROS = (
    "Tệp “{name}” có chứa macro (mã lệnh tự chạy), không an toàn cho bạn "
    "đọc. Hãy lưu lại thành tệp thường (không macro) hoặc xuất ra PDF."
)
CUT_SHORT_PDF = (
    "Tệp “{name}” là PDF không trọn vẹn (thiếu phần cuối, có thể chép hoặc "
    "tải về chưa hết). Hãy mở thử rồi lưu hoặc xuất lại tệp PDF."
)
OLE = (
    "Tệp “{name}” có đối tượng nhúng (OLE): một tệp hay chương trình khác "
    "gói bên trong, có thể tự chạy trên máy bạn đọc. Hãy xoá đối tượng đó "
    "(chèn lại dưới dạng ảnh hoặc bảng) rồi lưu lại, hoặc xuất ra PDF."
)
ACTIVEX = (
    "Tệp “{name}” có điều khiển ActiveX (nút bấm, ô nhập chạy mã lệnh), "
    "không an toàn cho bạn đọc. Hãy xoá các điều khiển đó rồi lưu lại, hoặc "
    "xuất ra PDF."
)
EXTERNAL = (
    "Tệp “{name}” lấy nội dung từ nơi khác khi mở ({detail}): một mẫu "
    "(template), đối tượng hay liên kết bên ngoài, có thể bị thay bằng mã "
    "độc. Hãy gỡ liên kết đó (với mẫu: chọn lại mẫu Normal), lưu lại, hoặc "
    "xuất ra PDF."
)
DDE = (
    "Tệp “{name}” có trường hoặc công thức DDE ({detail}), có thể chạy lệnh "
    "trên máy bạn đọc. Hãy xoá trường hoặc công thức đó rồi lưu lại, hoặc "
    "xuất ra PDF."
)
EVENTS = (
    "Tệp “{name}” có mã lệnh gắn với sự kiện (chạy khi mở tệp hoặc bấm "
    "vào), không an toàn cho bạn đọc. Hãy gỡ các sự kiện đó (Công cụ > Tuỳ "
    "chỉnh > Sự kiện) rồi lưu lại, hoặc xuất ra PDF."
)
PACKAGE_PROBLEMS = {
    packages.BOMB: ZIP_BOMB,
    packages.MACROS: MACROS,
    packages.OLE: OLE,
    packages.ACTIVEX: ACTIVEX,
    packages.EXTERNAL: EXTERNAL,
    packages.DDE: DDE,
    packages.EVENTS: EVENTS,
}
ACTIVE_PDF = (
    "Tệp “{name}” là PDF có {what}, có thể tự chạy khi bạn đọc mở tệp. Hãy "
    "in lại thành PDF (chọn máy in “Microsoft Print to PDF” hoặc “Lưu dưới "
    "dạng PDF”) rồi tải lên tệp mới."
)
PDF_FINDINGS = {
    "javascript": "JavaScript",
    "launch": "lệnh mở chương trình khác (Launch)",
    "additional-actions": "hành động tự động (AA)",
    "embedded-file": "tệp nhúng bên trong (EmbeddedFile)",
    "rich-media": "nội dung đa phương tiện (RichMedia)",
    "xfa": "biểu mẫu XFA có thể chứa mã lệnh",
    pdfs.OPEN_ACTION: "hành động chạy khi mở tệp (OpenAction)",
}
UNREADABLE_PDF = (
    "Tệp “{name}” là PDF có phần nén không đọc được để kiểm tra (thường do "
    "đặt mật khẩu hoặc chế độ bảo vệ). Hãy in lại thành PDF không đặt mật "
    "khẩu rồi tải lên tệp mới."
)


def document_problem(uploaded) -> str:
    """What is wrong with an uploaded document, in the staff's words; "" if
    nothing. Reads the first bytes, the last kilobyte and, for a package, its
    table of contents and one small part: never the whole file."""
    name = _shown(nfc(PurePath(uploaded.name).name))
    if not uploaded.size:
        return f"Tệp “{name}” rỗng (0 byte). Hãy chọn lại đúng tệp."
    if uploaded.size > MAX_DOCUMENT_BYTES:
        return (
            f"Tệp “{name}” quá lớn ({readable_size(uploaded.size)}): tối đa "
            "20 MB. Hãy giảm dung lượng (ví dụ quét lại ở độ phân giải thấp "
            "hơn) hoặc chia thành nhiều tệp."
        )
    extension = PurePath(uploaded.name).suffix.lower()
    expected = KINDS.get(extension)
    if expected is None:
        message = f"Tệp “{name}” không được nhận: chỉ đính kèm tệp {ACCEPTED}."
        if extension in OTHER_OFFICE:
            message += (
                " Hãy mở tệp và lưu lại thành .docx hoặc .xlsx (không macro), "
                "hoặc xuất ra PDF."
            )
        return message
    try:
        kind, problem = _sniff(uploaded)
    finally:
        uploaded.seek(0)
    if problem:
        return problem.format(name=name)
    if kind is None:
        return (
            f"Tệp “{name}” không phải tệp {expected.label} hợp lệ: có thể tệp "
            "bị hỏng, có mật khẩu, hoặc là loại tệp khác chỉ được đổi tên."
        )
    if kind != expected:
        return (
            f"Tên tệp “{name}” không khớp với nội dung (tệp {kind.label}): hãy "
            f"đổi đuôi tệp thành {kind.extension} rồi tải lên lại."
        )
    return ""


def _sniff(uploaded) -> tuple[DocumentKind | None, str]:
    """The kind of document the content is (None: none we take), or a
    problem that refuses it whatever its name ("{name}" to fill in)."""
    uploaded.seek(0)
    head = uploaded.read(8)
    if re.match(rb"%PDF-\d", head):
        uploaded.seek(max(uploaded.size - PDF_TAIL_BYTES, 0))
        if b"%%EOF" not in uploaded.read():
            return None, CUT_SHORT_PDF
        uploaded.seek(0)
        try:
            pdfs.check_pdf(uploaded.read(MAX_DOCUMENT_BYTES))
        except pdfs.Refused as refused:
            if refused.reason == pdfs.UNREADABLE:
                return None, UNREADABLE_PDF
            return None, ACTIVE_PDF.replace("{what}", PDF_FINDINGS[refused.reason])
        return PDF, ""
    # From its first byte: a web page with a ZIP stuck on its end is a ZIP to
    # zipfile, but a web page to a browser.
    if head.startswith(b"PK\x03\x04"):
        directory = _zip_directory_size(uploaded)
        if directory is None:
            return None, ""
        if directory > MAX_ZIP_DIRECTORY_BYTES:
            return None, ZIP_BOMB
        uploaded.seek(0)
        try:
            with zipfile.ZipFile(uploaded) as package:
                return _sniff_package(uploaded, package)
        except packages.Refused as refused:
            if refused.reason == packages.DAMAGED:
                return None, ""
            problem = PACKAGE_PROBLEMS[refused.reason]
            return None, problem.replace("{detail}", _shown_detail(refused.detail))
        except Exception:  # A damaged, encrypted or odd ZIP: many kinds.
            return None, ""
    return None, ""


def _shown_detail(detail: str) -> str:
    """What was found, on one line and short: an address, a formula."""
    detail = " ".join(detail.split()) or "không rõ"
    detail = detail.replace("{", "(").replace("}", ")")
    return detail if len(detail) <= 80 else f"{detail[:77]}…"


def _zip_directory_size(uploaded) -> int | None:
    """The size of a ZIP's table of contents, as its end record (in the last
    22 bytes, or up to 64 KB earlier after a comment) declares it; None if
    there is no end record. ZIP64's "see elsewhere" counts as too large:
    no office document needs it."""
    tail_size = min(uploaded.size, 22 + 0xFFFF)
    uploaded.seek(uploaded.size - tail_size)
    tail = uploaded.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return None
    return int.from_bytes(tail[end + 12 : end + 16], "little")


def _sniff_package(uploaded, package) -> tuple[DocumentKind | None, str]:
    entries = package.infolist()
    if len(entries) > MAX_ZIP_ENTRIES or (
        sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES
    ):
        return None, ZIP_BOMB
    names = {entry.filename.lower(): entry for entry in entries}
    # OpenDocument: its type is its first part, "mimetype", stored unpacked.
    first = entries[0] if entries else None
    if first and first.filename == "mimetype":
        kind = ODF_MIMETYPES.get(_read_part(uploaded, first, 100).strip())
        if kind is None or "content.xml" not in names:
            return None, ""
        packages.check_package(uploaded, package, odf=True)
        return kind, ""
    types_entry = names.get("[content_types].xml")
    if types_entry is None:
        return None, ""
    packages.check_package(uploaded, package, odf=False)
    content_types = _read_part(uploaded, types_entry, MAX_CONTENT_TYPES_BYTES)
    for kind, (part, content_type) in OOXML_MAIN_PARTS.items():
        if part in names and content_type in content_types:
            return kind, ""
    return None, ""


def _read_part(uploaded, entry, limit: int) -> bytes:
    """A small part of the package, or b"" if it is larger."""
    data = b""
    for chunk in packages.part_chunks(uploaded, entry, packages.Limit(limit)):
        data += chunk
    return data


def validate_document(file) -> None:
    """Model field validator: a new upload is checked; a stored file was
    checked when it came."""
    if getattr(file, "_committed", True):
        return
    problem = document_problem(file.file)
    if problem:
        raise ValidationError(problem, code="invalid_document")
