"""The registry in the admin: roles, ward scoping, hostile input, revisions,
and the importer (manage.py import_documents)."""

import csv
import re
import unicodedata
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook

from documents.models import Document, Issuer, Kind
from wards import roles

from .conftest import SECOND_HOST, last_analyzed, make_staff

ADD = "/admin/documents/document/add/"
DEMO = Path(__file__).resolve().parent.parent / "documents" / "demo"


def form(**fields):
    data = {
        "number": "125/QĐ-UBND",
        "kind": Kind.QUYET_DINH,
        "issuer": Issuer.UBND,
        "issuer_other": "",
        "field": "hanh-chinh",
        "signer": "Nguyễn Văn Hùng",
        "signer_title": "Chủ tịch",
        "issued_on": "14/11/2026",
        "effective_on": "",
        "summary": "Về việc thành lập tổ công tác",
        "slug": "",
        "legal_state": Document.LegalState.IN_FORCE,
        "replaced_by": "",
        "comment_starts_on": "",
        "comment_ends_on": "",
        "status": Document.Status.PUBLISHED,
        "published_at_0": "01/12/2026",
        "published_at_1": "08:00",
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


@pytest.fixture
def ward_editor_client(client, ward):
    client.force_login(make_staff("bientapvb", ward, role=roles.EDITOR))
    return client


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


def test_editor_publishes_with_a_file(ward_editor_client, reader):
    pdf = SimpleUploadedFile(
        "Quyết định 125.pdf", (DEMO / "125-qd-ubnd.pdf").read_bytes()
    )
    response = ward_editor_client.post(
        ADD,
        form(
            **{
                "files-TOTAL_FORMS": "1",
                "files-0-file": pdf,
                "files-0-name": "",
                "files-0-order": "0",
            }
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get()
    assert document.status == Document.Status.PUBLISHED
    assert document.files.get().name == "Quyết định 125.pdf"
    assert "can cuoc" in document.search_folded
    assert reader.get(document.get_absolute_url()).status_code == 200
    assert reader.get("/van-ban/?q=can+cuoc").context["documents"] == [document]


def test_writer_cannot_publish_by_crafted_post(writer_client, reader):
    response = writer_client.post(ADD, form())
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.status == Document.Status.DRAFT
    assert reader.get(document.get_absolute_url()).status_code == 404
    # Nor by the list's action.
    response = writer_client.post(
        "/admin/documents/document/",
        {"action": "publish", "_selected_action": [document.pk]},
    )
    document.refresh_from_db()
    assert document.status == Document.Status.DRAFT


def test_writer_cannot_change_a_published_document(writer_client, ward):
    document = Document.objects.create(
        ward=ward,
        number="1/TB-UBND",
        kind=Kind.THONG_BAO,
        issuer=Issuer.UBND,
        issued_on=date(2026, 1, 1),
        summary="Đã đăng",
        status=Document.Status.PUBLISHED,
    )
    url = f"/admin/documents/document/{document.pk}/change/"
    writer_client.post(url, form(number="1/TB-UBND", summary="Sửa bậy"))
    document.refresh_from_db()
    assert document.summary == "Đã đăng"


def test_staff_never_reach_another_wards_documents(client, second_ward, ward):
    other = Document.objects.create(
        ward=second_ward,
        number="9/QĐ-UBND",
        kind=Kind.QUYET_DINH,
        issuer=Issuer.UBND,
        issued_on=date(2026, 1, 1),
        summary="Của Bồ Đề",
    )
    client.force_login(make_staff("bientap2", ward, role=roles.EDITOR))
    assert "9/QĐ-UBND" not in client.get("/admin/documents/document/").text
    url = f"/admin/documents/document/{other.pk}/change/"
    assert client.get(url).status_code in (302, 404)
    client.post(url, form(number="9/QĐ-UBND", summary="Đổi"))
    other.refresh_from_db()
    assert other.summary == "Của Bồ Đề"
    # Nor relate to them.
    response = client.post(ADD, form(related_documents=[other.pk]))
    assert response.status_code == 200
    assert not Document.objects.filter(ward=ward).exists()


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:x">'


def test_hostile_input_through_every_field_reaches_no_reader(
    ward_editor_client, reader
):
    fields = dict.fromkeys(
        ["number", "issuer_other", "signer", "signer_title"], HOSTILE[:100]
    )
    response = ward_editor_client.post(
        ADD, form(issuer=Issuer.KHAC, summary=HOSTILE * 3, **fields)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    document = Document.objects.get()
    for url in [
        document.get_absolute_url(),
        "/van-ban/",
        "/van-ban/?q=script",
        "/sitemap-van-ban.xml",
    ]:
        text = reader.get(url).content.decode()
        assert "<script>alert" not in text, url
        assert "<img src=x" not in text, url
        assert 'href="javascript:' not in text, url
    # A feed reader reads the description as HTML: it holds escaped text.
    feed = ElementTree.fromstring(reader.get("/van-ban/rss/").content)
    description = feed.find("channel/item/description").text
    assert "<script" not in description and "&lt;script&gt;" in description


@pytest.mark.parametrize(
    "upload",
    [
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("gia.pdf", b"<html><script>alert(1)</script></html>"),
        ("rong.pdf", b""),
        ("cut.pdf", b"%PDF-1.4\n" + b"x" * 2000),
    ],
)
def test_files_are_checked_by_content(ward_editor_client, upload):
    name, data = upload
    response = ward_editor_client.post(
        ADD,
        form(
            **{
                "files-TOTAL_FORMS": "1",
                "files-0-file": SimpleUploadedFile(name, data),
                "files-0-order": "0",
            }
        ),
    )
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_restored_revision_keeps_the_publishing_state(ward_editor_client):
    ward_editor_client.post(ADD, form(summary="Bản đầu"))
    document = Document.objects.get()
    url = f"/admin/documents/document/{document.pk}/change/"
    ward_editor_client.post(url, form(summary="Bản sau"))
    Document.objects.filter(pk=document.pk).update(view_count=42)
    history = ward_editor_client.get(url.replace("change/", "history/"))
    assert history.status_code == 200
    from reversion.models import Version

    first = Version.objects.get_for_object(document).order_by("pk").first()
    revision_url = url.replace("change/", f"history/{first.pk}/")
    page = ward_editor_client.get(revision_url)
    assert page.status_code == 200
    assert "Bản đầu" in page.text
    ward_editor_client.post(revision_url, form(summary="Bản đầu"))
    document.refresh_from_db()
    assert document.summary == "Bản đầu"
    assert document.status == Document.Status.PUBLISHED
    assert document.view_count == 42


def test_admin_search_finds_numbers_however_typed(ward_editor_client):
    ward_editor_client.post(ADD, form())
    for term in ["125/QD-UBND", "125 qđ ubnd", "thanh lap"]:
        response = ward_editor_client.get("/admin/documents/document/", {"q": term})
        assert "125/QĐ-UBND" in response.text, term


# The importer ---------------------------------------------------------------

HEADER = [
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


def write_csv(folder, rows, name="so-van-ban.csv"):
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


GOOD = [
    "125/QĐ-UBND",
    "Quyết định",
    "UBND phường",
    "Nguyễn Văn Hùng",
    "Chủ tịch",
    "14/11/2025",
    "",
    "Hành chính",
    "Về việc thành lập tổ công tác",
    "tep/qd125.pdf;tep/phu-luc.pdf",
]


@pytest.fixture
def registry(tmp_path):
    (tmp_path / "tep").mkdir()
    pdf = (DEMO / "125-qd-ubnd.pdf").read_bytes()
    (tmp_path / "tep" / "qd125.pdf").write_bytes(pdf)
    (tmp_path / "tep" / "phu-luc.pdf").write_bytes(pdf)
    return tmp_path


def run(path, *args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_documents", str(path), *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


def test_import_twice_changes_nothing_more(registry, ward, reader):
    path = write_csv(registry, [GOOD])
    out, error = run(path)
    assert error == "", out
    document = Document.objects.get()
    assert document.files.count() == 2
    assert document.status == Document.Status.PUBLISHED
    assert reader.get("/van-ban/?q=125").context["documents"] == [document]
    out, error = run(path)
    assert "không đổi 1" in out
    assert Document.objects.count() == 1 and document.files.count() == 2
    # A corrected row updates the same document.
    path = write_csv(registry, [[*GOOD[:8], "Trích yếu đã sửa", GOOD[9]]])
    out, error = run(path)
    assert "cập nhật 1" in out
    document.refresh_from_db()
    assert document.summary == "Trích yếu đã sửa"


def test_import_reports_bad_rows_and_imports_the_good(registry, ward):
    rows = [
        GOOD,
        ["", "Quyết định", "UBND", "", "", "01/01/2025", "", "", "Thiếu số", ""],
        ["2/TB", "Thông báo", "UBND", "", "", "31/02/2025", "", "", "Ngày sai", ""],
        ["3/TB", "Thông báo", "UBND", "", "", "2025-01-01", "", "", "Dạng sai", ""],
        ["4/TB", "Điện báo", "UBND", "", "", "01/01/2025", "", "", "Loại lạ", ""],
        ["5/TB", "Thông báo", "UBND", "", "", "01/01/2025", "", "", "Thiếu", "x.pdf"],
        ["6/TB", "Thông báo", "UBND", "", "", "01/01/2025", "", "", "Xa", "../a.pdf"],
        ["7/TB", "Thông báo", "UBND", "", "", "01/01/2025", "", "Lạ", "Lĩnh vực", ""],
        ["8/TB", "Thông báo", "UBND", "", "", "02/01/2025", "01/01/2025", "", "x", ""],
        ["9/TB", "Thông báo", "Sở Y tế", "", "", "01/01/2025", "", "Y tế", "Tốt", ""],
    ]
    out, error = run(write_csv(registry, rows))
    assert "Dòng 3: thiếu số ký hiệu." in out
    assert "Dòng 4: ngày ban hành “31/02/2025” không có thật." in out
    assert "Dòng 5: ngày ban hành “2025-01-01” sai dạng" in out
    assert (
        "Dòng 6: loại văn bản “Điện báo” không có trong danh sách (Quyết định," in out
    )
    assert "Dòng 7: không tìm thấy tệp “x.pdf”." in out
    assert "Dòng 8: tệp “../a.pdf” nằm ngoài thư mục của bảng kê." in out
    assert "Dòng 9: lĩnh vực “Lạ” không có trong danh sách (" in out
    assert (
        "Dòng 10: ngày hiệu lực: Ngày hiệu lực không thể trước ngày ban hành.\n" in out
    )
    assert ".\n." not in out and not re.search(r"[^.]\.\.\n", out)
    assert "8 dòng lỗi" in error
    assert sorted(Document.objects.values_list("number", flat=True)) == [
        "125/QĐ-UBND",
        "9/TB",
    ]
    other = Document.objects.get(number="9/TB")
    assert other.issuer == Issuer.KHAC and other.issuer_name == "Sở Y tế"


def test_import_normalises_decomposed_text(registry, ward):
    row = [unicodedata.normalize("NFD", cell) for cell in GOOD]
    out, error = run(write_csv(registry, [row]))
    assert error == "", out
    document = Document.objects.get()
    assert document.number == "125/QĐ-UBND"
    assert document.summary == "Về việc thành lập tổ công tác"
    assert document.kind == Kind.QUYET_DINH


def test_import_xlsx_with_real_dates(registry, second_ward, ward):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([*GOOD[:5], date(2025, 11, 14), None, *GOOD[7:9], None])
    path = registry / "so.xlsx"
    book.save(path)
    out, error = run(path, "--ward", SECOND_HOST)
    assert error == "", out
    document = Document.objects.get()
    assert document.ward == second_ward
    assert document.issued_on == date(2025, 11, 14)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "tệp trống"),
        (b"a,b\n1,2\n", "dòng tiêu đề thiếu cột"),
        ("so_ky_hieu\n".encode("utf-16"), "không phải UTF-8"),
    ],
)
def test_import_refuses_a_file_it_cannot_read(tmp_path, ward, content, message):
    path = tmp_path / "so.csv"
    path.write_bytes(content)
    out, error = run(path)
    assert message in error
    assert run(tmp_path / "khong-co.csv")[1].startswith("Không nhập được")


def test_another_models_version_cannot_be_restored_through_a_document(
    ward_editor_client, second_ward, make_article
):
    """reversion looks versions up by id and object id only: an article of
    another ward, with the same id as this ward's document, must not be
    rolled back through the document's history."""
    import reversion
    from reversion.models import Version

    ward_editor_client.post(ADD, form(summary="Văn bản của phường"))
    document = Document.objects.get()
    article = make_article(
        id=document.pk, category=second_ward.categories.first(), title="Bài khác"
    )
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    type(article).objects.filter(pk=article.pk).update(title="Đã sửa sau")
    url = f"/admin/documents/document/{document.pk}/history/{version.pk}/"
    assert ward_editor_client.get(url).status_code == 404
    assert ward_editor_client.post(url, form()).status_code == 404
    article.refresh_from_db()
    assert article.title == "Đã sửa sau"
    assert (
        ward_editor_client.get("/admin/documents/document/recover/").status_code == 404
    )


def test_a_sheet_declaring_every_column_reads_only_the_registrys(registry):
    """openpyxl pads each row to the sheet's declared width: a 5 KB file
    declaring A1:XFD20000 took gigabytes."""
    import zipfile

    from openpyxl import Workbook

    from documents.importing import COLUMNS, _xlsx_rows

    path = registry / "rong.xlsx"
    book = Workbook()
    book.active.append(["so_ky_hieu", "loai"])
    book.active.cell(row=3000, column=1, value="1/TB")
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD3000"/>', parts[sheet]
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    rows = _xlsx_rows(path)
    assert len(rows) == 3000
    assert max(len(row) for row in rows) <= len(COLUMNS) + 10


def test_a_csv_cell_past_the_readers_limit_is_a_message(registry, ward):
    path = registry / "dai.csv"
    path.write_text("so_ky_hieu,trich_yeu\n1/TB," + "a" * 200_000 + "\n")
    out, error = run(path)
    assert "Không nhập được: không đọc được bảng CSV" in error


def test_restoring_a_document_brings_back_no_other_saved_with_it(
    ward_editor_client, make_document
):
    """A list action saves many documents in one revision; reversion would
    revert them all when one is restored, whoever's they are."""
    import reversion
    from reversion.models import Version

    first = make_document(summary="Bản đầu của văn bản thứ nhất")
    second = make_document(summary="Bản đầu của văn bản thứ hai")
    with reversion.create_revision():
        first.save()
        second.save()
    Document.objects.filter(pk=second.pk).update(summary="Đã sửa văn bản thứ hai")
    version = Version.objects.get_for_object(first).get()
    url = f"/admin/documents/document/{first.pk}/history/{version.pk}/"
    assert ward_editor_client.get(url).status_code == 200
    second.refresh_from_db()
    assert second.summary == "Đã sửa văn bản thứ hai"
    data = form(number=first.number, summary="Bản đầu của văn bản thứ nhất")
    ward_editor_client.post(url, data)
    second.refresh_from_db()
    assert second.summary == "Đã sửa văn bản thứ hai"
    assert second.status == Document.Status.PUBLISHED


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
def test_the_planner_learns_the_imported_documents_at_once(registry, ward):
    """Right after a load, with no statistics, the registry's plans are a
    guess (issue 19): the command ends with ANALYZE of what it filled."""
    before = last_analyzed("documents_document")
    assert run(write_csv(registry, [GOOD]))[1] == ""
    after = last_analyzed("documents_document")
    assert after is not None and (before is None or after > before)
    assert last_analyzed("documents_documentfile") >= after
