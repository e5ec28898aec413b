"""The admin speaks natural Vietnamese: Django's stiff or wrong translations
("Bởi trạng thái", "Bản ghi nhớ", "log entry" as "đăng nhập", "Can add …")
are overridden by our catalogue and our permission names."""

import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Category

ARTICLES = "/admin/articles/article/"
GROUPS = "/admin/auth/group/"


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def assert_reads(page: str, natural: list[str], weak: list[str]) -> None:
    for text in natural:
        assert text in page, f"missing {text!r}"
    for text in weak:
        assert text not in page, f"still says {text!r}"


def test_every_staff_page_names_the_portals_icon(staff_client, make_article):
    """Else the browser asks for /favicon.ico on every admin page: a 404
    each time, and a warning in the log."""
    article = make_article()
    icon = 'rel="icon" href="/static/img/logo.svg"'
    assert icon in Client().get("/admin/login/").text
    for url in (
        "/admin/",
        ARTICLES,
        f"{ARTICLES}{article.pk}/change/",
        f"/ckeditor/browse/?ward={article.ward_id}",
    ):
        assert icon in staff_client.get(url).text, url


def test_article_list_filters_and_actions_read_naturally(staff_client, make_article):
    make_article()
    page = staff_client.get(ARTICLES).text
    assert_reads(
        page,
        ["Theo trạng thái", "Mọi ngày", "7 ngày qua", "Thao tác:", "Thực hiện"],
        ["Bởi ", "Bất kì ngày nào", "7 ngày trước", "Hoạt động:", "Đi đến"],
    )
    # The counter beside the action box, before any row is ticked.
    assert "Đã chọn 0/1" in page
    assert "0 của 1 được chọn" not in page


def test_search_counts_read_naturally(staff_client, make_article):
    make_article(title="Lịch tiếp công dân")
    make_article()
    page = staff_client.get(ARTICLES, {"q": "tiếp công dân"}).text
    assert_reads(page, ["1 kết quả", "trên tổng số 2"], ["tổng số 2)"])


def test_change_form_offers_history_not_a_memo(staff_client, make_article):
    article = make_article()
    page = staff_client.get(f"{ARTICLES}{article.pk}/change/").text
    assert_reads(page, ["Lịch sử", "Sửa bài viết"], ["Bản ghi nhớ", "Thay đổi bài"])


def test_a_category_form_saves_in_plain_words(staff_client, category):
    page = staff_client.get(f"/admin/articles/category/{category.pk}/change/").text
    assert_reads(
        page,
        ["Lưu và tiếp tục sửa", "Lưu và thêm mới", "Lịch sử"],
        ["Lưu và tiếp tục chỉnh sửa", "Bản ghi nhớ"],
    )


def test_a_history_never_written_says_so_plainly(staff_client):
    # Articles have their own revision history; Django's serves the rest.
    group = Group.objects.create(name="Tổ văn thư")
    page = staff_client.get(f"{GROUPS}{group.pk}/history/").text
    assert_reads(
        page,
        ["Lịch sử thay đổi:", "Mục này chưa có lịch sử thay đổi."],
        ["Đối tượng này không có một lịch sử thay đổi"],
    )


def test_saving_and_history_say_what_happened(staff_client):
    response = staff_client.post(
        f"{GROUPS}add/", {"name": "Tổ văn thư", "_continue": "1"}, follow=True
    )
    assert_reads(
        response.text,
        ["Đã thêm nhóm “", "Bạn có thể sửa tiếp ở bên dưới."],
        ["được thêm vào thành công"],
    )
    group = Group.objects.get(name="Tổ văn thư")
    response = staff_client.post(
        f"{GROUPS}{group.pk}/change/", {"name": "Tổ văn phòng"}, follow=True
    )
    assert_reads(response.text, ["Đã cập nhật nhóm “"], ["đã được thay đổi thành công"])

    page = staff_client.get(f"{GROUPS}{group.pk}/history/").text
    assert_reads(
        page,
        ["Thời gian", "Người thực hiện", "Thao tác", "Đã thêm.", "Đã sửa Tên."],
        ["Hành động", "Được thêm.", "Đã thay đổi"],
    )


