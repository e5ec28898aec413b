"""The organisation in the admin, and the ward's footer notice and links:
writers draft, editors publish (a crafted POST neither publishes nor
changes a published body), staff see only their wards, revisions restore
without publishing, and nothing hostile typed into any field reaches a
reader."""

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from reversion.models import Version

from organisation.models import Body, Person
from wards import roles
from wards.models import WardLink

from .conftest import make_staff, png_bytes
from .test_xss import VECTORS, script_problems, with_fallback

BODIES = "/admin/organisation/body/"
WARDS = "/admin/wards/ward/"
READER_PAGES = ["/co-cau-to-chuc/", "/en/", "/lien-he/", "/"]


def people_forms(*people, initial=0):
    """The people inline's management form and rows."""
    data = {
        "people-TOTAL_FORMS": str(len(people)),
        "people-INITIAL_FORMS": str(initial),
        "people-MIN_NUM_FORMS": "0",
        "people-MAX_NUM_FORMS": "1000",
    }
    for n, person in enumerate(people):
        data.update({f"people-{n}-{key}": value for key, value in person.items()})
    return data


def body_form(*people, **fields):
    """The body form as staff fill it in, with its people."""
    data = {
        "name": "Ủy ban nhân dân phường",
        "slug": "",
        "order": "30",
        "status": "draft",
        "functions": "<p>Quản lý nhà nước trên địa bàn phường.</p>",
        "name_en": "People's Committee of the Ward",
        "functions_en": "<p>The State administration of the ward.</p>",
        **people_forms(*people),
    }
    data.update(fields)
    return data


def person(**fields):
    return {
        "name": "Nguyễn Văn Hùng",
        "title": "Chủ tịch UBND phường",
        "title_en": "Chairman of the Ward People's Committee",
        "phone": "024 3875 1021",
        "email": "hmtuan@hanoi.gov.vn",
        "order": "10",
        "is_leader": "on",
        **fields,
    }


@pytest.fixture
def published(ward):
    body = Body.objects.create(
        ward=ward, name="Đảng ủy phường", status=Body.Status.PUBLISHED
    )
    Person.objects.create(body=body, name="Trần Quốc Hưng", title="Bí thư")
    return body


def change_form(body, **fields):
    """A body's change form as it stands, its people unchanged."""
    people = list(body.people.all())
    data = {
        "name": body.name,
        "slug": body.slug,
        "order": str(body.order),
        "status": body.status,
        "functions": body.functions,
        "name_en": body.name_en,
        "functions_en": body.functions_en,
        **people_forms(
            *(
                {
                    "id": p.pk,
                    "body": body.pk,
                    "name": p.name,
                    "title": p.title,
                    "order": p.order,
                }
                for p in people
            ),
            initial=len(people),
        ),
    }
    data.update(fields)
    return data


# Writers draft, editors publish


def test_a_writer_drafts_a_body_with_its_people_readers_do_not_see_it(
    client, writer, reader
):
    client.force_login(writer)
    page = client.get(f"{BODIES}add/")
    assert page.status_code == 200
    statuses = [
        value for value, _ in page.context["adminform"].form.fields["status"].choices
    ]
    assert statuses == ["draft", "review"]
    photo = SimpleUploadedFile("chan-dung.png", png_bytes((300, 400)), "image/png")
    response = client.post(
        f"{BODIES}add/",
        body_form(person(photo=photo), person(name="Ngô Thị Hồng Nhung", order="20")),
    )
    assert response.status_code == 302, response.context["errors"]
    body = Body.objects.get()
    assert (body.status, body.ward.name) == ("draft", "Phường Phúc Lợi")
    assert [(p.name, p.ward_id) for p in body.people.all()] == [
        ("Nguyễn Văn Hùng", body.ward_id),
        ("Ngô Thị Hồng Nhung", body.ward_id),
    ]
    assert body.people.first().photo.name.startswith("organisation/phuc-loi/")
    for url in READER_PAGES:
        assert "Nguyễn Văn Hùng" not in reader.get(url).text


