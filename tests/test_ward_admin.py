"""The admin keeps wards apart: staff of one ward neither see nor change
another ward's articles, categories, details or pictures, whatever they post."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category
from wards import roles
from wards.models import Membership, Ward, WardHost

from .conftest import article_form, make_staff, png_bytes

ARTICLES = "/admin/articles/article/"
ADD_URL = "/admin/articles/article/add/"
CATEGORIES = "/admin/articles/category/"
WARDS = "/admin/wards/ward/"
UPLOAD = "/ckeditor/upload/"
BROWSE = "/ckeditor/browse/"
WARD_PROBLEM = "Bạn không có quyền tải ảnh lên hoặc xem ảnh của phường này."
NO_WARD = "Tài khoản của bạn chưa thuộc phường nào."
INVALID_CHOICE = "Lựa chọn không hợp lệ"
TOKEN = "t" * 40


def grant(user, *perms):
    """Adds "app_label.codename" permissions to a user."""
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # Fresh: no cached permissions.


def titles_listed(response):
    return {article.title for article in response.context["cl"].result_list}


@pytest.fixture
def writer(ward):
    """Here the ward's staff member holds the editor's role: the wards'
    boundaries are tested against the most a ward's staff may do (what each
    role may do is tests/test_newsroom.py's)."""
    return make_staff("phongvien", ward, role=roles.EDITOR)


@pytest.fixture
def second_writer(second_ward):
    return make_staff("phongvienbode", second_ward, role=roles.EDITOR)


# Content of each ward under names the other ward does not also have (both
# wards start with the same eight usual categories).


@pytest.fixture
def own_category(ward):
    return Category.objects.create(
        ward=ward, name="Chuyên mục riêng Phúc Lợi", slug="rieng-phuc-loi"
    )


@pytest.fixture
def other_ward_category(second_ward):
    return Category.objects.create(
        ward=second_ward,
        name="Chuyên mục riêng Bồ Đề",
        slug="rieng-bo-de",
        menu_order=50,
    )


@pytest.fixture
def own_article(make_article, own_category):
    return make_article(category=own_category, title="Tin riêng của Phúc Lợi")


@pytest.fixture
def other_ward_article(make_article, other_ward_category):
    return make_article(
        category=other_ward_category,
        title="Tin riêng của Bồ Đề",
        lead="Sapo riêng của Bồ Đề.",
    )


@pytest.fixture
def category_manager(ward):
    """Staff of the default ward who also keep its category menu."""
    user = make_staff("bientapchuyenmuc", ward)
    return grant(user, "articles.add_category", "articles.change_category")


@pytest.fixture
def ward_keeper(writer):
    """The default ward's writer, trusted with the ward's own details."""
    return grant(writer, "wards.view_ward", "wards.change_ward")


@pytest.fixture
def two_ward_staff(ward, second_ward):
    user = make_staff("canbohaiphuong", ward, role=roles.EDITOR)
    Membership.objects.create(
        user=user, ward=second_ward, role=Group.objects.get(name=roles.EDITOR)
    )
    return user


@pytest.fixture
def wardless_staff(ward):
    """Was given the article permissions directly but works for no ward
    (staff status ticked by hand, as before it followed the wards)."""
    user = make_staff("canbomoi", ward)
    Membership.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(is_staff=True)
    user.refresh_from_db()
    return grant(
        user, "articles.add_article", "articles.change_article", "articles.view_article"
    )


# 1. What a ward's writer sees.


def test_writer_sees_only_own_wards_articles_in_the_change_list(
    client, writer, own_article, other_ward_article
):
    client.force_login(writer)
    response = client.get(ARTICLES)
    assert response.status_code == 200
    assert titles_listed(response) == {"Tin riêng của Phúc Lợi"}
    assert "Tin riêng của Phúc Lợi" in response.text
    assert "Tin riêng của Bồ Đề" not in response.text


def test_writer_search_does_not_find_another_wards_articles(
    client, writer, own_article, other_ward_article
):
    client.force_login(writer)
    response = client.get(ARTICLES, {"q": "Bồ Đề"})
    assert titles_listed(response) == set()
    assert "Tin riêng của Bồ Đề" not in response.text


def test_writer_sees_only_own_wards_categories_in_the_change_list(
    client, writer, ward, own_category, other_ward_category
):
    client.force_login(writer)
    response = client.get(CATEGORIES)
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert own_category in listed
    assert {category.ward_id for category in listed} == {ward.pk}
    assert "Chuyên mục riêng Phúc Lợi" in response.text
    assert "Chuyên mục riêng Bồ Đề" not in response.text


def test_writer_article_list_filter_offers_only_own_wards_categories(
    client, writer, own_article, other_ward_category
):
    client.force_login(writer)
    response = client.get(ARTICLES)
    assert response.status_code == 200
    assert "Chuyên mục riêng Phúc Lợi" in response.text
    assert "Chuyên mục riêng Bồ Đề" not in response.text


def test_writer_does_not_get_a_ward_column_or_filter(client, writer, own_article):
    client.force_login(writer)
    response = client.get(ARTICLES)
    assert "ward" not in response.context["cl"].list_display
    assert 'data-filter-title="phường"' not in response.text


@pytest.mark.parametrize("page", ["change", "history"])
def test_writer_cannot_open_another_wards_article(
    client, writer, other_ward_article, page
):
    client.force_login(writer)
    url = f"{ARTICLES}{other_ward_article.pk}/{page}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    index = client.get(response["Location"])
    assert f"Không tìm thấy bài viết có mã “{other_ward_article.pk}”" in index.text
    assert "Tin riêng của Bồ Đề" not in index.text
    assert "Sapo riêng của Bồ Đề." not in index.text


