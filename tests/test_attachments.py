"""Attachments: staff attach documents to an article in its admin page; readers
download them from the list under the body, only when they may see the
article."""

import io
import unicodedata
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from articles import attachments
from articles.models import Article, Attachment
from files import checks, names

from .conftest import SECOND_HOST, article_form, make_staff
from .serving import served_to_head

# --- Real documents, made here --------------------------------------------


def pdf_bytes(padding: int = 0) -> bytes:
    """A one-page PDF that any reader opens (cross-reference offsets and
    all); `padding` bytes of comment make it as large as a test needs."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
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
