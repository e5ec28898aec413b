"""What a ZIP package (DOCX, XLSX, ODT, ODS) holds that would act on a
reader's computer, found by reading every part, never by trusting a name.

Each part is unpacked here in chunks, by its own deflate stream and not by the
sizes the ZIP's headers declare: a part that unpacks to more than it says, or
a package that unpacks to more than MAX_UNPACKED_BYTES in all, is a ZIP bomb,
and reading stops there. The XML parts go through expat as they are unpacked,
with no document type allowed (no entities), and what they say is judged:

- Office Open XML: a relationship to anything outside the package (a remote
  template, an OLE object at an mhtml: address, a linked workbook or picture)
  except a hyperlink readers click and a template on the writer's own disk;
  VBA; ActiveX controls; OLE objects (an OLE "Package" carries any program),
  found as relationships, content types or a part that is a compound file;
  DDE and DDEAUTO fields and DDE formulas; a package inside the package is
  checked the same way, one level deep.
- OpenDocument: Basic and script folders, event listeners (a macro run on
  opening), script: and macro: addresses, OLE objects.
"""

import re
import struct
import zipfile
import zlib
from io import BytesIO
from urllib.parse import urlsplit
from xml.parsers import expat

# XML packs about ten to one, so a real document of 20 MB unpacks to a few
# hundred megabytes at most.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# A package inside the package (a chart's workbook) is read into memory.
MAX_NESTED_BYTES = 20 * 1024 * 1024
# The XML parsed element by element (the parts where the bytes show a field,
# a formula's "|", an address…: see OOXML_SIGNS), a few seconds' work; the
# rest is only unpacked and searched.
MAX_PARSED_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 256 * 1024

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

# What a refusal says was found (files/checks.py words it for staff).
BOMB = "bomb"
DAMAGED = "damaged"
MACROS = "macros"
OLE = "ole"
ACTIVEX = "activex"
EXTERNAL = "external"
DDE = "dde"
EVENTS = "events"


