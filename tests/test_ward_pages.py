"""The ward's own pages, "Giới thiệu" and "Liên hệ", and the introduction's
editor in the admin."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission

from .conftest import make_staff

ABOUT = "/gioi-thieu/"
CONTACT = "/lien-he/"
INTRODUCTION = (
    "<h2>Lịch sử hình thành</h2><p>Phường Phúc Lợi được thành lập năm 2003.</p>"
    "<h2>Địa giới hành chính</h2><h3>Phía Bắc</h3><p>Giáp sông Đuống.</p>"
)


class PageOutline(HTMLParser):
    """A page's title, meta description and headings, as a search engine or
    a screen reader reads them."""

    def __init__(self, html):
        super().__init__()
        self.title, self.description, self.headings = "", None, []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs["content"]
        elif tag == "title" or (len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()):
            self._in = tag
            if tag != "title":
                self.headings.append([int(tag[1]), ""])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in:
            self.headings[-1][1] += data


def outline(response):
    assert response.status_code == 200
    page = PageOutline(response.text)
    levels = [level for level, _ in page.headings]
    # One h1, first; no level skipped on the way down.
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    return page


@pytest.fixture
def ward_with_details(ward):
    ward.introduction = INTRODUCTION
    ward.address = "Số 1 phố Phúc Lợi, Long Biên, Hà Nội"
    ward.phone = "024 3875 0000"
    ward.email = "ubnd@phucloi.hanoi.gov.vn"
    ward.responsible_person = "Ông Nguyễn Văn An – Chủ tịch UBND phường"
    ward.map_url = "https://www.openstreetmap.org/?mlat=21.04&mlon=105.93"
    ward.save()
    return ward


# "Giới thiệu"


def test_about_shows_the_wards_introduction(reader, ward_with_details):
    response = reader.get(ABOUT)
    page = outline(response)
    assert page.title == "Giới thiệu | Phường Phúc Lợi"
    assert page.description.startswith(
        "Lịch sử hình thành Phường Phúc Lợi được thành lập năm 2003."
    )
    assert page.headings == [
        [1, "Giới thiệu Phường Phúc Lợi"],
        [2, "Lịch sử hình thành"],
        [2, "Địa giới hành chính"],
        [3, "Phía Bắc"],
    ]
    assert '<div class="article-body">' + INTRODUCTION + "</div>" in response.text
    assert '<a href="/gioi-thieu/" aria-current="page">Giới thiệu</a>' in response.text


def test_about_without_an_introduction_says_so(reader, ward):
    response = reader.get(ABOUT)
    page = outline(response)
    assert page.headings == [[1, "Giới thiệu Phường Phúc Lợi"]]
    assert page.description == "Giới thiệu về Phường Phúc Lợi."
    assert (
        "Phường Phúc Lợi chưa đăng bài giới thiệu lên cổng thông tin." in response.text
    )
    assert "đang được cập nhật" not in response.text
    assert 'href="/lien-he/">thông tin liên hệ</a>' in response.text


def test_each_ward_has_its_own_introduction(
    reader, second_reader, ward_with_details, second_ward
):
    second_ward.introduction = "<p>Phường Bồ Đề nằm bên bờ sông Hồng.</p>"
    second_ward.save()
    there = second_reader.get(ABOUT).text
    assert "<title>Giới thiệu | Phường Bồ Đề</title>" in there
    assert "Phường Bồ Đề nằm bên bờ sông Hồng." in there
    assert "Phúc Lợi" not in there
    assert "sông Hồng" not in reader.get(ABOUT).text


def test_an_introduction_cannot_carry_a_script(reader, ward):
    ward.introduction = (
        '<p onclick="alert(1)">Xin chào</p><script>alert("xss")</script>'
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">bấm</a>'
    )
    ward.save()
    body = reader.get(ABOUT).text.split('<main id="noi-dung"')[1]
    assert "<p>Xin chào</p>" in body
    for attack in ["<script", "alert", "onerror", "onclick", "javascript:"]:
        assert attack not in body


# "Liên hệ"


def test_contact_shows_how_to_reach_the_ward(reader, ward_with_details):
    response = reader.get(CONTACT)
    page = outline(response)
    assert page.title == "Liên hệ | Phường Phúc Lợi"
    assert page.description == (
        "Địa chỉ, điện thoại, thư điện tử và người chịu trách nhiệm "
        "của Phường Phúc Lợi."
    )
    assert page.headings == [[1, "Liên hệ"]]
    main = response.text.split('<main id="noi-dung"')[1].split("</main>")[0]
    for html in [
        "<p>Địa chỉ: Số 1 phố Phúc Lợi, Long Biên, Hà Nội</p>",
        '<p>Điện thoại: <a href="tel:02438750000">024 3875 0000</a></p>',
        "<p>Thư điện tử: <a "
        'href="mailto:ubnd@phucloi.hanoi.gov.vn">ubnd@phucloi.hanoi.gov.vn</a></p>',
        "<p>Người chịu trách nhiệm: Ông Nguyễn Văn An – Chủ tịch UBND phường</p>",
        '<a href="https://www.openstreetmap.org/?mlat=21.04&amp;mlon=105.93" '
        'target="_blank" rel="noopener">Xem đường đến trụ sở trên bản đồ</a>',
    ]:
        assert html in main


def test_contact_of_a_ward_without_details_says_so(second_reader):
    response = second_reader.get(CONTACT)
    outline(response)
    assert "<p><strong>Phường Bồ Đề</strong></p>" in response.text
    assert (
        "Phường Bồ Đề chưa đăng địa chỉ và số điện thoại lên cổng thông tin."
        in response.text
    )
    assert "đang được cập nhật" not in response.text
    assert "bản đồ" not in response.text


def test_each_ward_has_its_own_contacts(reader, second_reader, second_ward):
    second_ward.phone = "024 3872 1234"
    second_ward.map_url = "https://maps.example.vn/bo-de"
    second_ward.save()
    there = second_reader.get(CONTACT).text
    assert 'href="tel:02438721234"' in there
    assert "https://maps.example.vn/bo-de" in there
    here = reader.get(CONTACT).text
    assert "3872 1234" not in here
    assert "maps.example.vn" not in here


# On every page.


def test_the_menu_and_footer_link_the_ward_pages(reader, ward_with_details):
    page = reader.get("/").text
    nav = page.split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert '<li><a href="/gioi-thieu/">Giới thiệu</a></li>' in nav
    assert '<li><a href="/lien-he/">Liên hệ</a></li>' in nav
    footer = page.split('<footer class="site-footer">')[1]
    assert '<a href="/gioi-thieu/">Giới thiệu</a>' in footer
    assert '<a href="/lien-he/">Liên hệ</a>' in footer
    # The introduction is a page of its own, no longer printed in every footer.
    assert "Giáp sông Đuống" not in page


@pytest.mark.parametrize(
    "url, queries",
    # The menu; "Liên hệ" also its people (organisation/blocks.py).
    [(ABOUT, 1), (CONTACT, 2)],
)
def test_ward_pages_run_a_fixed_number_of_queries(
    second_reader, second_ward, django_assert_num_queries, url, queries
):
    second_reader.get("/")  # The host map is warm after the first request.
    with django_assert_num_queries(queries):
        assert second_reader.get(url).status_code == 200


@pytest.mark.parametrize("url", [ABOUT, CONTACT])
def test_readers_get_no_cookies(reader, ward, url):
    assert reader.get(url).cookies == {}


# The introduction's editor in the admin.


@pytest.fixture
def ward_keeper(ward):
    """Staff of the default ward who may correct its details."""
    user = make_staff("canbophuong", ward)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wards", codename__in=["view_ward", "change_ward"]
        )
    )
    return user


def ward_form(ward, **fields):
    return {
        "name": ward.name,
        "address": ward.address,
        "phone": ward.phone,
        "email": ward.email,
        "responsible_person": ward.responsible_person,
        "introduction": ward.introduction,
        "map_url": ward.map_url,
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        **fields,
    }


@pytest.mark.parametrize("user", ["ward_keeper", "editor"])
def test_the_introduction_is_written_in_the_article_editor(client, request, ward, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(f"/admin/wards/ward/{ward.pk}/change/")
    assert response.status_code == 200
    assert 'data-type="ckeditortype"' in response.text
    assert "ckeditor/ckeditor-init.js" in response.text
    assert "articles/admin/ckeditor_vi.js" in response.text
    # Its pictures go into, and are browsed from, this ward's folder.
    assert (
        f"&quot;uploadUrl&quot;: &quot;/ckeditor/upload/?ward={ward.pk}"
        "&amp;responseType=json&quot;" in response.text
    )
    assert f"/ckeditor/browse/?ward={ward.pk}" in response.text


def test_the_add_form_has_the_editor_without_a_ward_folder(client, editor):
    client.force_login(editor)
    response = client.get("/admin/wards/ward/add/")
    assert 'data-type="ckeditortype"' in response.text
    assert "/ckeditor/upload/?ward=" not in response.text


def test_staff_save_an_introduction_and_a_script_in_it_is_dropped(
    client, ward_keeper, ward, reader
):
    client.force_login(ward_keeper)
    response = client.post(
        f"/admin/wards/ward/{ward.pk}/change/",
        ward_form(
            ward,
            introduction="<h2>Lịch sử</h2><p>Thành lập năm 2003.</p>"
            '<script>document.location="https://evil.example"</script>'
            '<p><img src="/media/uploads/phuc-loi/anh.png" onerror="alert(1)"></p>',
        ),
    )
    assert response.status_code == 302
    ward.refresh_from_db()
    assert ward.introduction == (
        '<h2>Lịch sử</h2><p>Thành lập năm 2003.</p><p><img src="'
        '/media/uploads/phuc-loi/anh.png"></p>'
    )
    page = reader.get(ABOUT).text
    assert "<h2>Lịch sử</h2><p>Thành lập năm 2003.</p>" in page
    assert "evil.example" not in page
    assert "onerror" not in page