def test_a_writer_cannot_publish_by_a_crafted_post(client, writer, reader):
    client.force_login(writer)
    response = client.post(f"{BODIES}add/", body_form(person(), status="published"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Body.objects.exists()
    # Nor a draft of theirs, once saved.
    client.post(f"{BODIES}add/", body_form(person()))
    body = Body.objects.get()
    response = client.post(
        f"{BODIES}{body.pk}/change/", change_form(body, status="published")
    )
    assert response.status_code == 200
    body.refresh_from_db()
    assert body.status == "draft"
    # Nor by the list's actions.
    response = client.post(
        BODIES, {"action": "publish", "_selected_action": [body.pk], "index": "0"}
    )
    body.refresh_from_db()
    assert body.status == "draft"
    assert "Nguyễn Văn Hùng" not in reader.get("/co-cau-to-chuc/").text


def test_a_writer_sends_a_body_for_review(client, writer):
    client.force_login(writer)
    client.post(f"{BODIES}add/", body_form(person(), status="review"))
    assert Body.objects.get().status == "review"


def test_a_published_body_is_the_editors_alone_to_change(
    client, writer, published, reader
):
    client.force_login(writer)
    url = f"{BODIES}{published.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    # A person slipped in, a name changed: refused, nothing saved.
    data = change_form(published, name="Đảng ủy phường (sửa)")
    data.update(people_forms(person(name="Người chen vào"), initial=0))
    assert client.post(url, data).status_code == 403
    published.refresh_from_db()
    assert published.name == "Đảng ủy phường"
    assert not Person.objects.filter(name="Người chen vào").exists()
    assert (
        client.post(
            f"{url.removesuffix('change/')}delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Body.objects.filter(pk=published.pk).exists()


def test_an_editor_publishes_and_readers_see_it_at_once(client, ward_editor, reader):
    reader.get("/co-cau-to-chuc/")  # Kept by the page cache.
    client.force_login(ward_editor)
    response = client.post(f"{BODIES}add/", body_form(person(), status="published"))
    assert response.status_code == 302, response.context["errors"]
    for url in ["/co-cau-to-chuc/", "/en/"]:
        assert "Nguyễn Văn Hùng" in reader.get(url).text, url
    body = Body.objects.get()
    response = client.post(
        BODIES,
        {
            "action": "withdraw",
            "_selected_action": [body.pk],
            "index": "0",
            "post": "yes",  # As the confirmation page sends it.
        },
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.status == "draft"
    assert "Nguyễn Văn Hùng" not in reader.get("/co-cau-to-chuc/").text


# Wards apart


def test_staff_see_and_reach_only_their_wards_bodies(
    client, second_writer, published, second_ward
):
    Body.objects.create(ward=second_ward, name="Ủy ban nhân dân phường Bồ Đề")
    client.force_login(second_writer)
    listed = client.get(BODIES)
    assert [b.name for b in listed.context["cl"].result_list] == [
        "Ủy ban nhân dân phường Bồ Đề"
    ]
    url = f"{BODIES}{published.pk}/"
    for path in ("change/", "history/", "delete/"):
        response = client.get(url + path)
        assert response.status_code in (302, 403, 404), path
        assert "Trần Quốc Hưng" not in response.content.decode()
    response = client.post(url + "change/", change_form(published, name="Chiếm"))
    assert response.status_code in (302, 403)
    published.refresh_from_db()
    assert published.name == "Đảng ủy phường"


def test_a_crafted_ward_is_ignored(client, writer, second_ward):
    client.force_login(writer)
    client.post(f"{BODIES}add/", body_form(person(), ward=second_ward.pk))
    assert Body.objects.get().ward.name == "Phường Phúc Lợi"
    assert Person.objects.get().ward.name == "Phường Phúc Lợi"


# Revisions


def test_history_restores_a_body_with_its_people_never_its_state(
    client, ward_editor, reader
):
    client.force_login(ward_editor)
    client.post(f"{BODIES}add/", body_form(person(), status="draft"))
    body = Body.objects.get()
    first = Version.objects.get_for_object(body).get()
    response = client.post(
        f"{BODIES}{body.pk}/change/",
        change_form(body, name="Ủy ban nhân dân phường (mới)", status="published"),
    )
    assert response.status_code == 302, response.context["errors"]
    body.refresh_from_db()
    assert (body.name, body.status) == ("Ủy ban nhân dân phường (mới)", "published")
    history = client.get(f"{BODIES}{body.pk}/history/")
    assert history.status_code == 200
    assert len(history.context["action_list"]) == 2
    # Restoring the first save, a draft: the name comes back, it stays published.
    url = f"{BODIES}{body.pk}/history/{first.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, change_form(body, name="Ủy ban nhân dân phường"))
    assert response.status_code == 302
    body.refresh_from_db()
    assert (body.name, body.status) == ("Ủy ban nhân dân phường", "published")
    assert "Ủy ban nhân dân phường (mới)" not in reader.get("/co-cau-to-chuc/").text


def test_no_one_restores_another_wards_body_or_another_models_version(
    client, second_ward, published, ward_editor
):
    with_version = Body.objects.create(ward=second_ward, name="Bồ Đề")
    with reversion.create_revision():
        with_version.save()
    version = Version.objects.get_for_object(with_version).get()
    editor_there = make_staff("bientapbode", second_ward, role=roles.EDITOR)
    client.force_login(ward_editor)
    # Another ward's body, or this ward's body with that body's version.
    for url in (
        f"{BODIES}{with_version.pk}/history/{version.pk}/",
        f"{BODIES}{published.pk}/history/{version.pk}/",
    ):
        assert client.post(
            url, change_form(with_version, name="Chiếm")
        ).status_code in (
            403,
            404,
        )
    with_version.refresh_from_db()
    assert with_version.name == "Bồ Đề"
    # Deleted bodies are not recovered, anyone's.
    client.force_login(editor_there)
    assert client.get(f"{BODIES}recover/").status_code == 404
    assert client.post(f"{BODIES}recover/{version.pk}/").status_code == 404


# Hostile input


@pytest.mark.parametrize("vector", VECTORS)
def test_no_field_carries_a_script_to_a_reader(reader, ward, vector):
    with_fallback(
        ward,
        name_en=f"Ward {vector}"[:100],
        hotline=vector[:50],
        governing_body=f"UBND {vector}"[:200],
        licence=f"Giấy phép số 1 {vector}"[:255],
        responsible_person=f"Ông A {vector}"[:150],
    )
    with_fallback(WardLink(ward=ward), title=f"Liên kết {vector}"[:150], url=vector)
    body = with_fallback(
        Body(ward=ward, status=Body.Status.PUBLISHED),
        name=f"Cơ quan {vector}"[:150],
        name_en=f"Body {vector}"[:150],
        functions=f"<p>Chức năng {vector}</p>{vector}",
        functions_en=f"<p>Functions {vector}</p>{vector}",
    )
    with_fallback(
        Person(body=body, name="Người", title="Cán bộ", handles_contacts=True),
        name=f"Người {vector}"[:100],
        title=f"Chức vụ {vector}"[:200],
        title_en=f"Title {vector}"[:200],
        phone=vector[:50],
        email=vector,
    )
    for url in READER_PAGES:
        response = reader.get(url)
        assert response.status_code == 200, url
        problems = script_problems(response.content.decode())
        assert not problems, f"{vector!r} on {url}: {problems}"


ATTACK = (
    '<script>alert(1)</script><img src=x onerror=alert(2)>">'
    '<a href="javascript:alert(3)">'
)

RICH_ATTACK = (
    '<script>alert(1)</script><p onclick="alert(2)">x</p>'
    '<a href="javascript:alert(3)">y</a><svg onload=alert(4)>'
)


def test_the_admin_forms_carry_no_script_to_a_reader(client, ward_editor, reader):
    client.force_login(ward_editor)
    response = client.post(
        f"{BODIES}add/",
        body_form(
            person(name=f"Lê {ATTACK}", title=f"Cán bộ {ATTACK}", title_en=ATTACK),
            name=f"Đảng ủy {ATTACK}",
            name_en=f"Party {ATTACK}",
            # (A picture from elsewhere is refused in the editor's fields.)
            functions=f"<p>Lãnh đạo</p>{RICH_ATTACK}",
            functions_en=f"<p>Leads</p>{RICH_ATTACK}",
            status="published",
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    for url in READER_PAGES:
        text = reader.get(url).content.decode()
        assert not script_problems(text), url
    text = reader.get("/co-cau-to-chuc/").text
    assert "Đảng ủy &lt;script&gt;alert(1)&lt;/script&gt;" in text


# The footer: the ward's own details and links


@pytest.fixture
def ward_keeper(ward):
    """The ward's editor, who may correct its details."""
    return make_staff("bientapchantrang", ward, role=roles.EDITOR)


def ward_form(ward, links=(), initial_links=(), **fields):
    data = {
        "name": ward.name,
        "name_en": ward.name_en,
        "address": ward.address,
        "phone": ward.phone,
        "hotline": ward.hotline,
        "email": ward.email,
        "responsible_person": ward.responsible_person,
        "governing_body": ward.governing_body,
        "licence": ward.licence,
        "map_url": ward.map_url,
        "introduction": ward.introduction,
        "links-TOTAL_FORMS": str(len(initial_links) + len(links)),
        "links-INITIAL_FORMS": str(len(initial_links)),
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {
            "id": link.pk,
            "ward": ward.pk,
            "title": link.title,
            "url": link.url,
            "order": link.order,
        }
        for link in initial_links
    ] + list(links)
    for n, row in enumerate(rows):
        data.update({f"links-{n}-{key}": value for key, value in row.items()})
    data.update(fields)
    return data


def footer_of(reader, url="/"):
    return reader.get(url).text.split('<footer class="site-footer"')[1]


def test_staff_fill_the_footer_notice_and_links_every_page_shows(
    client, ward_keeper, ward, reader
):
    national = ward.links.get()
    assert national.url == "https://dichvucong.gov.vn/"
    for url in ("/", "/gioi-thieu/"):
        reader.get(url)  # Kept by the page cache.
    client.force_login(ward_keeper)
    response = client.post(
        f"{WARDS}{ward.pk}/change/",
        ward_form(
            ward,
            initial_links=[national],
            links=[
                {
                    "title": "Cổng thông tin thành phố Hà Nội",
                    "url": "hanoi.gov.vn",
                    "order": "5",
                },
                {
                    "title": "Báo Hà Nội Mới",
                    "url": "https://hanoimoi.vn/",
                    "order": "20",
                },
            ],
            governing_body="Ủy ban nhân dân phường Phúc Lợi",
            licence="Giấy phép số 125/GP-TTĐT ngày 15/03/2021",
            hotline="0912 345 678",
            responsible_person="Ông Nguyễn Văn Hùng – Chủ tịch UBND phường",
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    ward.refresh_from_db()
    assert ward.licence == "125/GP-TTĐT ngày 15/03/2021"  # Not "Giấy phép số" twice.
    for url in ("/", "/gioi-thieu/"):
        footer = footer_of(reader, url)
        assert "<p>Cơ quan chủ quản: Ủy ban nhân dân phường Phúc Lợi</p>" in footer
        assert (
            "<p>Chịu trách nhiệm nội dung: Ông Nguyễn Văn Hùng – "
            "Chủ tịch UBND phường</p>" in footer
        )
        assert "<p>Giấy phép số 125/GP-TTĐT ngày 15/03/2021</p>" in footer
        assert (
            '<p>Đường dây nóng: <a href="tel:0912345678">0912 345 678</a></p>' in footer
        )
        # In the ward's order; an address typed without a scheme is https.
        links = footer.split('<p class="footer-heading" id="lien-ket">Liên kết</p>')[1]
        assert (
            links.index('href="https://dichvucong.gov.vn/"')  # 0, the first.
            < links.index('href="https://hanoi.gov.vn"')  # 5
            < links.index('href="https://hanoimoi.vn/"')  # 20
        )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.vn/",
    ],
)
def test_a_link_that_is_not_a_web_page_is_refused_in_vietnamese(
    client, ward_keeper, ward, reader, url
):
    client.force_login(ward_keeper)
    response = client.post(
        f"{WARDS}{ward.pk}/change/",
        ward_form(ward, links=[{"title": "Bấm vào đây", "url": url, "order": "1"}]),
    )
    assert response.status_code == 200
    assert (
        "Liên kết phải là địa chỉ một trang web, bắt đầu bằng http:// hoặc https://"
        in (response.text)
    )
    assert not WardLink.objects.filter(title="Bấm vào đây").exists()
    assert "Bấm vào đây" not in reader.get("/").text


def test_hostile_footer_fields_reach_readers_as_text(client, ward_keeper, ward, reader):
    client.force_login(ward_keeper)
    response = client.post(
        f"{WARDS}{ward.pk}/change/",
        ward_form(
            ward,
            links=[
                {
                    "title": f"Trang {ATTACK}",
                    "url": 'https://example.vn/"onmouseover=alert(1)',
                    "order": "1",
                }
            ],
            governing_body=f"UBND {ATTACK}",
            licence=ATTACK,
            name_en=f"Ward {ATTACK}",
            responsible_person=f"Ông A {ATTACK}",
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    for url in READER_PAGES:
        text = reader.get(url).content.decode()
        assert not script_problems(text), url
    footer = footer_of(reader)
    assert "Cơ quan chủ quản: UBND &lt;script&gt;alert(1)&lt;/script&gt;" in footer


def test_a_bad_hotline_is_refused_in_vietnamese(client, ward_keeper, ward):
    client.force_login(ward_keeper)
    response = client.post(
        f"{WARDS}{ward.pk}/change/", ward_form(ward, hotline="gọi <b>ngay</b>")
    )
    assert response.status_code == 200
    assert "Số điện thoại chỉ gồm chữ số" in response.text


def test_a_writer_cannot_change_the_footer_links(client, writer, ward):
    client.force_login(writer)
    response = client.post(
        f"{WARDS}{ward.pk}/change/",
        ward_form(
            ward, links=[{"title": "Chen", "url": "https://chen.vn/", "order": "1"}]
        ),
    )
    assert response.status_code == 403
    assert not WardLink.objects.filter(title="Chen").exists()


def test_another_wards_links_are_out_of_reach(
    client, ward_keeper, ward, second_ward, reader
):
    theirs = second_ward.links.get()
    client.force_login(ward_keeper)
    response = client.post(
        f"{WARDS}{ward.pk}/change/",
        ward_form(
            ward,
            links=[
                {
                    "id": theirs.pk,
                    "title": "Chiếm",
                    "url": "https://chiem.vn/",
                    "order": "1",
                }
            ],
        ),
    )
    theirs.refresh_from_db()
    assert theirs.title == "Cổng Dịch vụ công quốc gia"
    assert response.status_code in (200, 302)
    assert client.get(f"{WARDS}{second_ward.pk}/change/").status_code in (302, 403, 404)


def test_every_ward_starts_with_the_national_portal(second_ward):
    assert [(link.title, link.url) for link in second_ward.links.all()] == [
        ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/")
    ]


def test_the_footer_costs_no_query(reader, ward, django_assert_num_queries):
    WardLink.objects.create(
        ward=ward, title="Cổng thông tin Hà Nội", url="https://hanoi.gov.vn/"
    )
    reader.get("/")  # The host map, read again with the new link.
    with django_assert_num_queries(1):  # The menu.
        text = reader.get("/gioi-thieu/").text
    assert '<a href="https://hanoi.gov.vn/">Cổng thông tin Hà Nội</a>' in text


def test_a_link_saved_anywhere_changes_every_page_at_once(reader, ward, second_reader):
    """A link saved without the ward (a shell, a script): the pages kept for
    readers go stale and the host map is read again."""
    for client in (reader, second_reader):
        client.get("/")  # Kept by the page cache.
    link = WardLink.objects.create(
        ward=ward, title="Cổng thông tin Hà Nội", url="https://hanoi.gov.vn/"
    )
    assert "Cổng thông tin Hà Nội" in reader.get("/").text
    assert "Cổng thông tin Hà Nội" not in second_reader.get("/").text
    link.delete()
    assert "Cổng thông tin Hà Nội" not in reader.get("/").text