class Refused(Exception):
    """The package holds what readers must not get: `reason` one of the
    names above, `detail` what was found (an address, a formula), if any."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


class Budget:
    """The bytes a package may unpack to, all its parts together, and those
    of its XML it may parse."""

    def __init__(self):
        self.unpacked = Limit(MAX_UNPACKED_BYTES)
        self.parsed = Limit(MAX_PARSED_BYTES)


class Limit:
    def __init__(self, limit: int):
        self.left = limit

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise Refused(BOMB)


def check_package(upload, package: zipfile.ZipFile, odf: bool) -> None:
    """Refused if any part of the package (its file `upload`, its table of
    contents `package`) holds active content; returns if none does."""
    _check_parts(upload, package, odf, Budget(), nested=False)


def _check_parts(upload, package, odf, budget, nested) -> None:
    for entry in package.infolist():
        name = entry.filename.lower()
        if odf and name.startswith(("basic/", "scripts/")):
            raise Refused(MACROS)
        if not odf and name.endswith(("vbaproject.bin", "vbadata.xml")):
            raise Refused(MACROS)
        xml = name.endswith((".xml", ".rels"))
        signed = xml and name.endswith(ALWAYS_READ)
        signs = ODF_SIGNS if odf else OOXML_SIGNS
        head, tail, kept = b"", b"", None
        for chunk in part_chunks(upload, entry, budget.unpacked):
            if len(head) < len(OLE_SIGNATURE):
                head += chunk[: len(OLE_SIGNATURE)]
                if head.startswith(OLE_SIGNATURE):
                    raise Refused(OLE)
                if head.startswith(ZIP_SIGNATURE) and kept is None:
                    if odf or nested:
                        raise Refused(OLE)  # Only OOXML embeds packages.
                    kept = bytearray()
                if head.startswith(UTF_16):
                    signed = xml
            if xml and not signed:
                window = tail + chunk
                signed = any(sign in window for sign in signs)
                tail = chunk[-16:]
            if kept is not None:
                kept += chunk
                if len(kept) > MAX_NESTED_BYTES:
                    raise Refused(BOMB)
        if signed:
            # Read again, through the parser this time.
            scanner = _XmlScanner(name, odf)
            for chunk in part_chunks(upload, entry, budget.parsed):
                scanner.feed(chunk)
            scanner.close()
        if kept is not None:
            _check_nested(bytes(kept), budget)


def _check_nested(data: bytes, budget: Budget) -> None:
    """A package embedded in a part (a chart's workbook, a document shown as
    an icon): an Office Open XML package itself, checked the same way."""
    try:
        package = zipfile.ZipFile(BytesIO(data))
        names = {entry.filename.lower() for entry in package.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise Refused(OLE) from error
    if "[content_types].xml" not in names:
        raise Refused(OLE)  # Another kind of file packed in a ZIP.
    _check_parts(BytesIO(data), package, odf=False, budget=budget, nested=True)


def part_chunks(upload, entry: zipfile.ZipInfo, budget: Budget):
    """The part's unpacked bytes, in chunks, from its own data: the local
    header says where the data starts; the deflate stream says where it
    ends. Refused as a bomb when it unpacks to more than its entry says or
    the budget allows, as damaged when it cannot be unpacked."""
    if entry.flag_bits & 0x1:
        raise Refused(DAMAGED)  # Encrypted: it cannot be read, nor checked.
    upload.seek(entry.header_offset)
    header = upload.read(30)
    if len(header) < 30 or not header.startswith(ZIP_SIGNATURE):
        raise Refused(DAMAGED)
    (method,) = struct.unpack("<H", header[8:10])
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    if method != entry.compress_type:
        raise Refused(DAMAGED)
    upload.seek(entry.header_offset + 30 + name_length + extra_length)
    if method == zipfile.ZIP_STORED:
        if entry.compress_size != entry.file_size:
            raise Refused(BOMB)
        left = entry.file_size
        while left:
            chunk = upload.read(min(CHUNK_BYTES, left))
            if not chunk:
                raise Refused(DAMAGED)
            left -= len(chunk)
            budget.spend(len(chunk))
            yield chunk
        return
    if method != zipfile.ZIP_DEFLATED:
        raise Refused(DAMAGED)  # Office and LibreOffice write no other.
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    unpacked = 0
    while not inflater.eof:
        packed = inflater.unconsumed_tail or upload.read(CHUNK_BYTES)
        if not packed:
            raise Refused(DAMAGED)  # The stream never ends.
        try:
            chunk = inflater.decompress(packed, CHUNK_BYTES)
        except zlib.error as error:
            raise Refused(DAMAGED) from error
        unpacked += len(chunk)
        if unpacked > entry.file_size:
            raise Refused(BOMB)  # Its headers lie about its size.
        budget.spend(len(chunk))
        if chunk:
            yield chunk
    if unpacked != entry.file_size:
        raise Refused(DAMAGED)


# --- What the XML says ------------------------------------------------------

# Relationship types (the last part of their URI, lower case).
OLE_RELATIONSHIPS = {"oleobject"}
ACTIVEX_RELATIONSHIPS = {"control", "activexcontrol", "activexcontrolbinary"}
MACRO_RELATIONSHIPS = {"vbaproject", "vbaprojectsignature", "wordvbadata"}
# What readers' office apps load by themselves is refused; what a reader
# clicks is a link like a web page's.
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Content types (lower case) that name active content.
MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata", "macrosheet")
ACTIVEX_TYPES = ("activex",)
OLE_TYPES = ("oleobject",)
# Field codes: DDE and DDEAUTO run a program (cmd.exe) through Windows' DDE.
DDE_FIELD = re.compile(r"(?<![a-z0-9])dde(?:auto)?(?![a-z0-9])", re.IGNORECASE)
# ODF addresses that run a macro.
SCRIPT_ADDRESSES = ("vnd.sun.star.script:", "vnd.sun.star.basic:", "macro:")
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
XLINK = "http://www.w3.org/1999/xlink"
MAX_CAPTURED = 8192
OOXML_ELEMENTS = {
    "Relationship", "Default", "Override", "fldChar", "instrText", "fldSimple",
    "ddeLink", "oleLink", "f",
}  # fmt: skip


# Where a part may hold what the parser looks for, as its bytes say: a part
# with none of these (a large sheet of numbers, a document's text without
# fields) is only unpacked and searched. Element names cannot be escaped; a
# character reference (&#124; is "|") or a CDATA section or document type
# ("<!") counts, and a part in UTF-16, whose bytes are not searched, is
# parsed whole.
OOXML_SIGNS = (b"instrText", b"fldSimple", b"ddeLink", b"oleLink", b"|", b"&#", b"<!")
ODF_SIGNS = (
    b"event-listener", b"object-ole", b"script", b"href", b"macro:", b"&#", b"<!"
)  # fmt: skip
ALWAYS_READ = (".rels", "[content_types].xml")
UTF_16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


class _XmlScanner:
    """One XML part, fed as it is unpacked; Refused on the first finding."""

    def __init__(self, part: str, odf: bool):
        self.part = part
        self.odf = odf
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.field = ""  # The field code being read, its runs joined.
        self.capturing = None  # "field" or "formula" while inside one.
        self.formula = ""
        self.empty = True

    def feed(self, data: bytes) -> None:
        self.empty = False
        try:
            self.parser.Parse(data, False)
        except expat.ExpatError as error:
            raise Refused(DAMAGED) from error

    def close(self) -> None:
        if self.empty:
            return  # LibreOffice writes an empty Configurations2/…/current.xml.
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise Refused(DAMAGED) from error
        self._field_code(self.field)

    def _doctype(self, *args):
        # No office document has one; entities are how XML bombs grow.
        raise Refused(DAMAGED)

    def _start(self, name, attrs):
        namespace, _, local = name.rpartition("}")
        if self.odf:
            self._odf_element(namespace, local, attrs)
            return
        if local not in OOXML_ELEMENTS:
            return
        values = {key.rpartition("}")[2]: value for key, value in attrs.items()}
        if local == "Relationship":
            self._relationship(values)
        elif local in ("Default", "Override"):
            self._content_type(values.get("ContentType", "").lower())
        elif local == "fldChar":
            # A field's code is complete where its result or end starts.
            self._field_code(self.field)
            self.field = ""
        elif local == "instrText":
            self.capturing = "field"
        elif local == "fldSimple":
            self._field_code(values.get("instr", ""))
        elif local == "ddeLink":
            service = values.get("ddeService", "")
            raise Refused(DDE, f"{service}|{values.get('ddeTopic', '')}")
        elif local == "oleLink":
            raise Refused(OLE)
        elif local == "f" and self.part.startswith("xl/"):
            self.capturing, self.formula = "formula", ""

    def _end(self, name):
        local = name.rpartition("}")[2]
        if local == "instrText":
            self.capturing = None
        elif local == "f" and self.capturing == "formula":
            self.capturing = None
            # Outside its quoted strings, "|" is DDE: =cmd|'/c calc'!A0.
            if "|" in re.sub(r'"(?:[^"]|"")*"', "", self.formula):
                raise Refused(DDE, self.formula)

    def _text(self, data):
        if self.capturing == "field":
            # Attacks split the code over runs: " DDE" + "AUTO c:\\…".
            self.field += data
            if len(self.field) > MAX_CAPTURED:
                self._field_code(self.field)
                self.field = self.field[-32:]
        elif self.capturing == "formula":
            self.formula = (self.formula + data)[:MAX_CAPTURED]

    def _field_code(self, code: str) -> None:
        if DDE_FIELD.search(code):
            raise Refused(DDE, code.strip())

    def _relationship(self, values) -> None:
        kind = values.get("Type", "").rstrip("/").rpartition("/")[2].lower()
        target = values.get("Target", "")
        if values.get("TargetMode", "").lower() == "external":
            if kind == "hyperlink" and _scheme(target) in LINK_SCHEMES:
                return
            if kind == "attachedtemplate" and _on_own_disk(target):
                return
            raise Refused(EXTERNAL, target)
        if kind in OLE_RELATIONSHIPS:
            raise Refused(OLE)
        if kind in ACTIVEX_RELATIONSHIPS:
            raise Refused(ACTIVEX)
        if kind in MACRO_RELATIONSHIPS:
            raise Refused(MACROS)

    def _content_type(self, content_type: str) -> None:
        if any(marker in content_type for marker in MACRO_TYPES):
            raise Refused(MACROS)
        if any(marker in content_type for marker in ACTIVEX_TYPES):
            raise Refused(ACTIVEX)
        if any(marker in content_type for marker in OLE_TYPES):
            raise Refused(OLE)

    def _odf_element(self, namespace, local, attrs) -> None:
        if local in ("event-listeners", "event-listener"):
            raise Refused(EVENTS)
        if local == "script" and namespace == ODF_OFFICE:
            raise Refused(MACROS)  # Script code written in the document.
        if local == "object-ole":
            raise Refused(OLE)
        for key, value in attrs.items():
            if value.strip().lower().startswith(SCRIPT_ADDRESSES):
                raise Refused(MACROS)
            if key == f"{XLINK}}}href" and _reaches_out(value):
                if local == "a" and _scheme(value) in LINK_SCHEMES:
                    continue  # A hyperlink a reader clicks.
                if local == "template" and _on_own_disk(value):
                    continue
                raise Refused(EXTERNAL, value)  # A linked picture, section…


def _scheme(address: str) -> str:
    try:
        return urlsplit(address.strip()).scheme.lower()
    except ValueError:
        return ""


def _on_own_disk(address: str) -> bool:
    """A template path on the writer's own computer (file:///C:/…, C:\\…),
    as Word records the template a document was made from; a reader's Word
    finds no such file and opens the document without it. A network share
    (\\\\server\\…, file://server/…) or a web address is fetched."""
    path = address.strip().replace("\\", "/")
    if path.lower().startswith("file:///"):
        path = path[len("file:///") :]
    return bool(re.match(r"[a-zA-Z]:/", path))


def _reaches_out(address: str) -> bool:
    """An ODF address outside the package: any scheme, or a network path."""
    address = address.strip().replace("\\", "/")
    return bool(_scheme(address)) or address.startswith("//")
