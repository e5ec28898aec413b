"""The ward's organisation ("Cơ cấu tổ chức") and its English page, as readers
see them: the bodies and their people in the ward's order, only published
bodies of this ward, the English page's language marks and alternates, a
fixed number of queries, and pages that change as soon as staff save."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from organisation import blocks, english
from organisation.models import Body, Person
from wards.models import Ward

from .conftest import png_bytes
from .test_ward_pages import outline

INDEX = "/co-cau-to-chuc/"
ENGLISH = "/en/"


def make_body(ward, name, status=Body.Status.PUBLISHED, **fields):
    return Body.objects.create(ward=ward, name=name, status=status, **fields)


def make_person(body, name, title="Cán bộ", **fields):
    return Person.objects.create(body=body, name=name, title=title, **fields)


@pytest.fixture
def organisation(ward):
    """The default ward's bodies, published, out of creation order, with a
    draft and one waiting for review among them."""
    ubnd = make_body(
        ward,
        "Ủy ban nhân dân phường",
        order=30,
        name_en="People's Committee of the Ward",
        functions="<p>Quản lý nhà nước trên địa bàn.</p>",
        functions_en="<p>The State administration of the ward.</p>",
    )
    party = make_body(
        ward,
        "Đảng ủy phường",
        order=10,
        functions="<ul><li>Lãnh đạo toàn diện.</li></ul>",
    )
    draft = make_body(ward, "Ban nháp", status=Body.Status.DRAFT, order=5)
    review = make_body(ward, "Ban chờ duyệt", status=Body.Status.REVIEW, order=6)
    make_person(
        ubnd,
        "Nguyễn Văn Hùng",
        "Chủ tịch UBND phường",
        title_en="Chairman of the Ward People's Committee",
        phone="024 3875 1021",
        email="hmtuan@hanoi.gov.vn",
        order=10,
        is_leader=True,
    )
    make_person(
        ubnd,
        "Ngô Thị Hồng Nhung",
        "Chánh Văn phòng",
        phone="(024) 3875.1025",
        order=30,
        handles_contacts=True,
    )
    make_person(ubnd, "Trần Thị Mai", "Phó Chủ tịch UBND phường", order=20)
    make_person(party, "Trần Quốc Hưng", "Bí thư Đảng ủy phường", is_leader=True)
    make_person(draft, "Người của bản nháp", is_leader=True, handles_contacts=True)
    make_person(review, "Người chờ duyệt", handles_contacts=True)
    return {"ubnd": ubnd, "party": party, "draft": draft, "review": review}


def main_of(response):
    return response.text.split('<main id="noi-dung"')[1].split("</main>")[0]


# The models' rules


def test_a_body_gets_a_slug_of_its_name_unique_in_its_ward(ward, second_ward):
    first = make_body(ward, "Ủy ban Mặt trận Tổ quốc Việt Nam phường")
    assert first.slug == "uy-ban-mat-tran-to-quoc-viet-nam-phuong"
    there = make_body(second_ward, "Ủy ban Mặt trận Tổ quốc Việt Nam phường")
    assert there.slug == first.slug  # Another ward's is no clash.
    again = Body(ward=ward, name="Ủy ban Mặt trận Tổ quốc Việt Nam phường!")
    again.save()
    assert again.slug == "uy-ban-mat-tran-to-quoc-viet-nam-phuong-2"


def test_two_bodies_of_a_ward_may_not_share_a_name(ward):
    make_body(ward, "Đảng ủy phường")
    with pytest.raises(ValidationError) as error:
        Body(ward=ward, name="Đảng ủy phường").full_clean()
    assert "Phường đã có cơ quan, tổ chức với tên này." in str(error.value)


def test_text_is_stored_composed_single_spaced_and_functions_sanitised(ward):
    decomposed = "Đảng ủy phường".replace("ả", "a\u0309")
    body = make_body(
        ward,
        f"  {decomposed}\u200b  ",
        functions='<p onclick="x()">Lãnh đạo</p><script>alert(1)</script>',
        functions_en='<a href="javascript:alert(1)">x</a>',
    )
    assert body.name == "Đảng ủy phường"
    assert body.functions == "<p>Lãnh đạo</p>"
    assert "javascript" not in body.functions_en
    person = make_person(body, " Trần\u00a0 Quốc   Hưng ", " Bí thư ")
    assert (person.name, person.title) == ("Trần Quốc Hưng", "Bí thư")


def test_a_person_is_in_their_bodys_ward_whatever_was_asked(ward, second_ward):
    body = make_body(ward, "Ủy ban nhân dân phường")
    person = Person(body=body, name="Lê Văn A", title="Cán bộ", ward=second_ward)
    person.save()
    assert person.ward == ward


@pytest.mark.parametrize(
    "phone", ["024 3875 0000", "(024) 3875.0000", "+84 912 345 678", "1022"]
)
def test_phone_numbers_as_offices_write_them(ward, phone):
    body = make_body(ward, "Ủy ban nhân dân phường")
    Person(body=body, name="Lê Văn A", title="Cán bộ", phone=phone).full_clean()


@pytest.mark.parametrize("phone", ["gọi tôi", "javascript:alert(1)", "0912<b>"])
def test_a_phone_that_is_no_number_is_refused_in_vietnamese(ward, phone):
    body = make_body(ward, "Ủy ban nhân dân phường")
    with pytest.raises(ValidationError) as error:
        Person(body=body, name="Lê Văn A", title="Cán bộ", phone=phone).full_clean()
    assert "Số điện thoại chỉ gồm chữ số" in str(error.value)


def test_the_english_name_of_a_ward(ward):
    assert english.ward_name(Ward(name="Phường Phúc Lợi")) == "Phuc Loi Ward"
    assert english.ward_name(Ward(name="Phường Đồng Xuân")) == "Dong Xuan Ward"
    assert english.ward_name(Ward(name="Phường 5")) == "Ward 5"
    assert english.ward_name(Ward(name="Phường X", name_en="Hoa Binh")) == "Hoa Binh"


# The page


def test_the_page_lists_published_bodies_and_people_in_the_wards_order(
    reader, organisation
):
    response = reader.get(INDEX)
    page = outline(response)
    assert page.title == "Cơ cấu tổ chức | Phường Phúc Lợi"
    assert page.headings == [
        [1, "Cơ cấu tổ chức"],
        [2, "Đảng ủy phường"],
        [3, "Trần Quốc Hưng"],
        [2, "Ủy ban nhân dân phường"],
        [3, "Nguyễn Văn Hùng"],
        [3, "Trần Thị Mai"],
        [3, "Ngô Thị Hồng Nhung"],
    ]
    main = main_of(response)
    assert '<a href="#to-chuc-dang-uy-phuong">Đảng ủy phường</a>' in main
    assert 'id="to-chuc-uy-ban-nhan-dan-phuong"' in main
    assert '<a href="tel:02438751021">024 3875 1021</a>' in main
    assert '<a href="tel:02438751025">(024) 3875.1025</a>' in main
    assert '<a href="mailto:hmtuan@hanoi.gov.vn">hmtuan@hanoi.gov.vn</a>' in main
    assert "<summary>Chức năng, nhiệm vụ</summary>" in main
    assert "<p>Quản lý nhà nước trên địa bàn.</p>" in main
    assert '<a href="/co-cau-to-chuc/" aria-current="page">Cơ cấu tổ chức</a>' in (
        response.text
    )


def test_drafts_and_bodies_waiting_for_review_are_never_shown(reader, organisation):
    for url in (INDEX, ENGLISH, "/lien-he/"):
        text = reader.get(url).text
        for hidden in ["Ban nháp", "Người của bản nháp", "chờ duyệt", "Người chờ"]:
            assert hidden not in text, (url, hidden)
    assert [p.name for p in blocks.leaders(organisation["draft"].ward)] == [
        "Trần Quốc Hưng",
        "Nguyễn Văn Hùng",
    ]


def test_a_ward_sees_only_its_own_organisation(
    reader, second_reader, organisation, second_ward
):
    bode = make_body(second_ward, "Ủy ban nhân dân phường Bồ Đề")
    make_person(bode, "Phan Thị Thanh Vân", handles_contacts=True, is_leader=True)
    there = [second_reader.get(url).text for url in (INDEX, ENGLISH, "/lien-he/")]
    here = [reader.get(url).text for url in (INDEX, ENGLISH, "/lien-he/")]
    for text in there:
        assert "Phan Thị Thanh Vân" in text
        assert "Nguyễn Văn Hùng" not in text
        assert "Ngô Thị Hồng Nhung" not in text
    for text in here:
        assert "Phan Thị Thanh Vân" not in text
    assert [p.name for p in blocks.leaders(second_ward)] == ["Phan Thị Thanh Vân"]
    assert [p.name for p in blocks.contact_people(second_ward)] == [
        "Phan Thị Thanh Vân"
    ]


def test_a_ward_without_an_organisation_says_so_without_a_placeholder(second_reader):
    response = second_reader.get(INDEX)
    page = outline(response)
    assert page.headings == [[1, "Cơ cấu tổ chức"]]
    assert "Phường Bồ Đề chưa đăng cơ cấu tổ chức lên cổng thông tin." in response.text
    assert "đang được cập nhật" not in response.text
    english_page = second_reader.get(ENGLISH)
    assert "Bo De Ward has not published its organisation on this site." in (
        english_page.text
    )


def test_photos_are_shown_through_renditions(reader, ward):
    body = make_body(ward, "Đảng ủy phường")
    make_person(
        body,
        "Trần Quốc Hưng",
        photo=ContentFile(png_bytes((600, 800)), "chan-dung.png"),
    )
    main = main_of(reader.get(INDEX))
    img = re.search(r"<img [^>]*>", main)[0]
    assert 'width="600" height="800"' in img
    assert 'alt=""' in img  # The name is beside it.
    assert "/media/renditions/organisation/phuc-loi/" in img
    assert '<source type="image/webp"' in main


@pytest.mark.parametrize("query", ["?page=abc", "?lang=<script>", "?nam=99999"])
def test_query_strings_change_nothing(reader, organisation, query):
    response = reader.get(INDEX + query)
    assert response.status_code == 200
    assert "<script>" not in main_of(response)


# "Liên hệ"


def test_contact_shows_the_hotline_and_the_people_responsible(reader, organisation):
    ward = organisation["ubnd"].ward
    ward.hotline = "0912 345 678"
    ward.save()
    response = reader.get("/lien-he/")
    page = outline(response)
    assert [2, "Người phụ trách tiếp nhận liên hệ"] in page.headings
    assert [3, "Ngô Thị Hồng Nhung"] in page.headings
    main = main_of(response)
    assert '<p>Đường dây nóng: <a href="tel:0912345678">0912 345 678</a></p>' in main
    assert "Nguyễn Văn Hùng" not in main  # A leader, not the contact.


# The English page


def test_the_english_page_is_in_english_and_names_its_vietnamese_twin(
    reader, organisation
):
    response = reader.get(ENGLISH)
    text = response.text
    assert text.startswith('<!doctype html>\n<html lang="en">')
    assert '<meta property="og:locale" content="en_GB">' in text
    # The site's own parts stay Vietnamese, and say so.
    assert '<header class="site-header" lang="vi">' in text
    assert '<footer class="site-footer" lang="vi">' in text
    assert (
        '<link rel="alternate" hreflang="vi" href="http://testserver/co-cau-to-chuc/">'
        in text
    )
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in text
    page = outline(response)
    assert page.title == "Phuc Loi Ward: organisation and contacts | Phường Phúc Lợi"
    assert page.headings[:3] == [
        [1, "Phuc Loi Ward: organisation and contacts"],
        [2, "Contact the ward"],
        [2, "Đảng ủy phường"],
    ]
    main = main_of(response)
    # Not in English: the Vietnamese, marked, and the way to the rest.
    assert (
        '<h2 class="org-body-name" id="to-chuc-dang-uy-phuong-ten" lang="vi">' in main
    )
    assert "Where the ward has not given a text in English" in main
    assert (
        'Functions and tasks: in Vietnamese, on the page <a href="/co-cau-to-chuc/'
        '#to-chuc-dang-uy-phuong" lang="vi" hreflang="vi">Cơ cấu tổ chức</a>.'
    ) in main
    # In English where the ward gave it.
    assert "People&#x27;s Committee of the Ward</h2>" in main
    assert "<p>The State administration of the ward.</p>" in main
    assert (
        '<p class="org-person-title">Chairman of the Ward People&#x27;s Committee</p>'
        in main
    )
    assert '<p class="org-person-title" lang="vi">Phó Chủ tịch UBND phường</p>' in main
    assert '<h3 class="org-person-name" lang="vi">Nguyễn Văn Hùng</h3>' in main


def test_the_vietnamese_page_names_its_english_twin(reader, organisation):
    text = reader.get(INDEX).text
    assert text.startswith('<!doctype html>\n<html lang="vi">')
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in text
    assert (
        '<link rel="alternate" hreflang="vi" href="http://testserver/co-cau-to-chuc/">'
        in text
    )
    assert '<a href="/en/" lang="en" hreflang="en">' in text
    # Other pages have no English twin, and their header is not marked.
    home = reader.get("/").text
    assert 'hreflang="en" href="http://testserver/en/"' not in home
    assert '<header class="site-header">' in home


def test_a_ward_all_in_english_is_not_told_it_is_not(reader, ward):
    body = make_body(
        ward, "Đảng ủy phường", name_en="Party Committee", functions_en="<p>Leads.</p>"
    )
    make_person(body, "Trần Quốc Hưng", "Bí thư", title_en="Secretary")
    main = main_of(reader.get(ENGLISH))
    assert "Where the ward has not given a text in English" not in main
    assert "The ward's news, notices and further information are in Vietnamese" in main


# Queries


@pytest.mark.parametrize("url, queries", [(INDEX, 3), (ENGLISH, 3), ("/lien-he/", 2)])
def test_a_fixed_number_of_queries_whatever_the_numbers(
    reader, ward, organisation, django_assert_num_queries, url, queries
):
    reader.get("/")  # The host map is warm after the first request.
    with django_assert_num_queries(queries):
        assert reader.get(url + "?lan=1").status_code == 200
    for n in range(6):
        body = make_body(ward, f"Tổ chức số {n}", order=40 + n)
        for m in range(4):
            make_person(body, f"Người số {n}.{m}", handles_contacts=True)
    # The page cache asks once per change when the next scheduled article is
    # due (wardnews/pagecache.py): asked by this page, not counted as its.
    reader.get("/")
    with django_assert_num_queries(queries):
        assert reader.get(url + "?lan=2").status_code == 200


def test_the_leaders_block_is_one_query(ward, organisation, django_assert_num_queries):
    with django_assert_num_queries(1):
        leaders = blocks.leaders(ward)
        assert [(p.name, p.body.name) for p in leaders] == [
            ("Trần Quốc Hưng", "Đảng ủy phường"),
            ("Nguyễn Văn Hùng", "Ủy ban nhân dân phường"),
        ]


# The page cache


def test_readers_see_a_change_at_once(reader, organisation):
    ubnd = organisation["ubnd"]
    for url in (INDEX, ENGLISH, "/lien-he/"):
        reader.get(url)
    # A change no signal announces is not seen: the pages are kept.
    Person.objects.filter(name="Ngô Thị Hồng Nhung").update(name="Tên chưa báo")
    assert "Tên chưa báo" not in reader.get("/lien-he/").text
    # A save is seen on every page of the ward at once.
    person = Person.objects.get(name="Tên chưa báo")
    person.name = "Đinh Thị Thu"
    person.save()
    for url in (INDEX, ENGLISH, "/lien-he/"):
        assert "Đinh Thị Thu" in reader.get(url).text, url
    # Withdrawn: gone at once.
    ubnd.status = Body.Status.DRAFT
    ubnd.save()
    for url in (INDEX, ENGLISH, "/lien-he/"):
        assert "Đinh Thị Thu" not in reader.get(url).text, url
    # Published again, then deleted.
    ubnd.status = Body.Status.PUBLISHED
    ubnd.save()
    assert "Đinh Thị Thu" in reader.get(INDEX).text
    ubnd.delete()
    assert "Ủy ban nhân dân phường" not in main_of(reader.get(INDEX))


def test_readers_get_no_cookies(reader, organisation):
    for url in (INDEX, ENGLISH):
        response = reader.get(url)
        assert response.cookies == {}
        assert "public" in response["Cache-Control"]
