"""What a PDF holds that would act on a reader's computer: JavaScript, an
action run on opening, a program launched, additional actions, embedded
files, rich media, XFA forms.

A PDF's objects are read as a PDF reader reads them, not searched as bytes:
strings and comments are skipped (a "/JS" in a sentence is text), and so are
stream contents (page drawings, pictures: a scanned page's bytes hold "/AA"
by chance), except compressed object streams (PDF 1.5 and later pack most
dictionaries in them), which are unpacked, boundedly, and read the same way.
A name is compared as a reader decodes it ("/J#61vaScript" is /JavaScript).
An /OpenAction that only opens at a page (a destination, as pdfTeX and Word
write it) is a view, not an action, and passes.

An object stream that cannot be unpacked here (a filter other than Flate, a
predictor, a password's encryption, more than MAX_OBJECT_STREAM_BYTES in
all) cannot be checked, so the PDF is refused as unreadable. Pictures are in
ordinary streams, never unpacked: a scanned document passes.
"""

import re
import zlib

# What the object streams of a 20 MB PDF may unpack to, together. They hold
# dictionaries only (fonts, pages, links): a few megabytes in a large PDF.
MAX_OBJECT_STREAM_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 256 * 1024

UNREADABLE = "unreadable"

# Names whose presence is an action readers' PDF apps may run, and what the
# refusal says was found (files/checks.py words it).
ACTIVE_NAMES = {
    b"JavaScript": "javascript",
    b"JS": "javascript",
    b"Launch": "launch",
    b"AA": "additional-actions",
    b"EmbeddedFile": "embedded-file",
    b"EmbeddedFiles": "embedded-file",
    b"RichMedia": "rich-media",
    b"XFA": "xfa",
}
OPEN_ACTION = "open-action"
# What a harmless opening action names: go to a page, in one of its views.
GO_TO_NAMES = {
    b"Type", b"Action", b"S", b"GoTo", b"D",
    b"XYZ", b"Fit", b"FitH", b"FitV", b"FitR", b"FitB", b"FitBH", b"FitBV",
}  # fmt: skip

_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_TOKEN = re.compile(
    rb"\(|%|/" + _REGULAR + rb"*"
    rb"|(?<![A-Za-z0-9])stream(?=\r\n|[\r\n])"
    rb"|(?<![0-9])([0-9]+)[\x00\t\n\x0c\r ]+[0-9]+[\x00\t\n\x0c\r ]+obj(?![A-Za-z0-9])"
)
_STRING_PART = re.compile(rb"[()\\]")
_LINE_END = re.compile(rb"[\r\n]")
_SPACE = re.compile(rb"(?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)*")
_REFERENCE = re.compile(rb"([0-9]+)[\x00\t\n\x0c\r ]+[0-9]+[\x00\t\n\x0c\r ]+R")
_NAME = re.compile(rb"/(" + _REGULAR + rb"*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_VALUE = re.compile(
    rb"[\x00\t\n\x0c\r ]*([0-9]+)(?![0-9])"
    rb"([\x00\t\n\x0c\r ]+[0-9]+[\x00\t\n\x0c\r ]+R)?"
)


