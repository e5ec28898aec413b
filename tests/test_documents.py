"""The documents registry (Văn bản): its rules, reader pages, search, feed,
sitemap, ward isolation and the files' downloads."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.utils import timezone

from documents import search
from documents.models import Document, DocumentFile, Issuer, Kind, number_key

DEMO = Path(__file__).resolve().parent.parent / "documents" / "demo"
# A PDF with no text layer: what a scanner makes (here, an empty page).
SCANNED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(document, name="125-qd-ubnd.pdf", data=None):
    data = data if data is not None else (DEMO / "125-qd-ubnd.pdf").read_bytes()
    return DocumentFile.objects.create(
        document=document, file=ContentFile(data, name=name)
    )


def found(reader, q, host=None):
    response = reader.get("/van-ban/", {"q": q})
    assert response.status_code == 200
    return [d.number for d in response.context["documents"]]


# Rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["125/QĐ-UBND", "125/QD-UBND", "125 qđ ubnd", "125  QĐ UBND", "125/qd-ubnd"],
)
def test_number_key_is_the_same_however_typed(typed):
    assert number_key(typed) == "125 qd ubnd"


def test_two_numbers_typed_differently_are_one(make_document, ward):
    make_document(number="125/QĐ-UBND")
    with pytest.raises(ValidationError) as error:
        make_document(number="125/QD-UBND")
    assert "Phường đã có văn bản số 125/QĐ-UBND" in str(error.value)
    with pytest.raises(IntegrityError):
        Document.objects.create(
            ward=ward,
            number="125 qd ubnd",
            kind=Kind.QUYET_DINH,
            issuer=Issuer.UBND,
            issued_on=date(2026, 1, 1),
            summary="x",
        )


def test_another_ward_may_have_the_same_number(make_document, second_ward):
    make_document(number="125/QĐ-UBND")
    make_document(number="125/QĐ-UBND", ward=second_ward)


def test_text_is_stored_composed(make_document):
    decomposed = "Về việc thành lập tổ công tác".replace("ệ", "e\u0323\u0302")
    document = make_document(summary=decomposed, number="9/QĐ-UBND")
    assert document.summary == "Về việc thành lập tổ công tác"


def test_slug_comes_from_kind_and_number(make_document):
    assert make_document(number="125/QĐ-UBND").slug == "quyet-dinh-125-qd-ubnd"


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"issuer": Issuer.KHAC, "issuer_other": ""}, "issuer_other"),
        ({"number": "//--"}, "number"),
        ({"effective_on": date(2020, 1, 1)}, "effective_on"),
        ({"legal_state": Document.LegalState.REPLACED}, "replaced_by"),
        ({"is_draft_for_comment": True}, "comment_ends_on"),
        (
            {
                "is_draft_for_comment": True,
                "comment_starts_on": date(2026, 12, 10),
                "comment_ends_on": date(2026, 12, 1),
            },
            "comment_ends_on",
        ),
        ({"issued_on": date(1000, 1, 1)}, "issued_on"),
    ],
)
def test_it_refuses_what_makes_no_sense(make_document, fields, field):
    with pytest.raises(ValidationError) as error:
        make_document(**{"issued_on": date(2026, 1, 1), **fields})
    assert field in error.value.message_dict


def test_replacing_document_must_be_of_the_same_ward(make_document, second_ward):
    other = make_document(ward=second_ward)
    with pytest.raises(ValidationError) as error:
        make_document(legal_state=Document.LegalState.REPLACED, replaced_by=other)
    assert "cùng phường" in str(error.value)


def test_other_issuer_is_named(make_document):
    document = make_document(issuer=Issuer.KHAC, issuer_other="Sở Tư pháp Hà Nội")
    assert document.issuer_name == "Sở Tư pháp Hà Nội"
    assert make_document().issuer_full_name() == "Ủy ban nhân dân phường Phúc Lợi"


def test_pdf_text_is_extracted_and_searchable(make_document):
    document = make_document()
    attached = pdf_file(document)
    assert "định danh điện tử" in attached.text
    document.refresh_from_db()
    assert "dinh danh dien tu" in document.search_folded


def test_a_scanned_pdf_is_kept_without_text(make_document, reader):
    document = make_document(number="7/TB-UBND", summary="Thông báo lịch họp")
    attached = pdf_file(document, "scan.pdf", SCANNED_PDF)
    assert attached.text == ""
    assert found(reader, "7/TB-UBND") == ["7/TB-UBND"]
    assert found(reader, "lich hop") == ["7/TB-UBND"]


def test_a_damaged_pdf_gives_no_text_and_no_error(make_document):
    document = make_document()
    attached = pdf_file(document, "hong.pdf", b"%PDF-1.4\ngarbage\n%%EOF")
    assert attached.text == ""


def test_removing_a_file_removes_its_words(make_document, reader):
    document = make_document()
    attached = pdf_file(document)
    assert found(reader, "can cuoc")
    attached.delete()
    assert found(reader, "can cuoc") == []


# Search -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["125/QĐ-UBND", "125/QD-UBND", "125 qđ ubnd", "125", "qd-ubnd 125"]
)
def test_number_search_however_typed(make_document, reader, typed):
    make_document(number="125/QĐ-UBND")
    make_document(number="12/QĐ-UBND")
    make_document(number="1250/TB-UBND", kind=Kind.THONG_BAO)
    assert found(reader, typed)[0] == "125/QĐ-UBND"


def test_the_exact_number_comes_first(make_document, reader):
    make_document(number="125/QĐ-UBND", issued_on=date(2020, 1, 1))
    make_document(number="9/QĐ-UBND", summary="Sửa đổi Quyết định 125 năm 2020")
    assert found(reader, "125") == ["125/QĐ-UBND", "9/QĐ-UBND"]


def test_words_of_the_summary_ignore_accents(make_document, reader):
    make_document(number="1/KH-UBND", summary="Kế hoạch tổng vệ sinh môi trường")
    make_document(number="2/KH-UBND", summary="Kế hoạch tiêm chủng")
    assert found(reader, "ve sinh moi truong") == ["1/KH-UBND"]
    assert found(reader, "VỆ SINH") == ["1/KH-UBND"]


def test_words_inside_the_pdf_are_found(make_document, reader):
    document = make_document(number="125/QĐ-UBND", summary="Về một tổ công tác")
    make_document(summary="Không liên quan")
    pdf_file(document)
    assert found(reader, "định danh điện tử") == ["125/QĐ-UBND"]
    assert found(reader, "can cuoc") == ["125/QĐ-UBND"]


def test_search_function_for_the_lead(make_document, ward, second_ward):
    make_document(number="125/QĐ-UBND")
    make_document(number="125/QĐ-UBND", ward=second_ward)
    make_document(number="126/QĐ-UBND", status=Document.Status.DRAFT)
    results = search.search(ward, "125 qd ubnd")
    assert [(d.number, d.ward_id) for d in results] == [("125/QĐ-UBND", ward.pk)]
    assert search.search(ward, "126") == []
    assert search.search(ward, "  !!! ") == []


# Readers ----------------------------------------------------------------


def test_list_is_newest_first_by_issue_date(make_document, reader):
    older = make_document(issued_on=date(2025, 1, 1))
    newer = make_document(issued_on=date(2026, 1, 1))
    response = reader.get("/van-ban/")
    assert list(response.context["documents"]) == [newer, older]
    assert (
        response["Cache-Control"].startswith("no-cache")
        or "public" in response["Cache-Control"]
    )


def test_list_pages(make_document, reader):
    for _ in range(25):
        make_document()
    first = reader.get("/van-ban/")
    assert len(first.context["documents"]) == 20
    assert 'rel="next"' in first.text
    second = reader.get("/van-ban/?trang=2")
    assert len(second.context["documents"]) == 5
    assert 'rel="prev"' in second.text


@pytest.mark.parametrize(
    "query",
    [
        "?trang=abc",
        "?trang=-1",
        "?trang=99999999999999999999",
        "?nam=99999",
        "?nam=abcd",
        "?loai=<script>",
        "?co-quan=x&linh-vuc=%00",
        "?q=%00%01",
        "?q=" + "a" * 5000,
        "?q=<script>alert(1)</script>",
        "?q=%27%20OR%201=1--",
    ],
)
def test_query_string_abuse_is_ignored(make_document, reader, query):
    make_document()
    response = reader.get("/van-ban/" + query)
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_a_page_past_the_end_is_not_found(make_document, reader):
    make_document()
    response = reader.get("/van-ban/?trang=50")
    assert response.status_code == 404
    assert "Không có văn bản nào ở trang này" in response.text


def test_filters(make_document, reader):
    decision = make_document(issued_on=date(2025, 5, 1))
    notice = make_document(kind=Kind.THONG_BAO, issued_on=date(2026, 5, 1))
    city = make_document(issuer=Issuer.UBND_TP, field="dat-dai")

    def shown(query):
        return list(reader.get("/van-ban/" + query).context["documents"])

    assert shown("?loai=thong-bao") == [notice]
    assert city in shown("?co-quan=ubnd-thanh-pho")
    assert shown("?linh-vuc=dat-dai") == [city]
    of_2025 = shown("?nam=2025")
    assert decision in of_2025 and notice not in of_2025
    assert shown("?loai=thong-bao&q=125") == []


def test_drafts_scheduled_and_withdrawn_are_never_shown(make_document, reader):
    shown = make_document(number="1/TB-UBND")
    hidden = [
        make_document(number="2/TB-UBND", status=Document.Status.DRAFT),
        make_document(number="3/TB-UBND", status=Document.Status.WITHDRAWN),
        make_document(
            number="4/TB-UBND", published_at=timezone.now() + timedelta(hours=1)
        ),
    ]
    assert list(reader.get("/van-ban/").context["documents"]) == [shown]
    for document in hidden:
        assert reader.get(document.get_absolute_url()).status_code == 404
        assert found(reader, document.number) == []
    assert "2/TB-UBND" not in reader.get("/van-ban/rss/").text
    assert "4-tb-ubnd" not in reader.get("/sitemap-van-ban.xml").text


def test_another_wards_documents_are_absent(make_document, reader, second_ward):
    other = make_document(number="77/QĐ-UBND", ward=second_ward, summary="Bồ Đề")
    attached = pdf_file(other)
    assert reader.get(other.get_absolute_url()).status_code == 404
    assert found(reader, "77") == []
    assert found(reader, "can cuoc") == []
    assert "77/QĐ-UBND" not in reader.get("/van-ban/").text
    assert "77/QĐ-UBND" not in reader.get("/van-ban/rss/").text
    assert "quyet-dinh-77" not in reader.get("/sitemap-van-ban.xml").text
    from documents.views import file_url

    assert reader.get(file_url(attached, "download")).status_code == 404
    assert reader.get(file_url(attached, "view")).status_code == 404


def test_detail_shows_table_state_and_relations(make_document, reader):
    new = make_document(number="125/QĐ-UBND", signer="Nguyễn Văn Hùng")
    old = make_document(
        number="30/QĐ-UBND",
        legal_state=Document.LegalState.REPLACED,
        replaced_by=new,
    )
    future = make_document(
        number="210/KH-UBND",
        kind=Kind.KE_HOACH,
        issued_on=timezone.localdate(),
        effective_on=timezone.localdate() + timedelta(days=10),
    )
    hidden = make_document(number="5/QĐ-UBND", status=Document.Status.DRAFT)
    new.related_documents.add(hidden, future)
    response = reader.get(old.get_absolute_url())
    assert "Văn bản này đã bị thay thế bởi" in response.text
    assert new.get_absolute_url() in response.text
    response = reader.get(new.get_absolute_url())
    assert '<th scope="row">Người ký</th><td>Nguyễn Văn Hùng</td>' in response.text
    assert old.get_absolute_url() in response.text  # It replaces that one.
    assert future.get_absolute_url() in response.text
    assert hidden.get_absolute_url() not in response.text
    response = reader.get(future.get_absolute_url())
    when = (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y")
    assert f"Có hiệu lực từ {when}" in response.text
    assert f"Có hiệu lực từ {when}" in reader.get("/van-ban/").text


def test_related_articles_only_if_published(make_document, reader, make_article):
    document = make_document()
    shown = make_article(title="Tin đã đăng về quyết định")
    draft = make_article(title="Tin nháp về quyết định", status="draft")
    document.related_articles.add(shown, draft)
    response = reader.get(document.get_absolute_url())
    assert "Tin đã đăng về quyết định" in response.text
    assert "Tin nháp về quyết định" not in response.text


def test_draft_for_comment_shows_its_period(make_document, reader):
    today = timezone.localdate()
    document = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=2),
        comment_ends_on=today + timedelta(days=20),
    )
    response = reader.get(document.get_absolute_url())
    ends = (today + timedelta(days=20)).strftime("%d/%m/%Y")
    assert f"Đang lấy ý kiến đến hết ngày {ends}" in response.text
    assert "Dự thảo lấy ý kiến" in reader.get("/van-ban/").text


def test_legislation_json_ld(make_document, reader):
    document = make_document(number="125/QĐ-UBND", summary="</script><b>x</b>")
    response = reader.get(document.get_absolute_url())
    import json
    import re

    data = json.loads(
        re.search(r'application/ld\+json">(.*?)</script>', response.text, re.S)[1]
    )
    assert data["@type"] == "Legislation"
    assert data["legislationIdentifier"] == "125/QĐ-UBND"
    assert data["legislationType"] == "Quyết định"
    assert data["legislationDate"] == document.issued_on.isoformat()
    assert data["legislationPassedBy"]["name"] == "Ủy ban nhân dân phường Phúc Lợi"
    assert data["abstract"] == "</script><b>x</b>"
    assert "</script><b>" not in response.text


def test_views_and_downloads_are_counted(make_document, reader):
    document = make_document()
    attached = pdf_file(document)
    reader.get(document.get_absolute_url())
    reader.get(document.get_absolute_url(), headers={"user-agent": "Googlebot/2.1"})
    from documents.views import file_url

    response = reader.get(file_url(attached, "download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document.refresh_from_db()
    assert (document.view_count, document.download_count) == (1, 1)


def test_the_pdf_opens_sandboxed_in_the_browser(make_document, reader):
    document = make_document()
    attached = pdf_file(document)
    from documents.views import file_url

    response = reader.get(file_url(attached, "view"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"
    docx = DocumentFile.objects.create(
        document=document,
        file=ContentFile(b"PK", name="a.docx"),
    )
    assert reader.get(file_url(docx, "view")).status_code == 404


def test_a_wrong_filename_redirects_to_the_right_one(make_document, reader):
    document = make_document()
    attached = pdf_file(document)
    from documents.views import file_url

    response = reader.get(file_url(attached, "download").rsplit("/", 1)[0] + "/x.pdf")
    assert response.status_code == 301
    assert response["Location"] == file_url(attached, "download")


def test_feed_and_sitemap(make_document, reader):
    document = make_document(number="125/QĐ-UBND")
    feed = reader.get("/van-ban/rss/")
    assert feed.status_code == 200
    assert "Quyết định số 125/QĐ-UBND" in feed.text
    index = reader.get("/sitemap.xml").text
    assert "sitemap-van-ban.xml" in index
    assert document.get_absolute_url() in reader.get("/sitemap-van-ban.xml").text


def test_a_change_is_seen_at_once(make_document, reader):
    document = make_document(summary="Trích yếu cũ")
    assert "Trích yếu cũ" in reader.get("/van-ban/").text
    document.summary = "Trích yếu mới"
    document.save()
    assert "Trích yếu mới" in reader.get("/van-ban/").text
    pdf_file(document)
    assert found(reader, "can cuoc") == [document.number]
    document.status = Document.Status.WITHDRAWN
    document.save()
    assert document.number not in reader.get("/van-ban/").text


def test_query_counts_do_not_grow(
    make_document, reader, django_assert_max_num_queries, make_article
):
    for n in range(30):
        document = make_document()
        if n % 10 == 0:
            pdf_file(document)
            document.related_documents.add(Document.objects.first())
    document = Document.objects.filter(files__isnull=False).first()
    for url in [
        "/van-ban/",
        "/van-ban/?loai=quyet-dinh&nam=2026",
        "/van-ban/?q=125",
        "/van-ban/?q=can+cuoc",
        document.get_absolute_url(),
    ]:
        with django_assert_max_num_queries(9):
            assert reader.get(url).status_code == 200


@pytest.mark.parametrize(
    ("sent", "canonical"),
    [
        ({"trang": "02"}, "trang=2"),
        ({"nam": "02024"}, "nam=2024"),
        ({"loai": "Quyet-Dinh"}, "loai=quyet-dinh"),
    ],
)
def test_a_list_page_has_one_address(reader, make_document, sent, canonical):
    make_document()
    response = reader.get("/van-ban/", sent)
    assert response.status_code == 301
    assert response["Location"].endswith(f"?{canonical}")


def test_a_draft_for_comment_is_not_shown_as_in_force(reader, make_document):
    today = timezone.localdate()
    draft = make_document(
        number="12/DT-UBND",
        is_draft_for_comment=True,
        comment_starts_on=today,
        comment_ends_on=today + timedelta(days=30),
    )
    page = reader.get(draft.get_absolute_url()).text
    assert "Dự thảo, chưa có hiệu lực" in page
    assert "Còn hiệu lực" not in page and "Ngày hiệu lực" not in page
    listed = reader.get("/van-ban/").text
    assert "Đăng dự thảo" in listed and "Còn hiệu lực" not in listed


# What an intruder found: files with an address of their own, slow PDFs,
# sheets that declare every column, words past PostgreSQL's limit.


def test_a_documents_file_has_no_address_but_its_views(
    reader, make_document, media_root
):
    draft = make_document(status=Document.Status.DRAFT)
    stored = pdf_file(draft).file.name
    assert stored.startswith("attachments/documents/")
    assert reader.get(f"/media/{stored}").status_code == 404


def pdf_with_drawing_of(size: int) -> bytes:
    """A one-page PDF whose page draws ``size`` bytes of text operators."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = StreamObject()
    stream.set_data(b"BT /F1 12 Tf (aaaaaaaa) Tj ET\n" * (size // 30))
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_that_draws_megabytes_of_text_is_not_read_for_minutes():
    import io
    import time

    from documents import pdftext

    started = time.monotonic()
    assert pdftext.extract(io.BytesIO(pdf_with_drawing_of(2_000_000))) == ""
    assert time.monotonic() - started < 3
    assert "aaaaaaaa" in pdftext.extract(io.BytesIO(pdf_with_drawing_of(4_000)))


def test_search_words_stay_within_postgresqls_limit(make_document):
    from documents.models import MAX_SEARCH_BYTES, within_bytes

    words = " ".join(chr(0x4E00 + n % 20000) * 3 for n in range(100_000))
    kept = within_bytes(words, MAX_SEARCH_BYTES)
    assert len(kept.encode()) <= MAX_SEARCH_BYTES and not kept.endswith(" ")
    document = make_document(summary="Về việc thử")
    document_file = pdf_file(document)
    DocumentFile.objects.filter(pk=document_file.pk).update(text=words)
    document.refresh_search()
    document.refresh_from_db()
    assert len(document.search_folded.encode()) <= MAX_SEARCH_BYTES