def test_writer_cannot_open_another_wards_category(client, writer, other_ward_category):
    client.force_login(writer)
    response = client.get(f"{CATEGORIES}{other_ward_category.pk}/change/", follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert (
        f"Không tìm thấy chuyên mục có mã “{other_ward_category.pk}”" in response.text
    )
    assert "Chuyên mục riêng Bồ Đề" not in response.text


def test_category_autocomplete_offers_only_own_wards_categories(
    client, writer, own_category, other_ward_category
):
    client.force_login(writer)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "category",
            "term": "riêng",
        },
    )
    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"Chuyên mục riêng Phúc Lợi"}


# 2. Crafted requests.


def test_writer_cannot_post_into_another_wards_category(
    client, writer, other_ward_category
):
    client.force_login(writer)
    response = client.post(ADD_URL, article_form(other_ward_category))
    assert response.status_code == 200
    assert "Vui lòng sửa các lỗi bên dưới." in response.text
    assert INVALID_CHOICE in response.text
    assert not Article.objects.exists()


def test_a_crafted_ward_field_does_not_put_a_new_article_in_another_ward(
    client, writer, ward, second_ward, own_category
):
    client.force_login(writer)
    response = client.post(ADD_URL, article_form(own_category, ward=second_ward.pk))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.ward == ward
    assert not Article.objects.filter(ward=second_ward).exists()


def test_writer_cannot_change_another_wards_article(
    client, writer, other_ward_article, other_ward_category, own_category
):
    client.force_login(writer)
    url = f"{ARTICLES}{other_ward_article.pk}/change/"
    for category in (other_ward_category, own_category):
        response = client.post(url, article_form(category, title="Bài đã bị sửa"))
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    other_ward_article.refresh_from_db()
    assert other_ward_article.title == "Tin riêng của Bồ Đề"
    assert other_ward_article.category == other_ward_category
    assert other_ward_article.ward == other_ward_category.ward
    assert not Article.objects.filter(title="Bài đã bị sửa").exists()


def test_writer_cannot_move_own_article_into_another_ward(
    client, writer, ward, second_ward, own_article, other_ward_category
):
    client.force_login(writer)
    url = f"{ARTICLES}{own_article.pk}/change/"
    response = client.post(
        url, article_form(other_ward_category, ward=second_ward.pk, title="Chuyển đi")
    )
    assert response.status_code == 200
    assert INVALID_CHOICE in response.text
    own_article.refresh_from_db()
    assert own_article.ward == ward
    assert own_article.title == "Tin riêng của Phúc Lợi"


def test_a_crafted_ward_field_on_the_change_form_is_ignored(
    client, writer, ward, second_ward, own_article, own_category
):
    client.force_login(writer)
    url = f"{ARTICLES}{own_article.pk}/change/"
    response = client.post(
        url, article_form(own_category, ward=second_ward.pk, title="Tin đã sửa")
    )
    assert response.status_code == 302
    own_article.refresh_from_db()
    assert own_article.title == "Tin đã sửa"
    assert own_article.ward == ward


def test_list_actions_do_not_touch_another_wards_articles(
    client, writer, make_article, own_category, other_ward_category
):
    own_draft = make_article(category=own_category, status=Article.Status.DRAFT)
    other_draft = make_article(
        category=other_ward_category, status=Article.Status.DRAFT
    )
    other_published = make_article(category=other_ward_category)
    published_at = other_published.published_at
    client.force_login(writer)

    response = client.post(
        ARTICLES,
        {"action": "publish", "_selected_action": [own_draft.pk, other_draft.pk]},
        follow=True,
    )
    assert "Đã đăng 1 bài." in response.text
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.PUBLISHED
    other_draft.refresh_from_db()
    assert other_draft.status == Article.Status.DRAFT

    response = client.post(
        ARTICLES,
        {"action": "unpublish", "_selected_action": [other_published.pk]},
        follow=True,
    )
    assert "Đã chuyển 1 bài về bản nháp." not in response.text
    other_published.refresh_from_db()
    assert other_published.status == Article.Status.PUBLISHED
    assert other_published.published_at == published_at


