""" "Cán bộ": staff accounts added in one form, invited by email to set
their own password, managed through ward memberships, deactivated rather
than deleted; a ward's editor manages that ward's writers and nothing more."""

import html
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from wards import roles
from wards.models import Membership

from .conftest import SECOND_HOST, article_form, make_staff

STAFF = "/admin/wards/staff/"
PASSWORD = "Hoa-sen-no-giua-ho-2026"


def add_form(in_ward, role=roles.WRITER, **fields):
    data = {
        "full_name": "Nguyễn Thị Thu Hà",
        "email": "thuha@phucloi.gov.vn",
        "ward": in_ward.pk,
        "role": roles.role_group(role).pk if role else "",
    }
    data.update(fields)
    return data


def change_form(account, **fields):
    """The change form as the page fills it in, for the account's wards."""
    memberships = list(account.ward_memberships.all())
    data = {
        "full_name": f"{account.last_name} {account.first_name}".strip()
        or account.username,
        "email": account.email or f"{account.username}@example.vn",
        "username": account.username,
        "is_active": "on" if account.is_active else "",
        "ward_memberships-TOTAL_FORMS": str(len(memberships)),
        "ward_memberships-INITIAL_FORMS": str(len(memberships)),
    }
    for n, membership in enumerate(memberships):
        data[f"ward_memberships-{n}-id"] = membership.pk
        data[f"ward_memberships-{n}-user"] = account.pk
        data[f"ward_memberships-{n}-ward"] = membership.ward_id
        data[f"ward_memberships-{n}-role"] = membership.role_id
    data.update(fields)
    return data


def link_in(message) -> str:
    return re.search(r"https?://\S+/dat-mat-khau/\S+/", message.body).group(0)


def set_password(link: str, password: str = PASSWORD) -> Client:
    """Follows the emailed link as the new staff member does."""
    browser = Client(HTTP_HOST=link.split("/")[2])
    page = browser.get(link, follow=True)
    assert page.status_code == 200
    assert "Đặt mật khẩu" in page.text
    answer = browser.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )
    assert "Đã đặt mật khẩu" in answer.text, answer.text
    return browser


@pytest.fixture(autouse=True)
def mail_server(settings):
    """An SMTP server is set; the tests' memory backend takes the mail."""
    settings.EMAIL_HOST = "smtp.phucloi.test"