class Refused(Exception):
    """What the PDF holds: `reason` a value of ACTIVE_NAMES, OPEN_ACTION or
    UNREADABLE."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_pdf(data: bytes) -> None:
    """Refused if the PDF (its whole content, at most 20 MB) holds active
    content or cannot be read to know; returns if it holds none."""
    scan = _Scan()
    scan.read(data, object_stream=False)
    if scan.acts_on_opening:
        raise Refused(OPEN_ACTION)
    for number in scan.opened:
        if not scan.goes_to_a_page.get(number, False):
            raise Refused(OPEN_ACTION)


class _Scan:
    def __init__(self):
        self.unpacked_left = MAX_OBJECT_STREAM_BYTES
        # Objects an /OpenAction refers to, and for each object number
        # whether every definition of it is a destination or a GoTo.
        self.opened = []
        self.goes_to_a_page = {}
        # An action written in place: its own names are read first (a
        # /JavaScript one is refused as such).
        self.acts_on_opening = False

    def read(self, data: bytes, object_stream: bool) -> None:
        position, last_object = 0, 0
        while match := _TOKEN.search(data, position):
            token = match.group()
            position = match.end()
            if token == b"(":
                position = _after_string(data, position)
            elif token == b"%":
                end = _LINE_END.search(data, position)
                position = end.end() if end else len(data)
            elif token.startswith(b"/"):
                name = _decoded(token[1:])
                if name in ACTIVE_NAMES:
                    raise Refused(ACTIVE_NAMES[name])
                if name == b"OpenAction":
                    self._open_action(data, position)
            elif match.group(1):
                last_object = position
                self._note_object(int(match.group(1)), data, position)
            else:
                # "#xx" decoded: /F#69lter is /Filter to a reader.
                dictionary = _decoded(
                    data[max(last_object, position - 65536) : match.start()]
                )
                start = position + (
                    2 if data[position : position + 2] == b"\r\n" else 1
                )
                end = _stream_end(data, start, dictionary)
                if not object_stream and _is_object_stream(dictionary):
                    self._object_stream(data[start:end], dictionary)
                position = end

    def _note_object(self, number: int, data: bytes, start: int) -> None:
        view = _is_page_view(data, start)
        self.goes_to_a_page[number] = self.goes_to_a_page.get(number, True) and view

    def _open_action(self, data: bytes, position: int) -> None:
        start = _SPACE.match(data, position).end()
        if reference := _REFERENCE.match(data, start):
            self.opened.append(int(reference.group(1)))
        elif not _is_page_view(data, start):
            self.acts_on_opening = True

    def _object_stream(self, packed: bytes, dictionary: bytes) -> None:
        """Its objects, unpacked and read; each object's number noted from
        the stream's header ("number offset" pairs, then /First)."""
        if _filters(dictionary) not in ([], [b"FlateDecode"]) or (
            _key(b"DecodeParms").search(dictionary)
        ):
            raise Refused(UNREADABLE)
        if _filters(dictionary):
            data = self._inflate(packed.rstrip(b"\r\n"))
        else:
            data = packed
        first = _integer_after(dictionary, b"First")
        if first is None or first > len(data):
            raise Refused(UNREADABLE)
        numbers = [int(n) for n in re.findall(rb"[0-9]+", data[:first])]
        for number, offset in zip(numbers[::2], numbers[1::2], strict=False):
            self._note_object(number, data, first + offset)
        self.read(data, object_stream=True)

    def _inflate(self, packed: bytes) -> bytes:
        inflater = zlib.decompressobj()
        out = []
        try:
            while packed and not inflater.eof:
                chunk = inflater.decompress(packed, CHUNK_BYTES)
                packed = inflater.unconsumed_tail
                self.unpacked_left -= len(chunk)
                if self.unpacked_left < 0:
                    raise Refused(UNREADABLE)
                out.append(chunk)
        except zlib.error as error:  # Encrypted, or damaged.
            raise Refused(UNREADABLE) from error
        return b"".join(out)


def _decoded(name: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


def _after_string(data: bytes, position: int) -> int:
    """Where a literal string ends: parentheses nest, a backslash escapes."""
    depth = 1
    while depth and (match := _STRING_PART.search(data, position)):
        position = match.end()
        char = match.group()
        if char == b"\\":
            position += 1
        else:
            depth += 1 if char == b"(" else -1
    return position if depth == 0 else len(data)


def _stream_end(data: bytes, start: int, dictionary: bytes) -> int:
    """Where a stream's content ends: at its /Length when it gives one and
    no "endstream" comes sooner, else at the first "endstream". Ending too
    soon only reads more as objects; never less."""
    end = data.find(b"endstream", start)
    end = len(data) if end < 0 else end
    length = _integer_after(dictionary, b"Length")
    return end if length is None else min(end, start + length)


def _key(name: bytes) -> re.Pattern:
    """A dictionary key: /Length, not /Length1."""
    return re.compile(rb"/" + name + rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%])")


def _integer_after(dictionary: bytes, name: bytes) -> int | None:
    """The key's direct integer value (the last, as a reader takes it); None
    for none or an indirect one ("5 0 R")."""
    value = None
    for key in _key(name).finditer(dictionary):
        match = _VALUE.match(dictionary, key.end())
        value = int(match.group(1)) if match and not match.group(2) else None
    return value


def _filters(dictionary: bytes) -> list[bytes]:
    keys = list(_key(b"Filter").finditer(dictionary))
    if not keys:
        return []
    key = keys[-1]
    start = _SPACE.match(dictionary, key.end()).end()
    if dictionary[start : start + 1] == b"[":
        end = dictionary.find(b"]", start)
        value = dictionary[start : end if end >= 0 else len(dictionary)]
        return [_decoded(name) for name in _NAME.findall(value)]
    name = _NAME.match(dictionary, start)
    return [_decoded(name.group(1))] if name else [b"?"]


def _is_object_stream(dictionary: bytes) -> bool:
    names = [_decoded(name) for name in _NAME.findall(dictionary)]
    return any(
        a == b"Type" and b == b"ObjStm" for a, b in zip(names, names[1:], strict=False)
    )


def _is_page_view(data: bytes, start: int) -> bool:
    """A destination ([page /Fit]) or an action that goes to one, read from
    `start`; anything longer than a few hundred bytes is not."""
    start = _SPACE.match(data, start).end()
    if data[start : start + 1] == b"[":
        return True
    if data[start : start + 2] != b"<<":
        return False
    end = data.find(b">>", start + 2, start + 512)
    if end < 0:
        return False
    names = {_decoded(name) for name in _NAME.findall(data[start + 2 : end])}
    return b"GoTo" in names and names <= GO_TO_NAMES
