"""Probe of "Cán bộ" from the outside (probe4): what a ward's editor, or the
city's IT by mistake, can do to an account that "Cán bộ" should not allow.
Each test here failed when written; see the docstrings for the attack."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client

from wards import roles
from wards.models import Membership

from .test_staff_accounts import (
    PASSWORD,
    STAFF,
    add_form,
    change_form,
    link_in,
    set_password,
)

USED_UP = "Liên kết này không dùng được nữa"
ENROL = "/admin/xac-thuc-hai-buoc/dang-ky/"


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


def signs_in(username: str, password: str = PASSWORD) -> bool:
    browser = Client()
    browser.post("/admin/login/", {"username": username, "password": password})
    return "_auth_user_id" in browser.session


# Emptying the email empties the user name with it (StaffChangeForm.save):
# the email is optional on the change form, and the user name follows it.


def test_an_editor_emptying_a_writers_email_leaves_their_user_name(
    ward_editor_client, ward
):
    ward_editor_client.post(f"{STAFF}add/", add_form(ward))
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    ward_editor_client.post(
        f"{STAFF}{account.pk}/change/", change_form(account, email="")
    )
    account.refresh_from_db()
    assert account.username == "thuha@phucloi.gov.vn"


def test_emptying_a_second_accounts_email_is_no_server_error(ward_editor_client, ward):
    """The second empty user name breaks the unique constraint: a 500."""
    for email in ("a@phucloi.gov.vn", "b@phucloi.gov.vn"):
        ward_editor_client.post(f"{STAFF}add/", add_form(ward, email=email))
    ward_editor_client.raise_request_exception = False
    for email in ("a@phucloi.gov.vn", "b@phucloi.gov.vn"):
        account = User.objects.get(email=email)
        answer = ward_editor_client.post(
            f"{STAFF}{account.pk}/change/", change_form(account, email="")
        )
        assert answer.status_code in (200, 302), answer.status_code


def test_a_superuser_emptying_a_colleagues_email_does_not_lock_them_out(city_it, ward):
    city_it.post(f"{STAFF}add/", add_form(ward))
    set_password(link_in(mail.outbox[0]))
    assert signs_in("thuha@phucloi.gov.vn")
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    city_it.post(f"{STAFF}{account.pk}/change/", change_form(account, email=""))
    assert signs_in("thuha@phucloi.gov.vn")


# A link handed over on paper, or in a chat, and lost: nothing ends it.


def test_a_new_invitation_ends_the_old_link(city_it, ward):
    """README: "Gửi thư mời đặt mật khẩu" sends a new link, the way to
    replace one that was lost; the lost one keeps working for three days."""
    city_it.post(f"{STAFF}add/", add_form(ward))
    lost = link_in(mail.outbox[0])
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    city_it.post(f"{STAFF}{account.pk}/thu-moi/")
    assert len(mail.outbox) == 2
    assert USED_UP in Client().get(lost, follow=True).text


def test_reactivating_an_account_does_not_revive_its_old_link(city_it, ward):
    """Deactivating is the only way to stop a leaked link; reactivating the
    account makes the leaked link work again."""
    city_it.post(f"{STAFF}add/", add_form(ward))
    leaked = link_in(mail.outbox[0])
    account = User.objects.get(email="thuha@phucloi.gov.vn")
    for action in ("deactivate_selected", "reactivate_selected"):
        city_it.post(STAFF, {"action": action, "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.is_active
    assert USED_UP in Client().get(leaked, follow=True).text


# Two-step sign-in is owed by the role's name (twostep/policy.py), not by
# what the account may do.


@pytest.fixture
def production_rule(settings):
    """The default rule of a real site (tests run without one)."""
    settings.TWO_STEP_REQUIRED_FOR = frozenset({"superusers", "editors"})


def test_an_editor_owes_the_second_step(production_rule, ward_editor):
    """What the two tests below expect, as it holds for a real editor."""
    browser = Client()
    browser.force_login(ward_editor)
    assert ENROL in browser.get(STAFF).get("Location", "")


def test_a_writer_given_editors_powers_directly_owes_the_second_step(
    production_rule, writer
):
    """The city's IT ticks the editor's group under "Nâng cao" (whose help
    says it holds in every ward the person works for): the writer now
    publishes and manages the ward's staff, with a password alone."""
    writer.groups.add(roles.role_group(roles.EDITOR))
    browser = Client()
    browser.force_login(writer)
    assert ENROL in browser.get(STAFF).get("Location", "")


def test_a_city_made_role_that_manages_staff_owes_the_second_step(
    production_rule, ward
):
    """assignable_roles: a city may make its own roles ("Cộng tác viên");
    one given the staff permissions adds staff with a password alone."""
    role = Group.objects.create(name="Tổ trưởng")
    role.permissions.set(roles.role_group(roles.EDITOR).permissions.all())
    person = User.objects.create_user("totruong", password=PASSWORD)
    Membership.objects.create(user=person, ward=ward, role=role)
    browser = Client()
    browser.force_login(person)
    assert ENROL in browser.get(STAFF).get("Location", "")
