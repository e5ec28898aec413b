import io
import json
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category

from .conftest import article_form, png_bytes

ADD_URL = "/admin/articles/article/add/"


def test_anonymous_visitors_are_sent_to_the_vietnamese_login(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert "Đăng nhập" in response.text
    assert "Tên đăng nhập" in response.text


def test_accounts_that_are_not_staff_are_kept_out(client, resident_account):
    client.force_login(resident_account)
    response = client.get(ADD_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_add_form_uses_ckeditor_and_vietnamese_labels(client, ward_editor):
    client.force_login(ward_editor)
    response = client.get(ADD_URL)
    assert response.status_code == 200
    assert 'data-type="ckeditortype"' in response.text
    assert "ckeditor/ckeditor-init.js" in response.text
    assert "/ckeditor/upload/" in response.text
    # Pasted and dropped pictures go through the same checked upload.
    ward = ward_editor.wards.get()
    assert (
        f"&quot;uploadUrl&quot;: &quot;/ckeditor/upload/?ward={ward.pk}"
        "&amp;responseType=json&quot;" in response.text
    )
    for label in ["Chuyên mục", "Tiêu đề", "Sapo", "Nội dung", "Thời gian đăng"]:
        assert f">{label}:</label>" in response.text
    assert "Thêm bài viết" in response.text


def test_staff_write_and_publish_an_article_that_readers_then_see(
    client, ward_editor, category, reader
):
    client.force_login(ward_editor)
    response = client.post(ADD_URL, article_form(category))
    assert response.status_code == 302

    article = Article.objects.get()
    assert article.slug == "hoi-nghi-ban-chap-hanh-dang-bo-phuong"
    assert article.published_at == datetime(
        2022, 1, 24, 10, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert article.author == ward_editor
    page = reader.get(article.get_absolute_url())
    assert 'Ngày đăng 24/01/2022 | 10:15 | <span class="nowrap">Lượt xem: 1</span>' in (
        page.text
    )
    assert "Hội nghị đã thống nhất các nội dung." in page.text


def test_the_change_form_shows_dates_the_vietnamese_way(
    client, ward_editor, make_article
):
    article = make_article(
        published_at=datetime(2022, 1, 24, 10, 15, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    )
    client.force_login(ward_editor)
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert 'value="24/01/2022"' in response.text
    assert 'value="10:15"' in response.text


def test_a_draft_saved_in_the_admin_stays_hidden(client, writer, category, reader):
    client.force_login(writer)
    client.post(ADD_URL, article_form(category, step=None))
    article = Article.objects.get()
    assert reader.get(article.get_absolute_url()).status_code == 404


def test_scripts_typed_into_the_editor_never_reach_readers(
    client, ward_editor, category, reader
):
    client.force_login(ward_editor)
    body = '<p onclick="steal()">Tin<script>alert(1)</script></p>'
    client.post(ADD_URL, article_form(category, body=body))
    article = Article.objects.get()
    assert article.body == "<p>Tin</p>"
    assert "alert(1)" not in reader.get(article.get_absolute_url()).text


def test_form_errors_are_explained_in_vietnamese(client, ward_editor, category):
    client.force_login(ward_editor)
    response = client.post(
        ADD_URL, article_form(category, title="", published_at_0="31/02/2022")
    )
    assert response.status_code == 200
    assert "Vui lòng sửa các lỗi bên dưới." in response.text
    assert "Trường này là bắt buộc." in response.text
    assert "Nhập một ngày hợp lệ." in response.text
    assert not Article.objects.exists()


@pytest.mark.parametrize("day", ["01/01/0001", "31/12/9999"])
def test_a_publish_date_out_of_range_is_a_form_error(
    client, ward_editor, category, day
):
    client.force_login(ward_editor)
    response = client.post(ADD_URL, article_form(category, published_at_0=day))
    assert response.status_code == 200
    assert "Năm đăng phải từ 1900 đến 2100." in response.text
    assert not Article.objects.exists()


def test_a_slug_with_spaces_or_marks_is_explained_in_vietnamese(
    client, writer, category
):
    client.force_login(writer)
    response = client.post(ADD_URL, article_form(category, slug="công tác"))
    assert "Đường dẫn chỉ gồm chữ cái không dấu" in response.text
    assert not Article.objects.exists()


def test_staff_are_told_of_pictures_in_the_text_without_a_description(
    client, ward_editor, category
):
    """A picture dropped or pasted into the editor has none: saving says so,
    and saves all the same."""
    client.force_login(ward_editor)
    folder = f"/media/{category.ward.upload_folder}"
    body = (
        f'<p>Quang cảnh chợ đêm:<img src="{folder}/cho-dem.png" alt=""></p>'
        f'<p><img src="{folder}/le-hoi.png" alt="Lễ hội đường phố"></p>'
        f'<p><img src="{folder}/anh.png"></p>'
    )
    response = client.post(ADD_URL, article_form(category, body=body), follow=True)
    assert Article.objects.get().body.count("<img") == 3
    assert (
        "Có 2 ảnh trong nội dung chưa có mô tả: người không xem được ảnh sẽ không "
        "biết ảnh chụp gì. Hãy bấm đúp vào ảnh, điền “Mô tả ảnh” rồi lưu lại."
    ) in response.text
    described = body.replace('alt=""', 'alt="Chợ đêm"').replace(
        'anh.png">', 'anh.png" alt="Ảnh">'
    )
    form = article_form(category, body=described, title="Bài thứ hai")
    assert "chưa có mô tả" not in client.post(ADD_URL, form, follow=True).text


def test_staff_can_upload_a_featured_image(client, ward_editor, category, media_root):
    client.force_login(ward_editor)
    image = SimpleUploadedFile("anh-hoi-nghi.png", png_bytes(), "image/png")
    client.post(
        ADD_URL,
        article_form(
            category, featured_image=image, featured_image_alt="Quang cảnh hội nghị"
        ),
    )
    article = Article.objects.get()
    assert article.featured_image.name.startswith("articles/")
    assert (media_root / article.featured_image.name).is_file()


def test_a_file_that_is_not_a_picture_is_refused_as_featured_image(
    client, writer, category
):
    client.force_login(writer)
    fake = SimpleUploadedFile("anh.jpg", b"not a picture", "image/jpeg")
    response = client.post(ADD_URL, article_form(category, featured_image=fake))
    assert response.status_code == 200
    assert "Vui lòng sửa các lỗi bên dưới." in response.text
    assert not Article.objects.exists()


def test_a_featured_image_with_a_strange_ending_is_explained(client, writer, category):
    client.force_login(writer)
    image = SimpleUploadedFile("anh.txt", png_bytes(), "image/png")
    response = client.post(ADD_URL, article_form(category, featured_image=image))
    assert "Không nhận tệp có đuôi “txt”." in response.text
    assert not Article.objects.exists()


def test_the_publish_action_publishes_the_selected_drafts_as_news_of_now(
    client, editor, make_article
):
    old_draft = make_article(
        status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=7)
    )
    scheduled_at = timezone.now() + timedelta(days=1)
    scheduled = make_article(status=Article.Status.DRAFT, published_at=scheduled_at)
    published_at = timezone.now() - timedelta(days=30)
    published = make_article(published_at=published_at)
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/",
        {
            "action": "publish",
            "_selected_action": [old_draft.pk, scheduled.pk, published.pk],
        },
        follow=True,
    )
    assert "Đã đăng 2 bài." in response.text
    assert list(Article.objects.published(old_draft.ward)) == [old_draft, published]
    published.refresh_from_db()
    assert published.published_at == published_at
    old_draft.refresh_from_db()
    assert timezone.now() - old_draft.published_at < timedelta(minutes=1)
    scheduled.refresh_from_db()
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.published_at == scheduled_at


def test_a_decomposed_duplicate_category_name_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/category/add/",
        {"name": unicodedata.normalize("NFD", "Công tác Đảng"), "slug": "ctd"},
    )
    assert response.status_code == 200
    assert "Phường đã có chuyên mục với tên này." in response.text
    assert not Category.objects.filter(slug="ctd").exists()


def test_admin_search_finds_decomposed_search_terms(client, editor, make_article):
    make_article(title="Hội nghị tổng kết năm")
    client.force_login(editor)
    response = client.get(
        "/admin/articles/article/",
        {"q": unicodedata.normalize("NFD", "Hội nghị")},
    )
    assert "Hội nghị tổng kết năm" in response.text
    assert "1 bài viết" in response.text


def test_a_writer_denied_an_action_gets_a_vietnamese_page(client, writer, make_article):
    article = make_article()
    client.force_login(writer)
    response = client.get(f"/admin/articles/article/{article.pk}/delete/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.text


def test_the_editor_reorders_the_category_menu(client, editor, reader):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/category/add/",
        {"name": "Hỏi đáp pháp luật", "slug": "hoi-dap-phap-luat", "menu_order": 1},
    )
    assert response.status_code == 302
    menu = reader.get("/").context["menu_categories"]
    assert list(menu)[0] == Category.objects.get(slug="hoi-dap-phap-luat")


class TestEditorImageUpload:
    @pytest.fixture
    def url(self, ward):
        """Where pasted and dropped pictures go, for the default ward."""
        return f"/ckeditor/upload/?ward={ward.pk}&responseType=json"

    @pytest.fixture
    def dialog_url(self, ward):
        """Where the image dialog's upload tab posts."""
        return f"/ckeditor/upload/?ward={ward.pk}&CKEditorFuncNum=3"

    @pytest.fixture
    def client(self, client):
        """CKEditor's double-submit token, as the editor sends it."""
        client.cookies["ckCsrfToken"] = "t" * 40
        return client

    @staticmethod
    def form(**fields):
        return {"ckCsrfToken": "t" * 40, **fields}

    def test_staff_upload_a_picture_into_the_body(
        self, client, writer, media_root, url
    ):
        client.force_login(writer)
        image = SimpleUploadedFile("Ảnh hội nghị.png", png_bytes(), "image/png")
        response = client.post(url, self.form(upload=image))
        data = response.json()
        assert data["uploaded"] == "1"
        assert data["url"].startswith("/media/uploads/")
        saved = media_root / data["url"].removeprefix("/media/")
        assert saved.is_file()
        assert client.get(data["url"]).status_code == 200

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (None, "Chưa chọn tệp ảnh để tải lên."),
            (
                SimpleUploadedFile("virus.jpg", b"MZ not a picture", "image/jpeg"),
                "Tệp không phải ảnh hợp lệ. Chỉ nhận ảnh JPG, PNG, GIF hoặc WebP.",
            ),
        ],
    )
    def test_bad_uploads_get_a_vietnamese_message(
        self, client, writer, upload, message, url
    ):
        client.force_login(writer)
        response = client.post(url, self.form(upload=upload) if upload else self.form())
        assert response.status_code == 200
        assert response.json() == {"uploaded": 0, "error": {"message": message}}

    def test_the_image_dialog_gets_its_error_through_the_callback(
        self, client, writer, dialog_url
    ):
        client.force_login(writer)
        response = client.post(dialog_url, self.form())
        message = json.dumps("Chưa chọn tệp ảnh để tải lên.")
        assert f'CKEDITOR.tools.callFunction(3, "", {message});' in response.text

    @pytest.mark.parametrize("token", ["", "forged-by-another-site"])
    def test_a_post_without_the_editors_token_is_refused(
        self, client, writer, media_root, token, url
    ):
        client.force_login(writer)
        image = SimpleUploadedFile("a.png", png_bytes(), "image/png")
        response = client.post(url, {"upload": image, "ckCsrfToken": token})
        assert response.json()["uploaded"] == 0
        assert "Phiên làm việc không hợp lệ" in response.json()["error"]["message"]
        assert not (media_root / "uploads").exists()

    def test_a_half_downloaded_picture_is_refused(
        self, client, writer, media_root, url
    ):
        buffer = io.BytesIO()
        Image.new("RGB", (400, 300), (10, 120, 60)).save(buffer, format="JPEG")
        truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
        client.force_login(writer)
        image = SimpleUploadedFile("anh-hong.jpg", truncated, "image/jpeg")
        response = client.post(url, self.form(upload=image))
        assert response.json()["uploaded"] == 0
        assert "Tệp không phải ảnh hợp lệ" in response.json()["error"]["message"]
        assert not (media_root / "uploads").exists()

    def test_the_file_name_in_the_dialogs_script_carries_no_markup(
        self, client, writer, dialog_url
    ):
        # Django keeps only the base name (no "/"), so "</script>" cannot come
        # in through it; no "<" at all reaches the page's script either.
        client.force_login(writer)
        image = SimpleUploadedFile("<b>anh.html", png_bytes(), "image/png")
        response = client.post(dialog_url, self.form(upload=image))
        assert "\\u003cb>anh.html" in response.text
        assert response.text.count("<") == 2  # <script> and </script> only

    @pytest.mark.parametrize("name", ["anh.html", "anh.svg", "anh.jpg", "anh"])
    def test_a_picture_under_another_name_is_refused(
        self, client, writer, media_root, name, url
    ):
        """A PNG named .html would be served as a web page on our domain."""
        client.force_login(writer)
        image = SimpleUploadedFile(name, png_bytes(), "image/png")
        response = client.post(url, self.form(upload=image))
        assert response.json()["uploaded"] == 0
        assert "không khớp với loại ảnh (PNG)" in response.json()["error"]["message"]
        assert not (media_root / "uploads").exists()

    @pytest.mark.parametrize("logged_in", [False, True])
    def test_readers_cannot_upload(
        self, reader, resident_account, media_root, logged_in, url
    ):
        if logged_in:
            reader.force_login(resident_account)
        image = SimpleUploadedFile("a.png", png_bytes(), "image/png")
        reader.cookies["ckCsrfToken"] = "t" * 40
        response = reader.post(url, self.form(upload=image))
        assert response.status_code == 302
        assert not (media_root / "uploads").exists()


def test_list_filters_and_actions_read_as_staff_say_them(client, editor, make_article):
    make_article()
    client.force_login(editor)
    page = client.get("/admin/articles/article/").text
    assert "Theo trạng thái" in page
    assert "Thao tác:" in page
    assert "Bởi " not in page
    assert "7 ngày qua" in page
