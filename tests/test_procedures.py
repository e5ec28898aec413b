"""Thủ tục hành chính for readers: the model's rules, the one gate
(shared procedures, a ward's own, a ward's own submission place and contact),
the list grouped by field with a search that ignores accents, a procedure's
page and forms, ward isolation, the sitemap, the page cache, the query
counts, and the portal address setting."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from procedures.models import Procedure, ProcedureForm, WardProcedureDetails
from procedures.search import matching

from .test_attachments import pdf_bytes
from .test_settings import PROJECT, load_settings

pytestmark = pytest.mark.django_db

LIST = "/thu-tuc-hanh-chinh/"
PUBLISHED = Procedure.Status.PUBLISHED


@pytest.fixture
def birth(make_procedure):
    return make_procedure(
        name="Đăng ký khai sinh",
        code="1.001193",
        field="Hộ tịch",
        online=True,
        submission_place="Bộ phận một cửa của phường nơi cư trú.",
        contact="Tổng đài 1022.",
        time_limit="Ngay trong ngày",
        steps="<ol><li>Nộp hồ sơ.</li><li>Nhận kết quả.</li></ol>",
        fees="<p>Miễn lệ phí khi đăng ký đúng hạn.</p>",
        legal_basis="<p>Luật Hộ tịch năm 2014.</p>",
    )


def titles(response):
    return [p.name for _, group in response.context["groups"] for p in group]


# The model's rules ------------------------------------------------------------


def test_text_is_stored_composed_and_the_slug_made_from_the_name(make_procedure):
    decomposed = "Đăng ký khai sinh".replace("ă", "a\u0306")
    procedure = make_procedure(name=f"  {decomposed}  ", field=" Hộ  tịch ")
    assert procedure.name == "Đăng ký khai sinh"
    assert procedure.slug == "dang-ky-khai-sinh"
    assert procedure.field == "Hộ tịch" and procedure.field_slug == "ho-tich"


def test_rich_fields_are_sanitised_on_save(make_procedure):
    procedure = make_procedure(
        documents='<p onclick="x()">Giấy tờ<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">xem</a>',
        steps="<img src=x onerror=alert(1)>",
        fees="<style>p{}</style><p>Miễn phí</p>",
        legal_basis='<iframe src="https://evil.example"></iframe><p>Luật</p>',
    )
    stored = " ".join(
        [procedure.documents, procedure.steps, procedure.fees, procedure.legal_basis]
    )
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style"):
        assert bad not in stored
    assert "Giấy tờ" in procedure.documents and "Miễn phí" in procedure.fees


def test_a_slug_never_repeats_a_shared_one_or_the_wards_own(
    make_procedure, ward, second_ward
):
    shared = make_procedure(name="Chứng thực chữ ký")
    own = make_procedure(name="Chứng thực chữ ký", ward=ward)
    other = make_procedure(name="Chứng thực chữ ký", ward=second_ward)
    assert shared.slug == "chung-thuc-chu-ky"
    assert own.slug == "chung-thuc-chu-ky-2"
    assert other.slug == "chung-thuc-chu-ky-2"
    # A new shared one must not take any ward's address either.
    assert make_procedure(name="Chứng thực chữ ký").slug == "chung-thuc-chu-ky-3"


def test_a_typed_slug_clashing_with_a_shared_one_is_refused(make_procedure, ward):
    make_procedure(name="Đăng ký kết hôn")
    procedure = Procedure(
        ward=ward, name="Kết hôn", slug="dang-ky-ket-hon", field="Hộ tịch"
    )
    with pytest.raises(ValidationError) as error:
        procedure.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("code", ["1.001193", "2.000908", "1.0001.2"])
def test_national_codes_are_accepted(code):
    Procedure(name="A", field="B", code=code).full_clean()


@pytest.mark.parametrize("code", ["abc", "1001193", "1.001193<script>", "1..2", "."])
def test_anything_else_as_a_code_is_refused(code):
    with pytest.raises(ValidationError) as error:
        Procedure(name="A", field="B", code=code).full_clean()
    assert "Mã thủ tục" in error.value.message_dict["code"][0]


def test_at_least_one_way_to_hand_in_is_required():
    procedure = Procedure(
        name="A", field="B", in_person=False, online=False, by_post=False
    )
    with pytest.raises(ValidationError, match="ít nhất một cách nộp"):
        procedure.full_clean()


def test_the_portal_link_is_built_from_the_code(settings, birth):
    assert birth.portal_url == (
        "https://dichvucong.gov.vn/p/home/"
        "dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"
    )
    settings.PROCEDURE_PORTAL_URL = "https://dvc.hanoi.gov.vn/tthc/{code}/nop"
    assert birth.portal_url == "https://dvc.hanoi.gov.vn/tthc/1.001193/nop"
    birth.code = ""
    assert birth.portal_url == ""


def test_ward_details_are_only_for_shared_procedures(make_procedure, ward):
    own = make_procedure(ward=ward)
    with pytest.raises(ValidationError, match="Chỉ thủ tục dùng chung"):
        WardProcedureDetails(procedure=own, ward=ward).full_clean()


def test_a_ward_has_one_set_of_details_a_procedure(birth, ward):
    WardProcedureDetails.objects.create(procedure=birth, ward=ward, contact="A")
    with pytest.raises(ValidationError, match="Phường đã có nơi nộp"):
        WardProcedureDetails(procedure=birth, ward=ward, contact="B").full_clean()


# The one gate -----------------------------------------------------------------


def test_published_gives_the_shared_and_the_wards_own(
    make_procedure, ward, second_ward
):
    shared = make_procedure(name="Dùng chung")
    own = make_procedure(name="Của phường", ward=ward)
    make_procedure(name="Phường khác", ward=second_ward)
    for status in ("draft", "review", "withdrawn"):
        make_procedure(name=f"Chung {status}", status=status)
        make_procedure(name=f"Riêng {status}", status=status, ward=ward)
    assert set(Procedure.objects.published(ward)) == {shared, own}


def test_a_ward_sees_its_own_submission_place_on_a_shared_procedure(
    birth, ward, second_ward
):
    WardProcedureDetails.objects.create(
        procedure=birth,
        ward=ward,
        submission_place="Bộ phận một cửa, tầng 1 UBND phường Phúc Lợi",
        contact="",
    )
    here = Procedure.objects.published(ward).get().shown_in(ward)
    there = Procedure.objects.published(second_ward).get().shown_in(second_ward)
    assert here.submission_place == "Bộ phận một cửa, tầng 1 UBND phường Phúc Lợi"
    # An empty detail keeps the shared text.
    assert here.contact == "Tổng đài 1022."
    assert there.submission_place == "Bộ phận một cửa của phường nơi cư trú."


# The list and search ----------------------------------------------------------


def test_the_list_is_grouped_by_field_in_the_alphabets_order(reader, make_procedure):
    make_procedure(name="Đăng ký kết hôn", field="Hộ tịch")
    make_procedure(name="Cấp bản sao trích lục hộ tịch", field="Hộ tịch")
    make_procedure(name="Xác nhận tình trạng hôn nhân", field="Hộ tịch")
    make_procedure(name="Chứng thực chữ ký", field="Chứng thực")
    make_procedure(name="Đăng ký thường trú", field="Cư trú")
    response = reader.get(LIST)
    assert response.status_code == 200
    groups = [
        (name, [p.name for p in group]) for name, group in response.context["groups"]
    ]
    assert groups == [
        ("Chứng thực", ["Chứng thực chữ ký"]),
        ("Cư trú", ["Đăng ký thường trú"]),
        (
            "Hộ tịch",
            [
                "Cấp bản sao trích lục hộ tịch",
                "Đăng ký kết hôn",
                "Xác nhận tình trạng hôn nhân",
            ],
        ),
    ]
    assert "<h1" in response.text and "Thủ tục hành chính</h1>" in response.text


def test_the_list_hides_drafts_and_other_wards_procedures(
    reader, make_procedure, ward, second_ward
):
    make_procedure(name="Thủ tục đã đăng")
    make_procedure(name="Thủ tục nháp", status="draft")
    make_procedure(name="Thủ tục chờ duyệt", status="review", ward=ward)
    make_procedure(name="Thủ tục ngừng", status="withdrawn")
    make_procedure(name="Thủ tục của Bồ Đề", ward=second_ward)
    response = reader.get(LIST)
    assert titles(response) == ["Thủ tục đã đăng"]
    for hidden in ("nháp", "chờ duyệt", "ngừng", "Bồ Đề</a>"):
        assert f"Thủ tục {hidden}" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "đăng ky khai sinh",
        "Đăng ký khai sinh".replace("ă", "a\u0306"),  # Typed decomposed.
        "khai sinh",
        "1.001193",
        "001193",
        "ho tich khai sinh",
    ],
)
def test_search_ignores_accents(reader, birth, make_procedure, query):
    make_procedure(name="Đăng ký kết hôn")
    make_procedure(name="Đăng ký khai tử")
    response = reader.get(LIST, {"q": query})
    assert titles(response) == ["Đăng ký khai sinh"]
    assert "Tìm thấy 1 thủ tục" in response.text


def test_search_says_when_nothing_matches(reader, birth):
    response = reader.get(LIST, {"q": "giấy phép xây dựng"})
    assert titles(response) == []
    assert "Không tìm thấy thủ tục nào cho “giấy phép xây dựng”" in response.text


def test_search_needs_a_letter_or_a_digit(reader, birth):
    response = reader.get(LIST, {"q": "!!! ..."})
    assert "Từ khóa cần có ít nhất một chữ hoặc chữ số." in response.text


def test_the_field_filter_keeps_one_field(reader, birth, make_procedure):
    make_procedure(name="Chứng thực chữ ký", field="Chứng thực")
    response = reader.get(LIST, {"linh-vuc": "chung-thuc"})
    assert titles(response) == ["Chứng thực chữ ký"]
    assert 'aria-current="page">Chứng thực' in response.text
    response = reader.get(LIST, {"linh-vuc": "chung-thuc", "q": "khai sinh"})
    assert titles(response) == []


@pytest.mark.parametrize(
    "params",
    [
        {"linh-vuc": "khong-co"},
        {"linh-vuc": "<script>"},
        {"linh-vuc": "x" * 5000},
        {"q": "a" * 5000},
        {"q": "\x00\x07<script>alert(1)</script>"},
        {"page": "abc"},
        {"q": ["khai", "sinh"]},
    ],
)
def test_query_string_abuse_is_ignored_or_explained(reader, birth, params):
    # A repeated parameter leads to its one address first (pages/params.py).
    response = reader.get(LIST, params, follow=True)
    assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_an_unknown_field_says_so_and_shows_everything(reader, birth):
    response = reader.get(LIST, {"linh-vuc": "khong-co"})
    assert titles(response) == ["Đăng ký khai sinh"]
    assert "Không có lĩnh vực này" in response.text


def test_an_empty_list_points_to_the_national_portal(reader, db):
    response = reader.get(LIST)
    assert "chưa đăng thủ tục hành chính nào" in response.text
    assert 'href="https://dichvucong.gov.vn/"' in response.text
    assert "đang được cập nhật" not in response.text


def test_matching_is_what_the_sites_search_asks(
    birth, make_procedure, ward, second_ward
):
    own = make_procedure(name="Xác nhận hộ nghèo sinh sống", ward=ward)
    make_procedure(name="Khai sinh nháp", status="draft")
    make_procedure(name="Khai sinh của Bồ Đề", ward=second_ward)
    assert list(matching(ward, "khai sinh")) == [birth]
    assert set(matching(ward, "SINH")) == {birth, own}
    assert list(matching(second_ward, "ho ngheo")) == []
    assert list(matching(ward, "   ")) == []


# A procedure's page -----------------------------------------------------------


def test_the_page_shows_every_field_papers_first(reader, birth, ward):
    response = reader.get(birth.get_absolute_url())
    assert response.status_code == 200
    text = response.text[response.text.index("<main") :]
    order = [
        "<h1",
        "Mã thủ tục",
        "Nộp hồ sơ trực tuyến",
        "Thành phần hồ sơ",
        "Nơi nộp hồ sơ",
        "Trình tự thực hiện",
        "Phí, lệ phí",
        "Liên hệ, giải đáp",
        "Căn cứ pháp lý",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Trực tiếp, Trực tuyến" in text
    assert (
        'href="https://dichvucong.gov.vn/p/home/'
        'dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"' in text
    )
    assert response.text.count("<h1") == 1


def test_a_procedure_without_a_code_has_no_online_button(reader, make_procedure):
    procedure = make_procedure(name="Chứng thực bản sao", code="")
    response = reader.get(procedure.get_absolute_url())
    assert "Nộp hồ sơ trực tuyến" not in response.text


def test_the_page_shows_the_wards_own_desk(reader, second_reader, birth, ward):
    WardProcedureDetails.objects.create(
        procedure=birth,
        ward=ward,
        submission_place="Tầng 1 UBND phường Phúc Lợi",
        contact="Chị Hà, 024 3875 0001",
    )
    here = reader.get(birth.get_absolute_url()).text
    there = second_reader.get(birth.get_absolute_url()).text
    assert "Tầng 1 UBND phường Phúc Lợi" in here and "024 3875 0001" in here
    assert "Tầng 1 UBND phường Phúc Lợi" not in there
    assert "Bộ phận một cửa của phường nơi cư trú." in there


def test_drafts_are_never_visible(reader, make_procedure, ward):
    for status in ("draft", "review", "withdrawn"):
        for scope in (None, ward):
            procedure = make_procedure(status=status, ward=scope)
            assert reader.get(procedure.get_absolute_url()).status_code == 404


def test_a_wards_own_procedure_is_404_in_another_ward(
    reader, second_reader, make_procedure, ward
):
    own = make_procedure(name="Thủ tục riêng của Phúc Lợi", ward=ward)
    assert reader.get(own.get_absolute_url()).status_code == 200
    assert second_reader.get(own.get_absolute_url()).status_code == 404
    assert "Thủ tục riêng" not in second_reader.get(LIST).text
    assert "Thủ tục riêng" not in second_reader.get(LIST, {"q": "rieng"}).text


def test_a_shared_procedure_shows_in_every_ward(reader, second_reader, birth):
    assert reader.get(birth.get_absolute_url()).status_code == 200
    assert second_reader.get(birth.get_absolute_url()).status_code == 200


def test_unknown_and_odd_addresses_are_404(reader, birth):
    assert reader.get(f"{LIST}khong-co/").status_code == 404
    assert reader.get(f"{LIST}%C4%91/").status_code == 404


# Forms ------------------------------------------------------------------------


@pytest.fixture
def form(birth, media_root):
    return ProcedureForm.objects.create(
        procedure=birth,
        name="Tờ khai đăng ký khai sinh",
        file=SimpleUploadedFile("to-khai.pdf", pdf_bytes()),
    )


def test_the_page_lists_forms_to_download(reader, birth, form):
    text = reader.get(birth.get_absolute_url()).text
    assert "Biểu mẫu, tờ khai" in text
    assert f'href="{form.get_absolute_url()}"' in text
    response = reader.get(form.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_forms_are_stored_where_media_never_serves(reader, form):
    assert form.file.name.startswith("attachments/thu-tuc/chung/")
    assert reader.get(f"/media/{form.file.name}").status_code == 404


def test_a_drafts_forms_are_not_downloaded(reader, birth, form):
    birth.status = "draft"
    birth.save()
    assert reader.get(form.get_absolute_url()).status_code == 404


def test_another_wards_forms_are_not_downloaded(
    second_reader, make_procedure, ward, media_root
):
    own = make_procedure(ward=ward)
    form = ProcedureForm.objects.create(
        procedure=own, file=SimpleUploadedFile("to-khai.pdf", pdf_bytes())
    )
    assert second_reader.get(form.get_absolute_url()).status_code == 404


def test_a_mistyped_form_name_redirects(reader, form):
    response = reader.get(f"{LIST}bieu-mau/{form.pk}/sai-ten.pdf")
    assert response.status_code == 301
    assert response["Location"] == form.get_absolute_url()


# Sitemap, menu, page cache, queries -------------------------------------------


def test_the_sitemap_lists_what_readers_may_see(
    reader, second_reader, birth, make_procedure, ward
):
    own = make_procedure(name="Riêng Phúc Lợi", ward=ward)
    draft = make_procedure(name="Nháp", status="draft")
    index = reader.get("/sitemap.xml").text
    assert "sitemap-thu-tuc-hanh-chinh.xml" in index
    here = reader.get("/sitemap-thu-tuc-hanh-chinh.xml").text
    assert f"{LIST}</loc>" in here
    assert birth.get_absolute_url() in here and own.get_absolute_url() in here
    assert draft.get_absolute_url() not in here
    there = second_reader.get("/sitemap-thu-tuc-hanh-chinh.xml").text
    assert birth.get_absolute_url() in there
    assert own.get_absolute_url() not in there


def test_the_menu_leads_to_the_procedures(reader, birth):
    home = reader.get("/").text
    assert f'<a href="{LIST}">Thủ tục hành chính</a>' in home
    assert f'<a href="{LIST}" aria-current="page">' in reader.get(LIST).text


def test_a_reader_sees_a_change_at_once(reader, second_reader, birth, ward):
    """Pages are kept (the page cache), and a change makes them stale: a
    ward's own details in its ward, a shared procedure's in every ward."""
    url = birth.get_absolute_url()
    assert "Ngay trong ngày" in reader.get(url).text
    assert "Ngay trong ngày" in second_reader.get(url).text
    assert "Đăng ký khai sinh" in reader.get(LIST).text
    # Kept: the second request is served without rendering.
    assert reader.get(url).context is None

    birth.time_limit = "03 ngày làm việc"
    birth.save()
    assert "03 ngày làm việc" in reader.get(url).text
    assert "03 ngày làm việc" in second_reader.get(url).text
    assert "03 ngày làm việc" in reader.get(LIST).text

    details = WardProcedureDetails.objects.create(
        procedure=birth, ward=ward, submission_place="Quầy số 3"
    )
    assert "Quầy số 3" in reader.get(url).text
    details.delete()
    assert "Quầy số 3" not in reader.get(url).text

    birth.status = "withdrawn"
    birth.save()
    assert reader.get(url).status_code == 404
    assert "Đăng ký khai sinh" not in reader.get(LIST).text


def test_a_new_form_shows_at_once(reader, birth, media_root):
    url = birth.get_absolute_url()
    assert "Biểu mẫu" not in reader.get(url).text
    ProcedureForm.objects.create(
        procedure=birth, name="Tờ khai", file=SimpleUploadedFile("a.pdf", pdf_bytes())
    )
    assert "Biểu mẫu" in reader.get(url).text


@override_settings(PAGE_CACHE=False)
def test_pages_run_a_fixed_number_of_queries(
    reader, make_procedure, ward, django_assert_num_queries, media_root
):
    def add(count):
        """Shared procedures with the ward's details, the ward's own, each
        with a form."""
        for n in range(count):
            shared = n % 2 == 0
            procedure = make_procedure(
                name=f"Thủ tục {n}",
                field=f"Lĩnh vực {n % 4}",
                ward=None if shared else ward,
            )
            if shared:
                WardProcedureDetails.objects.create(procedure=procedure, ward=ward)
            ProcedureForm.objects.create(
                procedure=procedure, file=SimpleUploadedFile("a.pdf", pdf_bytes())
            )

    first = make_procedure(name="Đầu tiên")
    add(3)
    reader.get(LIST)  # The host map, read once a process.
    # List: the procedures and the menu; a search adds the matches.
    for params, queries in (
        ({}, 2),
        ({"q": "thu tuc"}, 3),
        ({"linh-vuc": "linh-vuc-1"}, 2),
    ):
        with django_assert_num_queries(queries):
            reader.get(LIST, params)
    # A page: the procedure, the ward's details, its forms, the menu.
    with django_assert_num_queries(4):
        reader.get(first.get_absolute_url())
    add(30)
    reader.get(LIST)  # Read again: a shared procedure's change moves every ward's.
    for params, queries in (
        ({}, 2),
        ({"q": "thu tuc"}, 3),
        ({"linh-vuc": "linh-vuc-1"}, 2),
    ):
        with django_assert_num_queries(queries):
            reader.get(LIST, params)
    with django_assert_num_queries(4):
        reader.get(first.get_absolute_url())


def test_readers_get_no_cookies(reader, birth):
    for url in (LIST, birth.get_absolute_url()):
        assert not reader.get(url).cookies


# The portal address setting -----------------------------------------------------


SHOW_PORTAL = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.PROCEDURE_PORTAL_URL)"
)


def test_the_portal_address_has_a_sensible_default():
    result = load_settings(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "DJANGO_PROCEDURE_PORTAL_URL" not in result.stderr


@pytest.mark.parametrize(
    "value",
    [
        "http://dichvucong.gov.vn/p/home/chi-tiet.html?ma_thu_tuc={code}",
        "https://dichvucong.gov.vn/p/home/chi-tiet.html",
        "dichvucong.gov.vn/{code}",
        "https:///{code}",
        "javascript:alert('{code}')",
        "",
    ],
)
def test_a_portal_address_without_code_or_https_stops_the_site(value):
    result = load_settings(DJANGO_DEBUG="true", DJANGO_PROCEDURE_PORTAL_URL=value)
    assert result.returncode != 0
    assert "DJANGO_PROCEDURE_PORTAL_URL must be an https:// address holding {code}" in (
        result.stderr
    )


def test_a_good_portal_address_is_taken():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "wardnews.settings",
        "DJANGO_DEBUG": "true",
        "DJANGO_PROCEDURE_PORTAL_URL": "https://dichvucong.hanoi.gov.vn/tthc?ma={code}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW_PORTAL],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://dichvucong.hanoi.gov.vn/tthc?ma={code}"


def test_no_page_says_it_is_being_updated(reader, birth):
    for url in (LIST, birth.get_absolute_url()):
        assert not re.search("đang được cập nhật", reader.get(url).text)


# In a browser ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width, height", [(390, 844), (1366, 768)])
def test_the_pages_fit_a_phone_and_a_laptop(live_server, new_context, width, height):
    """Nothing wider than the screen; the papers come before the steps; the
    online button is a finger's size. Screenshots in /tmp/wardnews-shots."""
    from procedures.demo_content import load_demo_procedures

    load_demo_procedures()
    page = new_context(viewport={"width": width, "height": height}).new_page()
    shots = Path("/tmp/wardnews-shots")
    shots.mkdir(exist_ok=True)
    for name, path in (
        ("list", LIST),
        ("search", f"{LIST}?q=dang+ky+khai+sinh"),
        ("detail", f"{LIST}dang-ky-khai-sinh/"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert not page.evaluate(
            "document.documentElement.scrollWidth > window.innerWidth"
        ), name
        page.screenshot(path=shots / f"procedures-{name}-{width}.png", full_page=True)
    papers = page.locator("#thanh-phan-ho-so").bounding_box()
    steps = page.locator("#trinh-tu").bounding_box()
    assert papers["y"] < steps["y"]
    button = page.get_by_role("link", name="Nộp hồ sơ trực tuyến").bounding_box()
    assert button["height"] >= 44


def test_the_demos_residence_procedures_send_residents_to_the_police(ward):
    """Cư trú is registered at Công an phường: the demo's steps and shared
    submission place say so, as its ward's own place does, never the UBND's
    desk."""
    from procedures.demo_content import load_demo_procedures

    load_demo_procedures()
    residence = Procedure.objects.filter(ward=None, field="Cư trú")
    assert residence.exists()
    for procedure in residence:
        shown = procedure.shown_in(ward)
        for text in (procedure.steps, procedure.submission_place):
            assert "Công an phường" in text, procedure.name
            assert "Ủy ban nhân dân" not in text, procedure.name
        assert "Công an phường" in shown.submission_place