def test_deleting_a_user_names_log_entries_not_logins(staff_client, editor):
    staff_client.post(f"{GROUPS}add/", {"name": "Tổ văn thư"})
    page = staff_client.get(f"/admin/wards/staff/{editor.pk}/delete/").text
    assert_reads(
        page,
        [
            "Bạn có chắc muốn xóa cán bộ “bientapvien”?",
            "Mục nhật ký: 1",
            "Đã thêm “Tổ văn thư”.",
            "Không, quay lại",
        ],
        ["đăng nhập: 1", "Đăng nhập: 1", "đưa tôi trở lại"],
    )


def test_index_and_header_read_naturally(staff_client):
    page = staff_client.get("/admin/").text
    assert_reads(
        page,
        ["Xin chào,", "Đăng xuất", "Hoạt động gần đây", "Chưa có"],
        ["Chào mừng bạn", "Thoát", "Không có sẵn"],
    )


def test_login_error_names_the_field_in_lower_case(client, editor):
    response = client.post(
        "/admin/login/", {"username": "bientapvien", "password": "sai-mat-khau"}
    )
    assert_reads(
        response.text,
        ["Vui lòng nhập đúng tên đăng nhập và mật khẩu"],
        ["Bạn hãy nhập đúng"],
    )


def test_user_page_shows_permissions_in_vietnamese(staff_client, editor):
    page = staff_client.get(f"/admin/wards/staff/{editor.pk}/change/").text
    assert_reads(
        page,
        [
            "Tin bài | bài viết | Có thể thêm bài viết",
            "Tin bài | chuyên mục | Có thể xóa chuyên mục",
            "Tài khoản và phân quyền | người dùng | Có thể sửa người dùng",
            "Phường | phường | Có thể sửa phường",
            "Nâng cao",
            "Toàn quyền",
        ],
        ["Can add", "Can change", "Can delete", "Can view", "| log entry |"],
    )


def test_js_catalogue_counts_selected_rows_naturally(staff_client):
    page = staff_client.get("/admin/jsi18n/").text

    def says(text):
        return json.dumps(text) in page

    assert says("Đã chọn %(sel)s/%(cnt)s")
    assert says("Các %s có thể chọn")
    assert says("Tháng 1")
    assert not says(" %(sel)s  của %(cnt)s được chọn")
    assert not says("Có sẵn %s")


# Permission names, as migrate leaves them.

BUILTIN = ("Có thể thêm ", "Có thể sửa ", "Có thể xóa ", "Có thể xem ")


def test_no_permission_is_named_in_english(db):
    assert not Permission.objects.filter(name__startswith="Can ").exists()
    assert Permission.objects.get(codename="add_article").name == "Có thể thêm bài viết"
    assert Permission.objects.get(codename="view_logentry").name == (
        "Có thể xem mục nhật ký"
    )
    assert Permission.objects.get(codename="delete_user").name == (
        "Có thể xóa người dùng"
    )
    # Those a model declares itself keep the names it gives them.
    for model in apps.get_models():
        for codename, name in model._meta.permissions:
            stored = Permission.objects.get(
                content_type__app_label=model._meta.app_label, codename=codename
            )
            assert stored.name == name


def rename_all() -> list[str]:
    """Runs migrate's post_migrate handlers; the UPDATEs they sent."""
    with CaptureQueriesContext(connection) as queries:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and "auth_permission" in query["sql"]
    ]


def test_renaming_writes_only_the_names_that_are_wrong(db):
    Permission.objects.filter(codename="add_article").update(name="Can add bài viết")
    assert len(rename_all()) == 1
    assert Permission.objects.get(codename="add_article").name == (
        "Có thể thêm bài viết"
    )
    # Every name right: nothing more to write.
    assert rename_all() == []


def test_a_permission_made_later_is_named_in_vietnamese_too(db):
    # A new model's permissions are made by the next migrate, in English.
    Permission.objects.filter(codename="view_category").delete()
    rename_all()
    permission = Permission.objects.get(codename="view_category")
    assert permission.name == "Có thể xem chuyên mục"
    assert Category._meta.verbose_name in permission.name


def test_every_builtin_permission_of_the_project_names_its_model(db):
    for model in (Article, Category):
        opts = model._meta
        for action in opts.default_permissions:
            name = Permission.objects.get(
                content_type__app_label=opts.app_label,
                codename=f"{action}_{opts.model_name}",
            ).name
            assert name.startswith(BUILTIN)
            assert name.endswith(str(opts.verbose_name))