def menu_order_post(*categories_and_orders):
    data = {
        "form-TOTAL_FORMS": str(len(categories_and_orders)),
        "form-INITIAL_FORMS": str(len(categories_and_orders)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Lưu lại",
    }
    for i, (category, order) in enumerate(categories_and_orders):
        data[f"form-{i}-id"] = str(category.pk)
        data[f"form-{i}-menu_order"] = str(order)
    return data


def test_category_manager_reorders_own_wards_menu_in_the_list(
    client, category_manager, own_category
):
    """The crafted request below is the real one, aimed at another ward."""
    client.force_login(category_manager)
    response = client.post(CATEGORIES, menu_order_post((own_category, 3)))
    assert response.status_code == 302
    own_category.refresh_from_db()
    assert own_category.menu_order == 3


def test_category_list_editable_cannot_reorder_another_wards_menu(
    client, category_manager, second_ward, other_ward_category
):
    orders_before = dict(second_ward.categories.values_list("pk", "menu_order"))
    client.force_login(category_manager)
    response = client.post(CATEGORIES, menu_order_post((other_ward_category, 1)))
    # Django refuses a list_editable row outside the list as adding.
    assert response.status_code == 400
    assert dict(second_ward.categories.values_list("pk", "menu_order")) == (
        orders_before
    )
    assert Category.objects.filter(ward=second_ward).count() == len(orders_before)


def test_category_list_editable_mixed_with_another_wards_rows_changes_no_menu(
    client, category_manager, own_category, second_ward, other_ward_category
):
    orders_before = dict(second_ward.categories.values_list("pk", "menu_order"))
    client.force_login(category_manager)
    response = client.post(
        CATEGORIES, menu_order_post((own_category, 7), (other_ward_category, 1))
    )
    assert response.status_code == 400
    assert dict(second_ward.categories.values_list("pk", "menu_order")) == (
        orders_before
    )
    other_ward_category.refresh_from_db()
    assert other_ward_category.menu_order == 50


def test_category_manager_cannot_add_a_category_to_another_ward(
    client, category_manager, ward, second_ward
):
    client.force_login(category_manager)
    response = client.post(
        f"{CATEGORIES}add/",
        {
            "ward": second_ward.pk,
            "name": "Hỏi đáp pháp luật",
            "slug": "hoi-dap-phap-luat",
            "menu_order": 5,
        },
    )
    assert response.status_code == 302
    assert Category.objects.get(slug="hoi-dap-phap-luat").ward == ward
    assert not second_ward.categories.filter(slug="hoi-dap-phap-luat").exists()


def test_category_manager_cannot_change_another_wards_category(
    client, category_manager, other_ward_category
):
    client.force_login(category_manager)
    response = client.post(
        f"{CATEGORIES}{other_ward_category.pk}/change/",
        {"name": "Đã bị đổi tên", "slug": "doi-ten", "menu_order": 1},
    )
    assert response.status_code == 302
    other_ward_category.refresh_from_db()
    assert other_ward_category.name == "Chuyên mục riêng Bồ Đề"
    assert other_ward_category.slug == "rieng-bo-de"
    assert other_ward_category.menu_order == 50


# 3. The city's superuser works in every ward.


def test_superuser_sees_both_wards_articles_with_a_ward_filter_and_column(
    client, editor, own_article, other_ward_article, second_ward
):
    client.force_login(editor)
    response = client.get(ARTICLES)
    assert titles_listed(response) == {"Tin riêng của Phúc Lợi", "Tin riêng của Bồ Đề"}
    assert "ward" in response.context["cl"].list_display
    assert 'data-filter-title="phường"' in response.text
    assert "column-ward" in response.text
    filtered = client.get(ARTICLES, {"ward__id__exact": second_ward.pk})
    assert titles_listed(filtered) == {"Tin riêng của Bồ Đề"}


def test_superuser_adding_an_article_first_chooses_the_ward(
    client, editor, ward, second_ward
):
    client.force_login(editor)
    response = client.get(ADD_URL)
    assert response.status_code == 200
    assert "chọn phường" in response.text
    assert f'href="{ADD_URL}?ward={ward.pk}"' in response.text
    assert f'href="{ADD_URL}?ward={second_ward.pk}"' in response.text
    assert 'name="title"' not in response.text


def test_superuser_add_form_for_a_ward_offers_only_its_categories(
    client, editor, second_ward, own_category, other_ward_category
):
    client.force_login(editor)
    response = client.get(ADD_URL, {"ward": second_ward.pk})
    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["category"].queryset
    assert other_ward_category in choices
    assert {category.ward_id for category in choices} == {second_ward.pk}
    assert "Chuyên mục riêng Bồ Đề" in response.text
    assert "Chuyên mục riêng Phúc Lợi" not in response.text
    # The editor's pictures go to the chosen ward too.
    assert f"/ckeditor/upload/?ward={second_ward.pk}" in response.text


def test_superuser_saves_an_article_into_the_chosen_ward(
    client, editor, second_ward, other_ward_category, reader, second_reader
):
    client.force_login(editor)
    response = client.post(
        f"{ADD_URL}?ward={second_ward.pk}", article_form(other_ward_category)
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.ward == second_ward
    assert second_reader.get(article.get_absolute_url()).status_code == 200
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_superuser_cannot_post_another_wards_category_into_the_chosen_ward(
    client, editor, second_ward, own_category
):
    client.force_login(editor)
    response = client.post(
        f"{ADD_URL}?ward={second_ward.pk}", article_form(own_category)
    )
    assert response.status_code == 200
    assert INVALID_CHOICE in response.text
    assert not Article.objects.exists()


# 4. Staff of several wards, and of none.


def test_staff_of_two_wards_choose_the_ward_before_adding(
    client, two_ward_staff, ward, second_ward, other_ward_category
):
    client.force_login(two_ward_staff)
    response = client.get(ADD_URL)
    assert "chọn phường" in response.text
    assert f'href="{ADD_URL}?ward={ward.pk}"' in response.text
    assert f'href="{ADD_URL}?ward={second_ward.pk}"' in response.text

    response = client.post(
        f"{ADD_URL}?ward={second_ward.pk}", article_form(other_ward_category)
    )
    assert response.status_code == 302
    assert Article.objects.get().ward == second_ward


def test_staff_of_two_wards_see_both_with_a_ward_filter(
    client, two_ward_staff, own_article, other_ward_article
):
    client.force_login(two_ward_staff)
    response = client.get(ARTICLES)
    assert titles_listed(response) == {"Tin riêng của Phúc Lợi", "Tin riêng của Bồ Đề"}
    assert 'data-filter-title="phường"' in response.text


def test_staff_of_two_wards_cannot_choose_a_third_ward(client, two_ward_staff, ward):
    third = Ward.objects.update_or_create_for_host("chiem.localhost", "Phường Chiềm")[0]
    third_category = third.categories.get(slug="thong-bao")
    client.force_login(two_ward_staff)
    response = client.get(ADD_URL, {"ward": third.pk})
    assert "chọn phường" in response.text
    assert 'name="title"' not in response.text
    client.post(f"{ADD_URL}?ward={third.pk}", article_form(third_category))
    assert not Article.objects.exists()


def test_staff_without_a_ward_get_a_vietnamese_error_and_nothing_to_add(
    client, wardless_staff, category, own_article
):
    client.force_login(wardless_staff)
    response = client.get(ADD_URL, follow=True)
    assert response.redirect_chain == [(ARTICLES, 302)]
    assert NO_WARD in response.text
    assert 'name="title"' not in response.text
    assert titles_listed(response) == set()

    response = client.post(ADD_URL, article_form(category), follow=True)
    assert NO_WARD in response.text
    assert Article.objects.count() == 1  # own_article only


# 5. The ward's own details.


def ward_details(ward, **fields):
    data = {
        "name": ward.name,
        "address": ward.address,
        "phone": ward.phone,
        "email": ward.email,
        "responsible_person": ward.responsible_person,
        "introduction": ward.introduction,
        "_save": "Lưu lại",
        # The footer's links (an inline): none added, those there kept.
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_ward_staff_edit_their_wards_contacts_and_readers_see_them(
    client, ward_keeper, ward, reader
):
    client.force_login(ward_keeper)
    url = f"{WARDS}{ward.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        ward_details(
            ward, address="Số 1 phố Phúc Lợi, Long Biên", phone="024 3875 1234"
        ),
    )
    assert response.status_code == 302
    ward.refresh_from_db()
    assert ward.phone == "024 3875 1234"
    assert ward.address == "Số 1 phố Phúc Lợi, Long Biên"
    home = reader.get("/")
    assert "Điện thoại: <a" in home.text
    assert "024 3875 1234" in home.text
    assert "Số 1 phố Phúc Lợi, Long Biên" in home.text


def test_ward_staff_see_only_their_ward_in_the_ward_list(
    client, ward_keeper, ward, second_ward
):
    client.force_login(ward_keeper)
    response = client.get(WARDS)
    assert list(response.context["cl"].result_list) == [ward]
    assert "Phường Bồ Đề" not in response.text


def test_ward_staff_cannot_open_or_change_another_ward(
    client, ward_keeper, second_ward
):
    client.force_login(ward_keeper)
    url = f"{WARDS}{second_ward.pk}/change/"
    response = client.get(url, follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Có thể mục này đã bị xóa" in response.text
    assert "Phường Bồ Đề" not in response.text

    client.post(url, ward_details(second_ward, phone="0999 999 999"))
    second_ward.refresh_from_db()
    assert second_ward.phone == ""


def test_ward_staff_cannot_add_wards(client, second_ward):
    keeper = make_staff("canbobode", second_ward)
    keeper = grant(
        keeper,
        "wards.view_ward",
        "wards.change_ward",
        "wards.add_ward",
        "wards.delete_ward",
    )
    client.force_login(keeper)
    assert client.get(f"{WARDS}add/").status_code == 403
    response = client.post(f"{WARDS}add/", {"name": "Phường Mới", "slug": ""})
    assert response.status_code == 403
    assert not Ward.objects.filter(name="Phường Mới").exists()


def test_ward_staff_cannot_delete_their_ward(client, second_ward):
    keeper = make_staff("canbobode", second_ward)
    keeper = grant(keeper, "wards.view_ward", "wards.change_ward", "wards.delete_ward")
    client.force_login(keeper)
    url = f"{WARDS}{second_ward.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Ward.objects.filter(pk=second_ward.pk).exists()
    response = client.post(
        WARDS,
        {
            "action": "delete_selected",
            "_selected_action": [second_ward.pk],
            "post": "yes",
        },
    )
    # No delete action is offered; the list is simply shown again.
    assert response.status_code == 200
    assert 'value="delete_selected"' not in response.text
    assert Ward.objects.filter(pk=second_ward.pk).exists()


@pytest.mark.parametrize("with_host_permissions", [False, True])
def test_ward_staff_cannot_change_host_names_or_membership(
    client, ward_keeper, ward, second_writer, with_host_permissions
):
    if with_host_permissions:
        # Even granted by mistake, host names stay the city's to set.
        ward_keeper = grant(
            ward_keeper,
            *(
                f"wards.{action}_{model}"
                for action in ("view", "add", "change", "delete")
                for model in ("wardhost", "membership")
            ),
        )
    client.force_login(ward_keeper)
    url = f"{WARDS}{ward.pk}/change/"
    page = client.get(url)
    # The footer's links only.
    assert [f.formset.prefix for f in page.context["inline_admin_formsets"]] == [
        "links"
    ]
    assert "hosts-TOTAL_FORMS" not in page.text
    assert "memberships-TOTAL_FORMS" not in page.text
    members_before = set(ward.memberships.values_list("user_id", flat=True))

    crafted = ward_details(
        ward,
        phone="024 1111 2222",
        slug="thu-muc-khac",
        is_default="",
        **{
            "hosts-TOTAL_FORMS": "1",
            "hosts-INITIAL_FORMS": "0",
            "hosts-MIN_NUM_FORMS": "0",
            "hosts-MAX_NUM_FORMS": "1000",
            "hosts-0-host": "gia-mao.localhost",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": second_writer.pk,
        },
    )
    response = client.post(url, crafted)
    assert response.status_code == 302
    ward.refresh_from_db()
    assert ward.phone == "024 1111 2222"  # The allowed change went through.
    assert ward.slug == "phuc-loi"
    assert ward.is_default
    assert not WardHost.objects.filter(host="gia-mao.localhost").exists()
    assert set(ward.memberships.values_list("user_id", flat=True)) == members_before


def test_superusers_see_host_and_membership_inlines(client, editor, second_ward):
    client.force_login(editor)
    response = client.get(f"{WARDS}{second_ward.pk}/change/")
    assert response.status_code == 200
    assert "hosts-TOTAL_FORMS" in response.text
    assert "memberships-TOTAL_FORMS" in response.text
    assert 'value="bode.localhost"' in response.text
    assert 'name="is_default"' in response.text


def test_superusers_give_a_ward_a_host_and_readers_there_get_it(
    client, editor, second_ward, other_ward_article
):
    client.force_login(editor)
    url = f"{WARDS}{second_ward.pk}/change/"
    host = second_ward.hosts.get()
    data = ward_details(
        second_ward,
        slug=second_ward.slug,
        **{
            "hosts-TOTAL_FORMS": "2",
            "hosts-INITIAL_FORMS": "1",
            "hosts-MIN_NUM_FORMS": "0",
            "hosts-MAX_NUM_FORMS": "1000",
            "hosts-0-id": host.pk,
            "hosts-0-ward": second_ward.pk,
            "hosts-0-host": host.host,
            "hosts-1-ward": second_ward.pk,
            "hosts-1-host": "BoDe2.localhost",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert set(second_ward.hosts.values_list("host", flat=True)) == {
        "bode.localhost",
        "bode2.localhost",
    }
    there = Client(HTTP_HOST="bode2.localhost").get("/")
    assert "Cổng thông tin điện tử Phường Bồ Đề" in there.text
    assert "Tin riêng của Bồ Đề" in there.text


def test_superusers_see_the_ward_membership_on_the_user_page(
    client, editor, second_writer
):
    client.force_login(editor)
    response = client.get(f"/admin/wards/staff/{second_writer.pk}/change/")
    assert response.status_code == 200
    assert "ward_memberships-TOTAL_FORMS" in response.text
    assert "phường làm việc" in response.text.lower()


# 6. The editor's pictures.


class TestEditorPicturesPerWard:
    @pytest.fixture
    def client(self, client):
        client.cookies["ckCsrfToken"] = TOKEN
        return client

    @staticmethod
    def upload(client, ward_pk, name="anh.png"):
        image = SimpleUploadedFile(name, png_bytes(), "image/png")
        return client.post(
            f"{UPLOAD}?ward={ward_pk}&responseType=json",
            {"ckCsrfToken": TOKEN, "upload": image},
        )

    def test_writer_uploads_into_own_wards_folder(
        self, client, writer, ward, media_root
    ):
        client.force_login(writer)
        data = self.upload(client, ward.pk, "anh-hoi-nghi.png").json()
        assert data["uploaded"] == "1"
        assert data["url"].startswith(f"/media/uploads/{ward.slug}/")
        assert (media_root / data["url"].removeprefix("/media/")).is_file()

    def test_writer_cannot_upload_into_another_ward(
        self, client, writer, second_ward, media_root
    ):
        client.force_login(writer)
        response = self.upload(client, second_ward.pk)
        assert response.json() == {"uploaded": 0, "error": {"message": WARD_PROBLEM}}
        assert not (media_root / "uploads").exists()

    @pytest.mark.parametrize("query", ["", "?responseType=json", "?ward=&x=1"])
    def test_an_upload_naming_no_ward_is_refused(
        self, client, writer, media_root, query
    ):
        client.force_login(writer)
        image = SimpleUploadedFile("anh.png", png_bytes(), "image/png")
        response = client.post(
            f"{UPLOAD}{query}", {"ckCsrfToken": TOKEN, "upload": image}
        )
        assert response.json() == {"uploaded": 0, "error": {"message": WARD_PROBLEM}}
        assert not (media_root / "uploads").exists()

    # "²" is a digit to str.isdigit(), but no number to int().
    @pytest.mark.parametrize(
        "ward_param", ["abc", "1.0", "-1", "\u00b2", "99999", "9" * 25]
    )
    def test_an_upload_naming_a_malformed_ward_is_refused(
        self, client, writer, media_root, ward_param
    ):
        client.force_login(writer)
        response = self.upload(client, ward_param)
        assert response.status_code == 200
        assert response.json() == {"uploaded": 0, "error": {"message": WARD_PROBLEM}}
        assert not (media_root / "uploads").exists()

    def test_superuser_uploads_into_any_ward(
        self, client, editor, second_ward, media_root
    ):
        client.force_login(editor)
        data = self.upload(client, second_ward.pk).json()
        assert data["url"].startswith(f"/media/uploads/{second_ward.slug}/")
        assert (media_root / data["url"].removeprefix("/media/")).is_file()

    def test_the_image_browser_lists_own_wards_pictures_only(
        self, client, writer, second_writer, ward, second_ward
    ):
        client.force_login(second_writer)
        assert self.upload(client, second_ward.pk, "anh-bo-de.png").json()["uploaded"]
        client.force_login(writer)
        assert self.upload(client, ward.pk, "anh-phuc-loi.png").json()["uploaded"]

        response = client.get(BROWSE, {"ward": ward.pk})
        assert response.status_code == 200
        names = {picture["name"] for picture in response.context["files"]}
        assert names == {"anh-phuc-loi.png"}
        assert "anh-phuc-loi.png" in response.text
        assert "anh-bo-de" not in response.text
        assert f"/uploads/{second_ward.slug}/" not in response.text

        client.force_login(second_writer)
        response = client.get(BROWSE, {"ward": second_ward.pk})
        names = {picture["name"] for picture in response.context["files"]}
        assert names == {"anh-bo-de.png"}

    def test_pictures_from_before_wards_are_the_default_wards_only(
        self, client, writer, second_writer, ward, second_ward, media_root
    ):
        old = media_root / "uploads" / "2021" / "05" / "03"
        old.mkdir(parents=True)
        (old / "anh-cu.png").write_bytes(png_bytes())

        client.force_login(writer)
        response = client.get(BROWSE, {"ward": ward.pk})
        assert "anh-cu.png" in {p["name"] for p in response.context["files"]}

        client.force_login(second_writer)
        response = client.get(BROWSE, {"ward": second_ward.pk})
        assert response.status_code == 200
        assert "anh-cu.png" not in response.text

    @pytest.mark.parametrize("query", ["other", "none", "garbage", "superscript"])
    def test_the_image_browser_of_another_ward_is_forbidden(
        self, client, writer, second_ward, media_root, query
    ):
        folder = media_root / "uploads" / second_ward.slug / "2026" / "01" / "01"
        folder.mkdir(parents=True)
        (folder / "anh-bo-de.png").write_bytes(png_bytes())
        params = {
            "other": {"ward": second_ward.pk},
            "none": {},
            "garbage": {"ward": "abc"},
            # A digit to str.isdigit(), not to int(): "²".
            "superscript": {"ward": "\u00b2"},
        }[query]
        client.force_login(writer)
        response = client.get(BROWSE, params)
        assert response.status_code == 403
        assert WARD_PROBLEM in response.text
        assert "anh-bo-de" not in response.text

    def test_featured_images_land_in_the_wards_folder(
        self,
        client,
        writer,
        editor,
        ward,
        second_ward,
        own_category,
        other_ward_category,
        media_root,
    ):
        client.force_login(writer)
        image = SimpleUploadedFile("anh-dai-dien.png", png_bytes(), "image/png")
        client.post(
            ADD_URL,
            article_form(
                own_category,
                title="Tin A",
                featured_image=image,
                featured_image_alt="Ảnh hội nghị",
            ),
        )
        own = Article.objects.get(title="Tin A")
        assert own.featured_image.name.startswith(f"articles/{ward.slug}/")
        assert (media_root / own.featured_image.name).is_file()

        client.force_login(editor)
        image = SimpleUploadedFile("anh-dai-dien.png", png_bytes(), "image/png")
        client.post(
            f"{ADD_URL}?ward={second_ward.pk}",
            article_form(
                other_ward_category,
                title="Tin B",
                featured_image=image,
                featured_image_alt="Ảnh hội nghị",
            ),
        )
        other = Article.objects.get(title="Tin B")
        assert other.featured_image.name.startswith(f"articles/{second_ward.slug}/")
        assert (media_root / other.featured_image.name).is_file()


# 7. Who an article is credited to.


def test_the_author_choices_are_the_wards_people(
    client, writer, editor, second_writer, own_category
):
    colleague = make_staff("phongvien2", own_category.ward)
    client.force_login(writer)
    response = client.get(ADD_URL)
    choices = set(response.context["adminform"].form.fields["author"].queryset)
    assert {writer, colleague, editor} <= choices
    assert second_writer not in choices
    assert f">{colleague.username}</option>" in response.text
    assert "phongvienbode" not in response.text


def test_writer_cannot_credit_another_wards_writer(
    client, writer, second_writer, own_category
):
    client.force_login(writer)
    response = client.post(ADD_URL, article_form(own_category, author=second_writer.pk))
    assert response.status_code == 200
    assert INVALID_CHOICE in response.text
    assert not Article.objects.exists()


def test_the_author_choices_of_another_wards_form_are_that_wards_people(
    client, editor, writer, second_writer, second_ward
):
    client.force_login(editor)
    response = client.get(ADD_URL, {"ward": second_ward.pk})
    choices = set(response.context["adminform"].form.fields["author"].queryset)
    assert second_writer in choices
    assert writer not in choices


def test_publishing_another_wards_draft_by_id_publishes_nothing(
    client, writer, make_article, other_ward_category
):
    """The publish action, aimed only at another ward's article, publishes
    nothing there, and its readers still do not see it."""
    draft = make_article(
        category=other_ward_category,
        status=Article.Status.DRAFT,
        published_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(writer)
    response = client.post(
        ARTICLES, {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert not Article.objects.published(other_ward_category.ward).exists()


# 8. What an intruder review found.


def superuser_ward_form(ward, **fields):
    """The superuser's ward form with empty host and staff inlines."""
    inlines = {
        f"{prefix}-{key}": value
        for prefix in ("hosts", "memberships")
        for key, value in [
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        ]
    }
    data = ward_details(ward, slug=ward.slug, **inlines)
    if ward.is_default:
        data["is_default"] = "on"
    data.update(fields)
    return data


def view_on_site_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


def test_view_on_site_does_not_reveal_another_wards_draft(
    client, writer, make_article, other_ward_category
):
    draft = make_article(
        category=other_ward_category, title="Bí mật chưa đăng", status="draft"
    )
    client.force_login(writer)
    response = client.get(view_on_site_url(draft))
    assert response.status_code == 404
    assert "bi-mat-chua-dang" not in response.get("Location", "")


def test_view_on_site_takes_staff_to_their_article_on_its_wards_host(
    client, writer, editor, own_article, other_ward_article
):
    client.force_login(writer)
    response = client.get(view_on_site_url(own_article))
    assert response["Location"] == own_article.get_absolute_url()
    client.force_login(editor)
    response = client.get(view_on_site_url(other_ward_article))
    assert response["Location"] == (
        f"http://bode.localhost{other_ward_article.get_absolute_url()}"
    )


def test_save_as_new_is_refused(
    client, two_ward_staff, own_article, other_ward_category
):
    client.force_login(two_ward_staff)
    response = client.post(
        f"/admin/articles/article/{own_article.pk}/change/",
        article_form(other_ward_category, _saveasnew="1"),
    )
    assert response.status_code == 403
    assert Article.objects.count() == 1


def test_staff_of_two_wards_cannot_add_without_choosing_a_ward(
    client, two_ward_staff, other_ward_category
):
    client.force_login(two_ward_staff)
    response = client.post(ADD_URL, article_form(other_ward_category))
    assert "chọn phường" in response.text
    assert not Article.objects.exists()


@pytest.mark.parametrize("slug", ["2025", "Bo-De-Moi"])
def test_a_ward_folder_is_never_a_date_folder_or_upper_case(client, editor, slug):
    client.force_login(editor)
    response = client.post(
        f"{WARDS}add/",
        superuser_ward_form(Ward(name="Phường Mới"), slug=slug),
    )
    assert response.status_code == 200
    assert "Tên thư mục chỉ gồm chữ thường" in response.text
    assert not Ward.objects.filter(name="Phường Mới").exists()


def test_superusers_move_the_default_to_another_ward(client, editor, ward, second_ward):
    client.force_login(editor)
    response = client.post(
        f"{WARDS}{second_ward.pk}/change/",
        superuser_ward_form(second_ward, is_default="on"),
    )
    assert response.status_code == 302
    assert list(Ward.objects.filter(is_default=True)) == [second_ward]
    assert Client().get("/").context["ward"] == second_ward


def test_the_default_ward_cannot_just_be_unticked(client, editor, ward, second_ward):
    client.force_login(editor)
    data = superuser_ward_form(ward)
    del data["is_default"]
    response = client.post(f"{WARDS}{ward.pk}/change/", data)
    assert "Luôn cần một phường mặc định" in response.text
    ward.refresh_from_db()
    assert ward.is_default


@pytest.mark.parametrize(
    "name", ["PHƯỜNG BỒ ĐỀ", "Phường Bồ\u00a0Đề", "Phường  Bồ Đề\u200b"]
)
def test_a_ward_cannot_take_a_name_that_looks_like_anothers(
    client, ward_keeper, ward, second_ward, name
):
    client.force_login(ward_keeper)
    response = client.post(f"{WARDS}{ward.pk}/change/", ward_details(ward, name=name))
    assert response.status_code == 200
    assert "Đã có phường mang tên này." in response.text
    ward.refresh_from_db()
    assert ward.name == "Phường Phúc Lợi"


class TestEditorUploadLimits:
    @pytest.fixture
    def client(self, client, writer):
        client.cookies["ckCsrfToken"] = TOKEN
        client.force_login(writer)
        return client

    def test_a_long_file_name_is_shortened(self, client, ward, media_root):
        image = SimpleUploadedFile("b" * 250 + ".png", png_bytes(), "image/png")
        response = client.post(
            f"{UPLOAD}?ward={ward.pk}&responseType=json",
            {"ckCsrfToken": TOKEN, "upload": image},
        )
        data = response.json()
        assert data["uploaded"] == "1"
        saved = media_root / data["url"].removeprefix("/media/")
        assert saved.is_file()
        assert re.fullmatch("b{80}-[0-9a-f]{10}[.]png", saved.name), saved.name
        assert saved.with_name(saved.stem + "_thumb.png").is_file()

    def test_a_small_file_of_a_huge_picture_is_refused(self, client, ward, media_root):
        buffer = io.BytesIO()
        Image.new("L", (8000, 6000)).save(buffer, format="PNG")
        image = SimpleUploadedFile("anh-lon.png", buffer.getvalue(), "image/png")
        response = client.post(
            f"{UPLOAD}?ward={ward.pk}&responseType=json",
            {"ckCsrfToken": TOKEN, "upload": image},
        )
        message = response.json()["error"]["message"]
        assert message.startswith("Ảnh quá lớn: 8000×6000 điểm ảnh.")
        assert not (media_root / "uploads").exists()

    def test_the_image_browsers_refusal_reads_as_vietnamese(self, client, second_ward):
        response = client.get(f"{BROWSE}?ward={second_ward.pk}")
        assert response.status_code == 403
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode("utf-8") == WARD_PROBLEM


def test_ward_staff_give_their_ward_a_logo_readers_see(
    client, ward_keeper, ward, second_ward, media_root, reader, second_reader
):
    client.force_login(ward_keeper)
    logo = SimpleUploadedFile("logo-phuong.png", png_bytes(), "image/png")
    response = client.post(f"{WARDS}{ward.pk}/change/", ward_details(ward, logo=logo))
    assert response.status_code == 302
    ward.refresh_from_db()
    assert re.fullmatch(
        f"wards/{ward.slug}/logo-phuong-[0-9a-f]{{10}}[.]png", ward.logo.name
    )
    assert (media_root / ward.logo.name).is_file()
    assert f'src="/media/{ward.logo.name}"' in reader.get("/").text
    assert "logo-phuong" not in second_reader.get("/").text


# 9. What the walkthrough as staff found.


def test_the_ward_column_stands_next_to_the_title(client, two_ward_staff, own_article):
    client.force_login(two_ward_staff)
    response = client.get(ARTICLES)
    assert response.context["cl"].list_display[1:3] == ["title", "ward"]


def test_the_chooser_offers_the_ward_of_this_site_first(
    client, two_ward_staff, ward, second_ward
):
    client.force_login(two_ward_staff)
    for host, first in [("testserver", ward), ("bode.localhost", second_ward)]:
        response = client.get(ADD_URL, HTTP_HOST=host)
        assert response.context["wards"][0] == first


def test_ward_staff_are_not_shown_the_default_ward_column(client, ward_keeper, editor):
    client.force_login(ward_keeper)
    assert "Phường mặc định" not in client.get(WARDS).text
    client.force_login(editor)
    assert "Phường mặc định" in client.get(WARDS).text


# 10. What the second intruder review found.


def jpeg_bytes(**options):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 60)).save(buffer, format="JPEG", **options)
    return buffer.getvalue()


class TestPictureRules:
    @pytest.fixture
    def client(self, client, writer):
        client.cookies["ckCsrfToken"] = TOKEN
        client.force_login(writer)
        return client

    def upload(self, client, ward, name, content, kind="image/png"):
        image = SimpleUploadedFile(name, content, kind)
        return client.post(
            f"{UPLOAD}?ward={ward.pk}&responseType=json",
            {"ckCsrfToken": TOKEN, "upload": image},
        ).json()

    def test_a_jpeg_of_too_many_scans_is_refused_before_decoding(
        self, client, ward, media_root
    ):
        # Each FF DA would be one more full decode of a progressive JPEG.
        crafted = jpeg_bytes(comment=b"\xff\xda" * 150)
        data = self.upload(client, ward, "anh.jpg", crafted, "image/jpeg")
        assert "quá nhiều lớp quét" in data["error"]["message"]
        assert not (media_root / "uploads").exists()
        camera = jpeg_bytes(progressive=True)
        data = self.upload(client, ward, "anh.jpg", camera, "image/jpeg")
        assert data["uploaded"] == "1"

    @pytest.mark.parametrize(
        ("name", "saved"),
        [
            ("Đảng ủy.png", "dang-uy"),
            ("....png", "anh"),
            ("Ảnh.PNG", "anh"),
        ],
    )
    def test_file_names_are_vietnamese_slugs(self, client, ward, name, saved):
        """With a random part (pictures.stored_name): never at a guessable
        address."""
        data = self.upload(client, ward, name, png_bytes())
        assert re.search(f"/{saved}-[0-9a-f]{{10}}[.]png$", data["url"]), data["url"]

    def test_a_decompression_bomb_is_called_too_large(self, client, ward, monkeypatch):
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Bomb past 200.
        data = self.upload(client, ward, "anh.png", png_bytes(size=(64, 48)))
        assert data["error"]["message"].startswith("Ảnh quá lớn")


def test_a_logo_must_be_a_picture_readers_can_see(client, ward_keeper, ward):
    client.force_login(ward_keeper)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="EPS")
    logo = SimpleUploadedFile("logo.eps", buffer.getvalue(), "application/postscript")
    response = client.post(f"{WARDS}{ward.pk}/change/", ward_details(ward, logo=logo))
    assert response.status_code == 200
    assert "Không nhận tệp có đuôi “eps”" in response.text
    ward.refresh_from_db()
    assert not ward.logo


def test_a_featured_image_gets_the_editors_checks(client, writer, own_category):
    buffer = io.BytesIO()
    Image.new("L", (8000, 6000)).save(buffer, format="PNG")
    picture = SimpleUploadedFile("lon.png", buffer.getvalue(), "image/png")
    client.force_login(writer)
    response = client.post(ADD_URL, article_form(own_category, featured_image=picture))
    assert "Ảnh quá lớn: 8000×6000 điểm ảnh." in response.text
    assert not Article.objects.exists()


def test_pictures_from_before_wards_stay_with_the_first_ward(
    client, editor, ward, second_ward, media_root
):
    old = media_root / "uploads" / "2024" / "05" / "01" / "bien-ban.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(png_bytes())
    second_ward.is_default = True
    second_ward.save()
    client.force_login(editor)
    assert "bien-ban.png" in client.get(f"{BROWSE}?ward={ward.pk}").text
    assert "bien-ban.png" not in client.get(f"{BROWSE}?ward={second_ward.pk}").text


@pytest.mark.parametrize(
    "name",
    [
        "Phường Bồ Đề\u180e",
        "Phường\u2800Bồ Đề",
        "Phường Bồ Đề\u034f",
        "Phường Bồ Đề\ufe0f",
        "Ｐhường Bồ Đề",
        "\u202ePhường Bồ Đề",
    ],
)
def test_invisible_and_compatibility_characters_do_not_make_a_new_name(
    client, ward_keeper, ward, second_ward, name
):
    client.force_login(ward_keeper)
    response = client.post(f"{WARDS}{ward.pk}/change/", ward_details(ward, name=name))
    assert "Đã có phường mang tên này." in response.text
    ward.refresh_from_db()
    assert ward.name == "Phường Phúc Lợi"


def test_view_on_site_of_a_removed_model_is_not_found(client, editor):
    gone = ContentType.objects.create(app_label="cu", model="khongcon")
    client.force_login(editor)
    assert client.get(f"/admin/r/{gone.pk}/1/").status_code == 404


def test_the_ward_chooser_keeps_a_popup_a_popup(client, editor, second_ward):
    client.force_login(editor)
    response = client.get(f"{CATEGORIES}add/?_to_field=id&_popup=1")
    assert (
        f'href="{CATEGORIES}add/?ward={second_ward.pk}&amp;_to_field=id&amp;_popup=1"'
        in response.text
    )


def test_a_person_may_be_given_the_permissions_of_every_portal_app_and_no_other(
    client, editor, writer
):
    """Each of the portal's apps (a new one included) offers its
    permissions on a person's page; the thumbnail cache's and the sessions'
    bookkeeping do not."""
    client.force_login(editor)
    response = client.get(f"/admin/wards/staff/{writer.pk}/change/")
    field = response.context["adminform"].form.fields["user_permissions"]
    offered = set(field.queryset.values_list("content_type__app_label", flat=True))
    assert {"articles", "wards", "documents", "auth"} <= offered
    assert not offered & {"easy_thumbnails", "sessions", "contenttypes", "admin"}
