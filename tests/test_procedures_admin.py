"""Procedures in the admin: the city's IT (superusers) keep the shared
ones; a ward's editors set their ward's own desk and contact of those, and
publish their ward's own procedures, which writers draft. Each role can do
exactly that, whatever it posts; hostile input reaches no reader; revisions
bring text back and never the state."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from reversion.models import Version

from articles.models import Article
from procedures.models import Procedure, ProcedureForm, WardProcedureDetails
from wards import roles

from .conftest import make_staff
from .test_attachments import pdf_bytes

ADMIN = "/admin/procedures/procedure/"
DETAILS = "/admin/procedures/wardproceduredetails/"
PUBLISHED = Procedure.Status.PUBLISHED


def change_url(procedure):
    return f"{ADMIN}{procedure.pk}/change/"


def procedure_form(**fields):
    """The procedure form as staff fill it in (no forms attached)."""
    data = {
        "name": "Đăng ký giám hộ",
        "slug": "",
        "code": "1.000000",
        "field": "Hộ tịch",
        "in_person": "on",
        "applicants": "Công dân cư trú tại phường.",
        "steps": "<ol><li>Nộp hồ sơ.</li></ol>",
        "documents": "<ul><li>Tờ khai.</li></ul>",
        "time_limit": "03 ngày làm việc",
        "fees": "<p>Miễn phí.</p>",
        "result": "Trích lục đăng ký giám hộ.",
        "submission_place": "Bộ phận một cửa.",
        "contact": "Công chức tư pháp.",
        "legal_basis": "<p>Luật Hộ tịch.</p>",
        "status": "draft",
        "forms-TOTAL_FORMS": "0",
        "forms-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def current_form(procedure, **fields):
    values = {
        name: getattr(procedure, name)
        for name in (
            "name",
            "slug",
            "code",
            "field",
            "applicants",
            "steps",
            "documents",
            "time_limit",
            "fees",
            "result",
            "submission_place",
            "contact",
            "legal_basis",
            "status",
        )
    }
    for flag in ("in_person", "online", "by_post"):
        values[flag] = "on" if getattr(procedure, flag) else None
    values["forms-INITIAL_FORMS"] = str(procedure.forms.count())
    values["forms-TOTAL_FORMS"] = values["forms-INITIAL_FORMS"]
    return procedure_form(**{**values, **fields})


@pytest.fixture
def shared(db):
    return Procedure.objects.create(
        name="Đăng ký khai sinh",
        code="1.001193",
        field="Hộ tịch",
        status=PUBLISHED,
        submission_place="Bộ phận một cửa của phường nơi cư trú.",
    )


@pytest.fixture
def own(ward):
    return Procedure.objects.create(
        ward=ward, name="Xác nhận hộ nghèo", field="Bảo trợ xã hội", status="draft"
    )


@pytest.fixture
def as_writer(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def as_editor(client, ward_editor):
    client.force_login(ward_editor)
    return client


@pytest.fixture
def as_city(client, editor):
    client.force_login(editor)
    return client


# Roles ------------------------------------------------------------------------


def test_the_roles_are_given_the_procedures_permissions(db):
    def codenames(name):
        group = Group.objects.get(name=name)
        return set(
            group.permissions.filter(content_type__app_label="procedures").values_list(
                "codename", flat=True
            )
        )

    assert "publish_procedure" in codenames(roles.EDITOR)
    assert "change_wardproceduredetails" in codenames(roles.EDITOR)
    assert "publish_procedure" not in codenames(roles.WRITER)
    assert "change_wardproceduredetails" not in codenames(roles.WRITER)
    assert "add_procedure" in codenames(roles.WRITER)
    listed = {p for role in roles.ROLE_PERMISSIONS.values() for p in role}
    assert "procedures.publish_procedure" in listed


# Writers --------------------------------------------------------------------------


def test_a_writer_drafts_a_procedure_of_their_ward(as_writer, ward):
    response = as_writer.post(f"{ADMIN}add/", procedure_form(status="review"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    procedure = Procedure.objects.get()
    assert procedure.ward == ward and procedure.status == "review"


@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_writer_cannot_publish_by_crafted_post(as_writer, reader, ward, status):
    response = as_writer.post(f"{ADMIN}add/", procedure_form(status=status))
    assert response.status_code == 200  # The form says the choice is not valid.
    assert not Procedure.objects.exists()


def test_writer_cannot_publish_an_existing_draft_by_crafted_post(as_writer, own):
    response = as_writer.post(change_url(own), current_form(own, status="published"))
    own.refresh_from_db()
    assert own.status == "draft"
    assert response.status_code == 200


def test_writer_cannot_publish_with_the_list_action(as_writer, own):
    response = as_writer.post(
        ADMIN, {"action": "publish", "_selected_action": [own.pk]}
    )
    own.refresh_from_db()
    assert own.status == "draft"
    assert response.status_code in (200, 302)


def test_writer_cannot_change_a_published_procedure(as_writer, own):
    own.status = PUBLISHED
    own.save()
    response = as_writer.post(change_url(own), current_form(own, name="Đổi tên"))
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.name == "Xác nhận hộ nghèo"


def test_writer_cannot_set_the_wards_details(as_writer, shared):
    response = as_writer.post(
        f"{DETAILS}add/", {"procedure": shared.pk, "submission_place": "Quầy 1"}
    )
    assert response.status_code == 403
    assert not WardProcedureDetails.objects.exists()


# Ward editors ---------------------------------------------------------------------


def test_an_editor_publishes_their_wards_own(as_editor, own, reader):
    response = as_editor.post(change_url(own), current_form(own, status="published"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == PUBLISHED
    assert reader.get(own.get_absolute_url()).status_code == 200


def test_an_editor_sees_shared_procedures_read_only(as_editor, shared, own):
    listing = as_editor.get(ADMIN).text
    assert "Đăng ký khai sinh" in listing and "Dùng chung" in listing
    assert "Sửa nơi nộp, liên hệ" in listing
    page = as_editor.get(change_url(shared))
    assert page.status_code == 200
    assert "chỉ quản trị viên thành phố sửa được" in page.text
    assert 'name="name"' not in page.text


def test_a_ward_editor_cannot_change_a_shared_procedure_by_crafted_post(
    as_editor, shared, reader
):
    response = as_editor.post(
        change_url(shared),
        current_form(shared, name="Đã bị sửa", submission_place="Nơi khác"),
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Đăng ký khai sinh"


def test_a_ward_editor_cannot_withdraw_or_delete_a_shared_procedure(as_editor, shared):
    as_editor.post(
        ADMIN, {"action": "withdraw", "_selected_action": [shared.pk], "post": "yes"}
    )
    shared.refresh_from_db()
    assert shared.status == PUBLISHED
    response = as_editor.post(
        ADMIN,
        {"action": "delete_selected", "_selected_action": [shared.pk], "post": "yes"},
    )
    assert Procedure.objects.filter(pk=shared.pk).exists()
    assert response.status_code in (200, 302, 403)
    assert (
        as_editor.post(f"{ADMIN}{shared.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Procedure.objects.filter(pk=shared.pk).exists()


def test_a_ward_editor_cannot_add_a_shared_procedure(as_editor, ward):
    response = as_editor.post(f"{ADMIN}add/?ward=chung", procedure_form(ward=""))
    assert response.status_code == 302
    assert Procedure.objects.get().ward == ward


def test_a_ward_editor_sets_the_wards_desk_for_a_shared_procedure(
    as_editor, shared, ward, reader, second_reader
):
    page = as_editor.get(f"{DETAILS}add/?procedure={shared.pk}")
    assert page.status_code == 200
    response = as_editor.post(
        f"{DETAILS}add/?procedure={shared.pk}",
        {
            "procedure": shared.pk,
            "submission_place": "Tầng 1 UBND phường Phúc Lợi",
            "contact": "024 3875 0001",
        },
    )
    assert response.status_code == 302
    details = WardProcedureDetails.objects.get()
    assert details.ward == ward
    assert "Tầng 1 UBND phường Phúc Lợi" in reader.get(shared.get_absolute_url()).text
    there = second_reader.get(shared.get_absolute_url()).text
    assert "Tầng 1 UBND phường Phúc Lợi" not in there


def test_details_offer_only_shared_procedures(as_editor, shared, own):
    page = as_editor.get(f"{DETAILS}add/").text
    assert f'value="{shared.pk}"' in page
    assert f'value="{own.pk}"' not in page
    response = as_editor.post(
        f"{DETAILS}add/", {"procedure": own.pk, "submission_place": "Quầy 1"}
    )
    assert response.status_code == 200
    assert not WardProcedureDetails.objects.exists()


def test_an_editor_cannot_touch_another_wards_details(as_editor, shared, second_ward):
    theirs = WardProcedureDetails.objects.create(
        procedure=shared, ward=second_ward, submission_place="Của Bồ Đề"
    )
    url = f"{DETAILS}{theirs.pk}/change/"
    assert as_editor.get(url).status_code in (302, 404)
    as_editor.post(url, {"procedure": shared.pk, "submission_place": "Đã sửa"})
    theirs.refresh_from_db()
    assert theirs.submission_place == "Của Bồ Đề"
    # The ward field is shown, never taken from the POST.
    as_editor.post(
        f"{DETAILS}add/",
        {"procedure": shared.pk, "ward": second_ward.pk, "submission_place": "X"},
    )
    assert not WardProcedureDetails.objects.filter(
        ward=second_ward, submission_place="X"
    ).exists()


def test_staff_of_another_ward_do_not_find_a_wards_own(client, own, second_ward):
    client.force_login(make_staff("bientapbode", second_ward, role=roles.EDITOR))
    assert "Xác nhận hộ nghèo" not in client.get(ADMIN).text
    assert client.get(change_url(own)).status_code in (302, 404)
    client.post(change_url(own), current_form(own, status="published"))
    own.refresh_from_db()
    assert own.status == "draft"


# The city's IT --------------------------------------------------------------------


def test_the_city_adds_a_shared_procedure(as_city, ward, second_reader):
    chooser = as_city.get(f"{ADMIN}add/")
    assert "Dùng chung cho mọi phường" in chooser.text
    response = as_city.post(
        f"{ADMIN}add/?ward=chung", procedure_form(status="published")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    procedure = Procedure.objects.get()
    assert procedure.ward is None
    assert second_reader.get(procedure.get_absolute_url()).status_code == 200


def test_the_city_changes_a_shared_procedure(as_city, shared, reader):
    response = as_city.post(
        change_url(shared), current_form(shared, time_limit="Trong ngày")
    )
    assert response.status_code == 302
    assert "Trong ngày" in reader.get(shared.get_absolute_url()).text


# Hostile input ----------------------------------------------------------------------


HOSTILE = (
    '<script>alert("x")</script><p onclick="alert(1)">Giấy tờ</p>'
    '<a href="javascript:alert(1)">a</a><svg onload=alert(1)>'
)


def test_hostile_input_through_every_field_reaches_no_reader(as_city, reader, ward):
    fields = dict.fromkeys(
        (
            "name",
            "applicants",
            "steps",
            "documents",
            "time_limit",
            "fees",
            "result",
            "submission_place",
            "contact",
            "legal_basis",
        ),
        f"Hộ tịch {HOSTILE}",
    )
    fields["field"] = '<script>alert("x")</script>Hộ tịch'
    response = as_city.post(
        f"{ADMIN}add/?ward=chung", procedure_form(status="published", **fields)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    procedure = Procedure.objects.get()
    WardProcedureDetails.objects.create(
        procedure=procedure, ward=ward, submission_place=HOSTILE, contact=HOSTILE
    )
    pages = [
        reader.get("/thu-tuc-hanh-chinh/").text,
        reader.get("/thu-tuc-hanh-chinh/", {"q": HOSTILE}).text,
        reader.get("/thu-tuc-hanh-chinh/", {"linh-vuc": procedure.field_slug}).text,
        reader.get(procedure.get_absolute_url()).text,
        reader.get("/sitemap-thu-tuc-hanh-chinh.xml").text,
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert 'onclick="' not in page and "<svg onload" not in page
        assert 'href="javascript:' not in page


def test_pictures_from_elsewhere_are_refused_with_a_message(as_city):
    response = as_city.post(
        f"{ADMIN}add/?ward=chung",
        procedure_form(documents='<p><img src="https://evil.example/x.png"></p>'),
    )
    assert response.status_code == 200
    assert "lấy từ nơi khác" in str(response.context["adminform"].form.errors)


def test_a_hostile_code_or_slug_is_refused(as_city):
    response = as_city.post(
        f"{ADMIN}add/?ward=chung",
        procedure_form(code='1.0"><script>', slug="<script>"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "code" in errors and "slug" in errors
    assert not Procedure.objects.exists()


def test_a_form_file_must_be_a_real_document(as_city, shared, media_root):
    data = current_form(
        shared,
        **{
            "forms-TOTAL_FORMS": "1",
            "forms-0-name": "Tờ khai",
            "forms-0-file": SimpleUploadedFile(
                "to-khai.pdf", b"<html><script>alert(1)</script></html>"
            ),
        },
    )
    response = as_city.post(change_url(shared), data)
    assert response.status_code == 200
    assert not ProcedureForm.objects.exists()
    data["forms-0-file"] = SimpleUploadedFile("Tờ khai khai sinh.pdf", pdf_bytes())
    response = as_city.post(change_url(shared), data)
    assert response.status_code == 302
    form = ProcedureForm.objects.get()
    assert form.file.name.startswith("attachments/thu-tuc/chung/")
    assert form.file.name.endswith("/to-khai-khai-sinh.pdf")


# Revisions --------------------------------------------------------------------------


def test_saves_keep_revisions_and_a_restore_keeps_the_state(as_city, shared, reader):
    as_city.post(change_url(shared), current_form(shared, time_limit="Cũ"))
    shared.refresh_from_db()
    as_city.post(change_url(shared), current_form(shared, time_limit="Mới"))
    versions = Version.objects.get_for_object(shared)
    assert versions.count() == 2
    older = versions.last()
    assert as_city.get(f"{ADMIN}{shared.pk}/history/").status_code == 200
    # Withdrawn since: restoring the older text must not publish it again.
    shared.refresh_from_db()
    shared.status = "withdrawn"
    shared.save()
    url = f"{ADMIN}{shared.pk}/history/{older.pk}/"
    page = as_city.get(url)
    assert page.status_code == 200
    shared.refresh_from_db()
    assert shared.time_limit == "Mới"  # A GET changes nothing.
    form = page.context["adminform"].form
    assert form.initial["status"] == "withdrawn"
    response = as_city.post(url, current_form(shared, time_limit="Cũ"))
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.time_limit == "Cũ" and shared.status == "withdrawn"


def test_a_revision_of_another_model_cannot_be_restored_here(
    as_editor, own, make_article, ward
):
    """reversion's own view takes any version with the same object id: a
    ward editor could restore another ward's article through a procedure."""
    import reversion

    article = make_article(title="Bài gốc")
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    article.title = "Bài đã sửa"
    article.save()
    for url in (
        f"{ADMIN}{own.pk}/history/{version.pk}/",
        f"{ADMIN}{article.pk}/history/{version.pk}/",
    ):
        response = as_editor.post(url, current_form(own))
        assert response.status_code in (302, 403, 404)
    article.refresh_from_db()
    assert article.title == "Bài đã sửa"
    assert as_editor.get(f"{ADMIN}recover/").status_code == 404
    assert as_editor.post(f"{ADMIN}recover/{version.pk}/").status_code == 404
    assert Article.objects.filter(title="Bài gốc").count() == 0


def test_a_ward_editor_cannot_restore_a_shared_procedure(as_editor, shared, editor):
    import reversion

    with reversion.create_revision():
        shared.save()
    version = Version.objects.get_for_object(shared).get()
    url = f"{ADMIN}{shared.pk}/history/{version.pk}/"
    assert as_editor.post(url, current_form(shared, name="Khác")).status_code == 403
    shared.refresh_from_db()
    assert shared.name == "Đăng ký khai sinh"


# The admin's search ---------------------------------------------------------------


def test_the_admin_finds_procedures_without_accents(as_editor, shared, own):
    listing = as_editor.get(ADMIN, {"q": "ho ngheo"}).text
    assert "Xác nhận hộ nghèo" in listing and "Đăng ký khai sinh" not in listing
