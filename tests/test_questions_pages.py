"""The public questions and answers, the status look-up and the privacy
notice: readers see answers with the asker as initials and tổ only; the
resident alone, with their code and contact, sees where theirs stands."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from questions import door
from questions.models import CommentReport, Status

from .test_questions_models import make_submission


@pytest.fixture(autouse=True)
def fresh_limits():
    door.clear_local()
    yield
    door.clear_local()


def published(ward, slug="tam-tru", **fields):
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    fields.setdefault("answer", "<p>Phường trả lời: mang theo CCCD.</p>")
    fields.setdefault("answered_at", timezone.now() - timedelta(hours=2))
    return make_submission(ward, slug=slug, **fields)


def test_the_list_shows_published_answers_only(reader, ward):
    shown = published(ward, title="Đăng ký tạm trú cho người thuê trọ")
    make_submission(ward, title="Chưa trả lời", status=Status.NEW)
    make_submission(ward, title="Không công khai", status=Status.PRIVATE)
    published(
        ward,
        slug="sau",
        title="Đăng sau",
        published_at=timezone.now() + timedelta(days=1),
    )
    page = reader.get("/hoi-dap/").content.decode()
    assert shown.title in page
    assert "Chưa trả lời" not in page
    assert "Không công khai" not in page
    assert "Đăng sau" not in page
    assert "Ông/bà N.V.A., tổ 5" in page


def test_an_answer_page_shows_no_personal_data(reader, ward):
    item = published(
        ward,
        name="Nguyễn Văn An",
        group="Tổ 5, số 12 ngõ 34 Trần Phú",
        phone="0912345678",
        email="an.nguyen@example.vn",
        title="Tạm trú, gọi tôi 0912 345 678",
        body="Tôi là Nguyễn Văn An ở Tổ 5, số 12 ngõ 34 Trần Phú, "
        "email an.nguyen@example.vn, hỏi về tạm trú.",
        answer="<p>Chào ông Nguyễn Văn An, phường đã gọi số 0912.345.678 và gửi "
        'thư tới <a href="mailto:an.nguyen@example.vn">an.nguyen@example.vn</a>.</p>',
    )
    item.files.create(
        file=ContentFile(b"%PDF-1.4", name="giay-to.pdf"),
        original_name="giay-to.pdf",
        size=8,
    )
    response = reader.get(item.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for secret in (
        "0912",
        "345",
        "an.nguyen",
        "example.vn",
        "Nguyễn Văn An",
        "ngõ 34",
        "Trần Phú",
        "giay-to",
        "attachments/",
        "mailto:",
    ):
        assert secret not in page, secret
    assert "Ông/bà N.V.A., tổ 5" in page
    assert "[đã ẩn]" in page


def test_search_finds_words_without_accents_but_no_phone(reader, ward):
    published(ward, title="Đăng ký tạm trú", body="Tôi hỏi, số của tôi 0912345678.")
    published(ward, slug="khac", title="Xây dựng nhà ở", body="Giấy phép xây dựng.")
    page = reader.get("/hoi-dap/", {"q": "tam tru"}).content.decode()
    assert "Đăng ký tạm trú" in page and "Xây dựng nhà ở" not in page
    page = reader.get("/hoi-dap/", {"q": "0912345678"}).content.decode()
    assert "Đăng ký tạm trú" not in page
    page = reader.get("/hoi-dap/", {"q": "Nguyễn"}).content.decode()
    assert "Đăng ký tạm trú" not in page


def test_the_topic_filter(reader, ward):
    published(ward, title="Về cư trú", topic="cu-tru")
    published(ward, slug="y-te", title="Về y tế", topic="y-te")
    page = reader.get("/hoi-dap/", {"linh-vuc": "y-te"}).content.decode()
    assert "Về y tế" in page and "Về cư trú" not in page


def test_other_wards_see_nothing(second_reader, ward, second_ward):
    item = published(ward, title="Câu hỏi của phường Phúc Lợi")
    assert "Câu hỏi của phường" not in second_reader.get("/hoi-dap/").content.decode()
    assert second_reader.get(item.get_absolute_url()).status_code == 404
    response = second_reader.post(
        "/hoi-dap/tra-cuu/", {"ma": item.code, "lien_he": "0912345678"}
    )
    assert response.status_code == 404


def test_the_list_and_an_answer_in_few_queries(
    reader, ward, django_assert_max_num_queries
):
    for n in range(5):
        published(ward, slug=f"cau-{n}", title=f"Câu {n}")
    reader.get("/hoi-dap/")  # The ward's map, once.
    with django_assert_max_num_queries(4):
        assert reader.get("/hoi-dap/?linh-vuc=cu-tru").status_code == 200
    with django_assert_max_num_queries(4):
        assert reader.get("/hoi-dap/cau-1/").status_code == 200


# --- Status look-up -----------------------------------------------------------


def test_the_resident_sees_where_their_question_stands(reader, ward):
    item = make_submission(
        ward,
        status=Status.ANSWERED,
        answer="<p>Mang CCCD tới bộ phận một cửa.</p>",
        email="an@example.vn",
    )
    for contact in (
        "0912 345 678",
        "+84912345678",
        "+84 (0)912 345 678",
        "AN@example.vn",
    ):
        response = reader.post(
            "/hoi-dap/tra-cuu/", {"ma": item.code.lower(), "lien_he": contact}
        )
        assert response.status_code == 200, contact
        page = response.content.decode()
        assert "Đã trả lời" in page and "Mang CCCD" in page
        assert "no-store" in response["Cache-Control"]


def test_a_wrong_contact_reads_as_no_such_code(reader, ward):
    item = make_submission(ward)
    wrong = reader.post("/hoi-dap/tra-cuu/", {"ma": item.code, "lien_he": "0900000000"})
    missing = reader.post(
        "/hoi-dap/tra-cuu/", {"ma": "HD-2026-999999", "lien_he": "0912345678"}
    )
    assert wrong.status_code == missing.status_code == 404
    assert "Không tìm thấy" in wrong.content.decode()
    assert item.title not in wrong.content.decode()


def test_look_ups_are_limited(reader, ward, settings):
    settings.QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR = 3
    item = make_submission(ward)
    for _ in range(3):
        reader.post("/hoi-dap/tra-cuu/", {"ma": "HD-2026-000999", "lien_he": "0912"})
    response = reader.post(
        "/hoi-dap/tra-cuu/", {"ma": item.code, "lien_he": "0912345678"}
    )
    assert response.status_code == 429


def test_look_ups_are_limited_per_ward_from_any_address_and_contact(
    reader, ward, settings
):
    settings.QUESTIONS_LOOKUPS_PER_WARD_PER_HOUR = 3
    item = make_submission(ward)
    for n in range(3):
        reader.post(
            "/hoi-dap/tra-cuu/",
            {"ma": "HD-2026-000999", "lien_he": f"090000000{n}"},
            REMOTE_ADDR=f"203.0.113.{n + 1}",
        )
    response = reader.post(
        "/hoi-dap/tra-cuu/",
        {"ma": item.code, "lien_he": "0912345678"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    assert "nhiều lần" in response.content.decode()


def test_an_item_without_contact_cannot_be_looked_up(reader, ward):
    item = make_submission(ward, phone="")
    response = reader.post("/hoi-dap/tra-cuu/", {"ma": item.code, "lien_he": "0"})
    assert response.status_code in (400, 404)


def test_the_sent_page_needs_our_signature(reader, ward):
    item = make_submission(ward)
    response = reader.get("/hoi-dap/da-gui/", {"ma": item.code})
    assert response.status_code == 302
    assert item.code not in reader.get(response["Location"]).content.decode()


# --- Documents and the privacy notice ------------------------------------------


def test_a_closed_draft_shows_its_count_and_published_report(
    reader, ward, make_document
):
    today = timezone.localdate()
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=20),
        comment_ends_on=today - timedelta(days=5),
    )
    for n in range(3):
        make_submission(ward, kind="gop-y", document=draft, title=f"Góp ý {n}")
    report = CommentReport.objects.create(
        document=draft,
        body="<p>Đã nhận 3 ý kiến; liên hệ 0912345678.</p>",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="bao-cao.pdf"),
    )
    page = reader.get(draft.get_absolute_url()).content.decode()
    assert "Đã nhận 3 ý kiến góp ý" in page
    assert "Báo cáo tổng hợp ý kiến" not in page
    report.published = True
    report.save()
    page = reader.get(draft.get_absolute_url()).content.decode()
    assert "Báo cáo tổng hợp ý kiến" in page and "0912345678" not in page
    download = reader.get(f"/van-ban/{draft.slug}/tong-hop-y-kien/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    closed = reader.get(f"/van-ban/{draft.slug}/gop-y/").content.decode()
    assert "Đã hết thời gian góp ý" in closed and "tong-hop-y-kien" in closed


def test_the_privacy_notice(reader, ward):
    page = reader.get("/chinh-sach-bao-ve-du-lieu-ca-nhan/").content.decode()
    assert "13/2023/NĐ-CP" in page and "24 tháng" in page


def test_the_menu_and_home_link_to_questions(reader, ward):
    page = reader.get("/").content.decode()
    assert page.count('href="/hoi-dap/"') >= 2


def test_the_sitemap_lists_published_answers_only(reader, ward):
    shown = published(ward, title="Đã đăng")
    make_submission(ward, title="Chưa đăng", slug="chua-dang")
    index = reader.get("/sitemap.xml").content.decode()
    assert "sitemap-hoi-dap.xml" in index
    section = reader.get("/sitemap-hoi-dap.xml").content.decode()
    assert shown.get_absolute_url() in section
    assert "chua-dang" not in section and "0912" not in section


def test_the_status_and_sent_pages_are_valid_html(reader, ward, tmp_path):
    from .test_html_valid import check_html

    item = make_submission(ward, status=Status.ANSWERED, answer="<p>Trả lời.</p>")
    pages = {
        "status-found": reader.post(
            "/hoi-dap/tra-cuu/", {"ma": item.code, "lien_he": "0912345678"}
        ),
        "status-missing": reader.post(
            "/hoi-dap/tra-cuu/", {"ma": "HD-2026-999999", "lien_he": "0912345678"}
        ),
    }
    files = {}
    for name, response in pages.items():
        file = tmp_path / f"{name}.html"
        file.write_text(response.content.decode(), encoding="utf-8")
        files[str(file)] = (name, "/hoi-dap/tra-cuu/")
    assert check_html(files) == []