@pytest.fixture
def city_it(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def ward_editor_client(ward_editor):
    client = Client()
    client.force_login(ward_editor)
    return client


# One form, and the account signs in at once.


def test_the_add_page_asks_name_email_ward_and_role_only(city_it, ward):
    page = city_it.get(f"{STAFF}add/").text
    for label in ("Họ và tên", "Email", "Phường", "Vai trò"):
        assert f">{label}:</label>" in page, label
    for field in ("password1", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in page, field
    assert "Nhân viên" not in page
    # The superuser's own choice sits apart, folded away.
    assert re.search(r"<details[^>]*>\s*<summary>.*Nâng cao", page, re.S)


def test_a_new_writer_is_invited_sets_a_password_and_writes_but_no_more(
    city_it, ward, second_ward, category
):
    response = city_it.post(f"{STAFF}add/", add_form(ward), follow=True)
    assert "Đã gửi thư mời tới thuha@phucloi.gov.vn" in response.text
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    assert account.username == "thuha@phucloi.gov.vn"
    assert (account.last_name, account.first_name) == ("Nguyễn Thị Thu", "Hà")
    assert account.is_staff and not account.is_superuser
    assert not account.has_usable_password()
    assert [(m.ward, m.role.name) for m in account.ward_memberships.all()] == [
        (ward, roles.WRITER)
    ]

    [invitation] = mail.outbox
    assert invitation.to == ["thuha@phucloi.gov.vn"]
    assert "Kính gửi Nguyễn Thị Thu Hà" in invitation.body
    assert "Tên đăng nhập: thuha@phucloi.gov.vn" in invitation.body
    assert "với vai trò: Phóng viên của Phường Phúc Lợi." in invitation.body
    assert PASSWORD not in invitation.body
    set_password(link_in(invitation))

    staff = Client()
    signed_in = staff.post(
        "/admin/login/?next=/admin/",
        {"username": "thuha@phucloi.gov.vn", "password": PASSWORD},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == "/admin/"
    assert "Tin bài" in signed_in.text

    # A writer: drafts and submits, never publishes, manages nobody.
    saved = staff.post(
        "/admin/articles/article/add/", article_form(category, step=None)
    )
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    published = staff.post(
        "/admin/articles/article/add/", article_form(category, step="_publish")
    )
    assert published.status_code == 403
    assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()
    assert staff.get(STAFF).status_code == 403
    assert staff.get(f"{STAFF}add/").status_code == 403
    assert "Cán bộ" not in staff.get("/admin/").text


def test_the_next_colleague_starts_with_the_same_ward_and_role(city_it, second_ward):
    response = city_it.post(
        f"{STAFF}add/",
        {**add_form(second_ward, role=roles.EDITOR), "_addanother": "Lưu và thêm mới"},
        follow=True,
    )
    form = response.context["adminform"].form
    assert form["ward"].value() == str(second_ward.pk)
    assert form["role"].value() == str(roles.role_group(roles.EDITOR).pk)
    assert form["full_name"].value() in (None, "")


def test_the_link_works_once(city_it, ward):
    city_it.post(f"{STAFF}add/", add_form(ward))
    link = link_in(mail.outbox[0])
    set_password(link)
    again = Client().get(link, follow=True)
    assert "Liên kết này không dùng được nữa" in again.text
    assert "new_password1" not in again.text


def test_the_link_leads_to_the_site_of_the_persons_ward(city_it, second_ward):
    city_it.post(f"{STAFF}add/", add_form(second_ward))
    assert link_in(mail.outbox[0]).startswith(f"http://{SECOND_HOST}/admin/")
    assert f"\nhttp://{SECOND_HOST}/admin/login/\n" in mail.outbox[0].body


def test_a_deactivated_persons_old_link_sets_nothing(city_it, ward):
    city_it.post(f"{STAFF}add/", add_form(ward))
    User.objects.filter(email="thuha@phucloi.gov.vn").update(is_active=False)
    page = Client().get(link_in(mail.outbox[0]), follow=True)
    assert "Liên kết này không dùng được nữa" in page.text


def test_a_weak_password_is_refused_in_vietnamese(city_it, ward):
    city_it.post(f"{STAFF}add/", add_form(ward))
    browser = Client()
    page = browser.get(link_in(mail.outbox[0]), follow=True)
    answer = browser.post(
        page.redirect_chain[-1][0],
        {"new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "Mật khẩu quá ngắn" in answer.text
    assert not User.objects.get(email="thuha@phucloi.gov.vn").has_usable_password()


def test_an_email_already_in_use_is_refused(city_it, ward, writer):
    writer.email = "thuha@phucloi.gov.vn"
    writer.save()
    response = city_it.post(
        f"{STAFF}add/", add_form(ward, email="ThuHa@phucloi.gov.vn")
    )
    assert "Email này đã là của một tài khoản khác" in response.text
    assert User.objects.count() == 2
    assert mail.outbox == []


def test_ward_and_role_are_required_unless_a_city_administrator(city_it, ward):
    response = city_it.post(f"{STAFF}add/", add_form(ward, role="", ward=""))
    assert "Chọn phường người này làm việc." in response.text
    assert "Chọn vai trò của người này ở phường." in response.text
    city_it.post(
        f"{STAFF}add/",
        add_form(ward, role="", ward="", email="it@hanoi.gov.vn", is_superuser="on"),
    )
    colleague = User.objects.get(email="it@hanoi.gov.vn")
    assert colleague.is_superuser and colleague.is_staff


# Without email.


@pytest.fixture
def no_email(settings):
    settings.EMAIL_HOST = ""


def test_without_email_the_superuser_is_shown_the_link_once(no_email, city_it, ward):
    page = city_it.post(f"{STAFF}add/", add_form(ward), follow=True).text
    assert "Máy chủ chưa cấu hình gửi email (DJANGO_EMAIL_HOST)" in page
    link = re.search(r'value="(http://[^"]+/dat-mat-khau/[^"]+)"', page).group(1)
    done = set_password(link).get("/admin/dat-mat-khau/xong/").text
    # No letter came with a link handed over: the page says the user name.
    assert "trong thư mời" not in done
    assert "<strong>thuha@phucloi.gov.vn</strong>" in done
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    assert account.check_password(PASSWORD)
    # Shown once: the next page does not repeat it.
    assert "dat-mat-khau" not in city_it.get(f"{STAFF}{account.pk}/change/").text


def test_without_email_an_editor_is_told_whom_to_ask_not_shown_the_link(
    no_email, ward_editor_client, ward
):
    page = ward_editor_client.post(f"{STAFF}add/", add_form(ward), follow=True).text
    assert "Hãy nhờ quản trị viên hệ thống gửi thư mời giúp" in page
    assert "dat-mat-khau" not in page
    assert User.objects.filter(email="thuha@phucloi.gov.vn").exists()


def test_a_mail_server_that_is_down_loses_neither_account_nor_invitation(
    settings, task_queue, smtp_server, city_it, ward
):
    """The invitation waits in the queue while the mail server is down, and
    arrives once it is back (outbox/)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = False
    smtp_server.stop()
    page = city_it.post(f"{STAFF}add/", add_form(ward), follow=True)
    assert page.status_code == 200
    assert "Đã gửi thư mời tới thuha@phucloi.gov.vn" in page.text
    assert User.objects.filter(email="thuha@phucloi.gov.vn").exists()
    task_queue.run()
    assert smtp_server.messages == []
    smtp_server.start()
    task_queue.pass_time(timedelta(hours=1))
    task_queue.run()
    assert [m.rcpt_tos for m in smtp_server.messages] == [["thuha@phucloi.gov.vn"]]


def test_the_invitation_can_be_sent_again(city_it, writer):
    writer.email = "pv@phucloi.gov.vn"
    writer.save()
    page = city_it.get(f"{STAFF}{writer.pk}/change/").text
    assert f"{STAFF}{writer.pk}/thu-moi/" in page
    assert "Gửi thư mời" in city_it.get(f"{STAFF}{writer.pk}/thu-moi/").text
    city_it.post(f"{STAFF}{writer.pk}/thu-moi/")
    assert [m.to for m in mail.outbox] == [["pv@phucloi.gov.vn"]]


# Staff status follows from working for a ward.


def test_staff_status_follows_memberships(ward, second_ward):
    person = User.objects.create_user("nguoimoi")
    membership = Membership.objects.create(
        user=person, ward=ward, role=roles.role_group(roles.WRITER)
    )
    person.refresh_from_db()
    assert person.is_staff
    Membership.objects.create(
        user=person, ward=second_ward, role=roles.role_group(roles.WRITER)
    )
    membership.delete()
    person.refresh_from_db()
    assert person.is_staff
    second_ward.delete()
    person.refresh_from_db()
    assert not person.is_staff


def test_the_last_ward_cannot_be_taken_away_only_the_account_closed(city_it, writer):
    response = city_it.post(
        f"{STAFF}{writer.pk}/change/",
        change_form(writer, **{"ward_memberships-0-DELETE": "on"}),
    )
    assert "Cán bộ phải làm việc cho ít nhất một phường" in response.text
    assert writer.ward_memberships.exists()


# The list.


def test_the_list_shows_wards_roles_state_and_last_sign_in(
    city_it, ward, second_ward, ward_editor, second_writer
):
    both = make_staff("hai_phuong", ward)
    Membership.objects.create(
        user=both, ward=second_ward, role=roles.role_group(roles.EDITOR)
    )
    Client().post(
        "/admin/login/", {"username": "hai_phuong", "password": "mat-khau-thu-nghiem"}
    )
    both.refresh_from_db()
    page = city_it.get(STAFF)
    assert "Phường Bồ Đề – Biên tập viên, Phường Phúc Lợi – Phóng viên" in page.text
    assert "Quản trị viên thành phố" in page.text
    assert "Lần đăng nhập cuối" in page.text
    rows = {row.username: row for row in page.context["cl"].result_list}
    assert rows["hai_phuong"].last_login == both.last_login is not None

    # Editor of Bồ Đề: both and the Bồ Đề editor, not the Phúc Lợi editor.
    listed = city_it.get(
        STAFF,
        {"phuong": second_ward.pk, "vai_tro": roles.role_group(roles.EDITOR).pk},
    )
    assert [u.username for u in listed.context["cl"].result_list] == ["hai_phuong"]
    writers_of_phucloi = city_it.get(
        STAFF, {"phuong": ward.pk, "vai_tro": roles.role_group(roles.WRITER).pk}
    )
    assert [u.username for u in writers_of_phucloi.context["cl"].result_list] == [
        "hai_phuong"
    ]


def test_the_list_costs_the_same_queries_for_more_staff(city_it, ward):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert city_it.get(STAFF).status_code == 200
        return len(captured)

    make_staff("pv-first", ward)
    few = queries()
    for n in range(30):
        make_staff(f"pv{n}", ward)
    assert queries() == few


def test_the_membership_rows_cannot_delete_a_role_or_read_as_a_new_ward(
    city_it, writer, ward
):
    page = city_it.get(f"{STAFF}{writer.pk}/change/").text
    for link in ("add", "change", "delete", "view"):
        assert f'id="{link}_id_ward_memberships-0-' not in page
    [inline] = re.findall(r'data-inline-formset="([^"]+)"', page)
    options = json.loads(html.unescape(inline))["options"]
    assert options["addText"] == "Thêm phường làm việc"
    ward_page = city_it.get(f"/admin/wards/ward/{ward.pk}/change/").text
    assert 'id="delete_id_memberships' not in ward_page


def test_djangos_user_pages_lead_to_staff(city_it, writer):
    assert city_it.get("/admin/auth/user/").url == STAFF
    assert (
        city_it.get(f"/admin/auth/user/{writer.pk}/change/").url
        == f"{STAFF}{writer.pk}/change/"
    )
    assert "Người dùng" not in city_it.get("/admin/").text


# Deactivate, not delete.


def test_deactivating_keeps_articles_and_stops_sign_in(
    ward_editor_client, writer, make_article
):
    article = make_article(author=writer)
    response = ward_editor_client.post(
        STAFF,
        {"action": "deactivate_selected", "_selected_action": [writer.pk]},
        follow=True,
    )
    assert "Đã cho thôi việc 1 cán bộ" in response.text
    writer.refresh_from_db()
    assert not writer.is_active
    article.refresh_from_db()
    assert article.author == writer
    refused = Client().post(
        "/admin/login/?next=/admin/",
        {"username": "phongvien", "password": "mat-khau-thu-nghiem"},
    )
    assert refused.status_code == 200
    assert "Vui lòng nhập đúng tên đăng nhập và mật khẩu" in refused.text


def test_only_superusers_may_delete_an_account(ward_editor_client, writer, city_it):
    assert "delete_selected" not in ward_editor_client.get(STAFF).text
    assert ward_editor_client.get(f"{STAFF}{writer.pk}/delete/").status_code == 403
    ward_editor_client.post(
        STAFF, {"action": "delete_selected", "_selected_action": [writer.pk]}
    )
    assert User.objects.filter(pk=writer.pk).exists()
    assert "delete_selected" in city_it.get(STAFF).text


# A ward's editor: writers of their own ward, and nothing more.


def test_an_editor_adds_a_writer_to_their_ward(ward_editor_client, ward):
    page = ward_editor_client.get(f"{STAFF}add/").text
    assert "Nâng cao" not in page
    response = ward_editor_client.post(f"{STAFF}add/", add_form(ward))
    assert response.status_code == 302
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    assert account.ward_memberships.get().role.name == roles.WRITER
    assert len(mail.outbox) == 1


def test_an_editor_cannot_make_an_editor(ward_editor_client, ward):
    response = ward_editor_client.post(
        f"{STAFF}add/", add_form(ward, role=roles.EDITOR)
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="thuha@phucloi.gov.vn").exists()


def test_an_editor_cannot_add_to_another_ward(ward_editor_client, second_ward):
    ward_editor_client.post(f"{STAFF}add/", add_form(second_ward))
    assert not User.objects.filter(email="thuha@phucloi.gov.vn").exists()


def test_an_editor_cannot_make_a_superuser_groups_or_permissions(
    ward_editor_client, ward
):
    everything = Permission.objects.values_list("pk", flat=True)
    ward_editor_client.post(
        f"{STAFF}add/",
        add_form(
            ward,
            is_superuser="on",
            is_staff="on",
            groups=[roles.role_group(roles.EDITOR).pk],
            user_permissions=list(everything),
        ),
    )
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    assert not account.is_superuser
    assert not account.groups.exists()
    assert not account.user_permissions.exists()


def test_an_editor_changing_a_writer_cannot_raise_them(
    ward_editor_client, writer, second_ward
):
    editor_role = roles.role_group(roles.EDITOR)
    ward_editor_client.post(
        f"{STAFF}{writer.pk}/change/",
        change_form(
            writer,
            username="bientapvien",
            is_superuser="on",
            groups=[editor_role.pk],
            user_permissions=list(Permission.objects.values_list("pk", flat=True)),
            **{"ward_memberships-0-role": editor_role.pk},
        ),
    )
    writer.refresh_from_db()
    assert writer.username == "phongvien"
    assert not writer.is_superuser
    assert not writer.groups.exists() and not writer.user_permissions.exists()
    assert writer.ward_memberships.get().role.name == roles.WRITER

    # Nor send them to another ward.
    ward_editor_client.post(
        f"{STAFF}{writer.pk}/change/",
        change_form(
            writer,
            **{
                "ward_memberships-TOTAL_FORMS": "2",
                "ward_memberships-1-ward": second_ward.pk,
                "ward_memberships-1-role": roles.role_group(roles.WRITER).pk,
            },
        ),
    )
    assert list(writer.ward_memberships.values_list("ward", flat=True)) == [
        writer.ward_memberships.get().ward_id
    ]
    assert not writer.ward_memberships.filter(ward=second_ward).exists()


def test_an_editor_of_one_ward_is_offered_no_second_ward(ward_editor_client, writer):
    page = ward_editor_client.get(f"{STAFF}{writer.pk}/change/").text
    # The admin's script offers "Thêm phường làm việc" below this many rows.
    assert 'name="ward_memberships-MAX_NUM_FORMS" value="1"' in page


def test_an_editor_changes_their_writers_name(ward_editor_client, writer):
    response = ward_editor_client.post(
        f"{STAFF}{writer.pk}/change/", change_form(writer, full_name="Trần Văn Bình")
    )
    assert response.status_code == 302, response.context["errors"]
    writer.refresh_from_db()
    assert (writer.last_name, writer.first_name) == ("Trần Văn", "Bình")


def test_an_editor_fixes_a_mistyped_email_until_the_password_is_set(
    ward_editor_client, ward
):
    ward_editor_client.post(f"{STAFF}add/", add_form(ward, email="thuha@phucloi.vn"))
    account = User.objects.get(email="thuha@phucloi.vn")
    ward_editor_client.post(
        f"{STAFF}{account.pk}/change/",
        change_form(account, email="thuha@phucloi.gov.vn"),
    )
    account.refresh_from_db()
    assert (account.email, account.username) == ("thuha@phucloi.gov.vn",) * 2

    # Once it is theirs, an editor cannot send its next link elsewhere.
    account.set_password(PASSWORD)
    account.save()
    page = ward_editor_client.get(f"{STAFF}{account.pk}/change/").text
    assert 'name="email"' not in page
    ward_editor_client.post(
        f"{STAFF}{account.pk}/change/",
        change_form(account, email="bientap-rieng@gmail.com"),
    )
    account.refresh_from_db()
    assert account.email == "thuha@phucloi.gov.vn"


def test_a_filter_value_that_is_no_ward_is_no_error(city_it, writer):
    response = city_it.get(STAFF, {"phuong": "abc", "vai_tro": "x"})
    assert response.status_code == 200
    assert writer.username in response.text


def test_an_editor_cannot_reach_a_superuser_or_another_wards_account(
    ward_editor_client, editor, second_writer, ward
):
    # A superuser who also works for the editor's ward.
    Membership.objects.create(
        user=editor, ward=ward, role=roles.role_group(roles.WRITER)
    )
    listed = ward_editor_client.get(STAFF).text
    for account in (editor, second_writer):
        assert account.username not in listed
        page = ward_editor_client.get(f"{STAFF}{account.pk}/change/")
        assert page.status_code == 302  # "không tồn tại", back to the index
        ward_editor_client.post(
            f"{STAFF}{account.pk}/change/",
            change_form(account, full_name="Kẻ Mạo Danh", is_active=""),
        )
        account.refresh_from_db()
        assert account.is_active and account.first_name != "Danh"
        assert ward_editor_client.post(f"{STAFF}{account.pk}/thu-moi/").status_code in (
            302,
            404,
        )
    assert mail.outbox == []


def test_an_editor_cannot_change_a_fellow_editor_or_themselves(
    ward_editor_client, ward_editor, ward
):
    fellow = make_staff("bientap2", ward, role=roles.EDITOR)
    for account in (fellow, ward_editor):
        page = ward_editor_client.get(f"{STAFF}{account.pk}/change/")
        assert page.status_code == 200  # Seen, read only.
        assert 'name="full_name"' not in page.text
        response = ward_editor_client.post(
            f"{STAFF}{account.pk}/change/",
            change_form(account, is_active="", full_name="Đổi Tên"),
        )
        assert response.status_code == 403
        account.refresh_from_db()
        assert account.is_active
    ward_editor_client.post(
        STAFF, {"action": "deactivate_selected", "_selected_action": [fellow.pk]}
    )
    fellow.refresh_from_db()
    assert fellow.is_active


def test_an_editor_cannot_change_a_writer_who_also_works_elsewhere(
    ward_editor_client, writer, second_ward
):
    Membership.objects.create(
        user=writer, ward=second_ward, role=roles.role_group(roles.WRITER)
    )
    response = ward_editor_client.post(
        f"{STAFF}{writer.pk}/change/", change_form(writer, is_active="")
    )
    assert response.status_code == 403
    writer.refresh_from_db()
    assert writer.is_active


def test_an_editor_cannot_set_anyones_password(ward_editor_client, writer):
    url = f"{STAFF}{writer.pk}/password/"
    assert ward_editor_client.get(url).status_code == 403
    ward_editor_client.post(
        url, {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"}
    )
    writer.refresh_from_db()
    assert not writer.check_password(PASSWORD)


def test_a_superuser_may_set_a_password_under_advanced(city_it, writer):
    page = city_it.get(f"{STAFF}{writer.pk}/change/").text
    assert "Nâng cao" in page and 'name="groups"' in page
    assert city_it.get(f"{STAFF}{writer.pk}/password/").status_code == 200


def test_an_editor_whose_role_lost_the_permission_manages_nobody(
    ward_editor_client, ward
):
    editor_role = Group.objects.get(name=roles.EDITOR)
    editor_role.permissions.remove(
        *Permission.objects.filter(codename__endswith="_staff")
    )
    assert ward_editor_client.get(STAFF).status_code == 403
    assert ward_editor_client.post(f"{STAFF}add/", add_form(ward)).status_code == 403


def test_an_editor_added_here_signs_in_and_adds_writers_not_editors(
    city_it, second_ward
):
    city_it.post(
        f"{STAFF}add/",
        add_form(
            second_ward,
            role=roles.EDITOR,
            email="dung@bode.gov.vn",
            full_name="Phạm Thị Dung",
        ),
    )
    set_password(link_in(mail.outbox[0]))
    editor = Client(HTTP_HOST=SECOND_HOST)
    editor.post("/admin/login/", {"username": "dung@bode.gov.vn", "password": PASSWORD})
    assert "Cán bộ" in editor.get("/admin/").text
    page = editor.get(f"{STAFF}add/")
    assert [
        str(role) for role in page.context["adminform"].form.fields["role"].queryset
    ] == [roles.WRITER]
    added = editor.post(
        f"{STAFF}add/",
        add_form(second_ward, email="em@bode.gov.vn", full_name="Hoàng Văn Em"),
    )
    assert added.status_code == 302
    refused = editor.post(
        f"{STAFF}add/",
        add_form(second_ward, role=roles.EDITOR, email="giang@bode.gov.vn"),
    )
    assert refused.status_code == 200
    assert not User.objects.filter(email="giang@bode.gov.vn").exists()


@pytest.mark.django_db(transaction=True)
def test_members_saved_without_staff_status_may_sign_in_after_the_upgrade(ward):
    """Before, a user saved with a ward and a role could not sign in until
    a second save with "Nhân viên" ticked; the migration lets them in, and
    gives editors their ward's staff."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("wards", "0007_footer_notice")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    # The ward and role as the test's own rows: a flushing test before this
    # one may have left none of the migrations' own.
    ward = old.get_model("wards", "Ward").objects.get(pk=ward.pk)
    role, _ = old.get_model("auth", "Group").objects.get_or_create(name=roles.WRITER)
    user = old.get_model("auth", "User").objects.create(username="chuavao")
    old.get_model("wards", "Membership").objects.create(user=user, ward=ward, role=role)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert User.objects.get(username="chuavao").is_staff
    editor_role = Group.objects.get(name=roles.EDITOR)
    assert {"add_staff", "change_staff", "view_staff"} <= set(
        editor_role.permissions.values_list("codename", flat=True)
    )


def test_the_set_password_page_keeps_the_token_out_of_its_address_and_caches(
    city_it, ward
):
    city_it.post(f"{STAFF}add/", add_form(ward))
    link = link_in(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    page = Client().get(link, follow=True)
    # Links on the page (and their Referer) carry no token.
    assert token not in page.redirect_chain[-1][0]
    assert "no-store" in page["Cache-Control"]
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_an_editor_cannot_reach_another_wards_membership_through_a_writers_form(
    ward_editor_client, writer, second_writer, ward
):
    theirs = second_writer.ward_memberships.get()
    ward_editor_client.post(
        f"{STAFF}{writer.pk}/change/",
        change_form(
            writer,
            **{
                "ward_memberships-0-id": theirs.pk,
                "ward_memberships-0-ward": ward.pk,
                "ward_memberships-0-DELETE": "on",
            },
        ),
    )
    theirs.refresh_from_db()
    assert theirs.user == second_writer and theirs.ward != ward
    assert writer.ward_memberships.exists()


def test_accounts_without_an_email_can_still_be_saved(city_it, writer, ward_editor):
    for account in (writer, ward_editor):
        account.email = ""
        account.save()
    response = city_it.post(
        f"{STAFF}{writer.pk}/change/",
        change_form(writer, email="", full_name="Đỗ Thị Lan"),
    )
    assert response.status_code == 302, response.context["errors"]
    writer.refresh_from_db()
    assert (writer.email, writer.first_name) == ("", "Lan")


def test_the_email_that_is_the_user_name_cannot_be_emptied(city_it, ward, writer):
    city_it.post(f"{STAFF}add/", add_form(ward))
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    page = city_it.post(f"{STAFF}{account.pk}/change/", change_form(account, email=""))
    assert page.status_code == 200
    assert "là tên đăng nhập của cán bộ, không để trống được" in page.text
    account.refresh_from_db()
    assert account.username == account.email == "thuha@phucloi.gov.vn"

    # An account whose user name is not its email may still drop the email.
    writer.email = "phongvien@phucloi.gov.vn"
    writer.save()
    answer = city_it.post(f"{STAFF}{writer.pk}/change/", change_form(writer, email=""))
    assert answer.status_code == 302
    writer.refresh_from_db()
    assert (writer.username, writer.email) == ("phongvien", "")


def test_unticking_working_ends_the_link_for_good(city_it, ward):
    city_it.post(f"{STAFF}add/", add_form(ward))
    leaked = link_in(mail.outbox[0])
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    for active in (False, True):
        account.is_active = not active
        city_it.post(
            f"{STAFF}{account.pk}/change/",
            {**change_form(account), "is_active": "on" if active else ""},
        )
    account.refresh_from_db()
    assert account.is_active
    assert "Liên kết này không dùng được nữa" in Client().get(leaked, follow=True).text
    # A link sent now works.
    city_it.post(f"{STAFF}{account.pk}/thu-moi/")
    set_password(link_in(mail.outbox[-1]))


def test_without_email_an_editor_reads_the_invitation_page_in_their_words(
    no_email, ward_editor_client, writer
):
    """A ward editor is no server administrator: the invitation page tells
    them whom to ask, not which setting is missing."""
    writer.email = "pv@phucloi.gov.vn"
    writer.save()
    page = ward_editor_client.get(f"{STAFF}{writer.pk}/thu-moi/").text
    assert "thư mời sẽ không được gửi" in page
    assert "quản trị viên hệ thống" in page
    assert "DJANGO_" not in page


def test_the_invitation_page_of_an_account_without_email_asks_for_one_first(
    city_it, writer
):
    """Nothing to send to: the page says so and offers no button that
    would only then say it."""
    writer.email = ""
    writer.save()
    page = city_it.get(f"{STAFF}{writer.pk}/thu-moi/").text
    assert "chưa có email, nên chưa gửi được thư mời" in page
    assert 'value="Gửi thư mời"' not in page
