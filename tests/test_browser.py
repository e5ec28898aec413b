"""The site in a real Chromium: staff write in the admin, residents read on phones.

These tests drive Debian's Chromium through Playwright against pytest-django's
live server. They are marked `browser`; without /usr/bin/chromium they fail,
naming .ci/system-packages, which `make test` runs to install it.
"""

import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from articles.importing import import_file
from articles.models import WARD_CATEGORIES, Article, Category
from wards import roles

from .browsing import EDITOR_READY, PHONE
from .conftest import SECOND_HOST, SEED_FILE, make_staff, views_of
from .test_attachments import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/wardnews-shots")
PASSWORD = "mat-khau-thu-nghiem"  # The conftest users' password.
WARD_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def ward_categories(ward):
    """The default ward's menu (transactional tests flush the database the
    migrations filled, so each test makes what it needs)."""
    Category.objects.create_defaults(ward)
    return list(ward.categories.all())


def png_file(tmp_path, size, name="anh-hoi-nghi.png"):
    """A real PNG picture on disk, as staff would pick from their computer."""
    path = tmp_path / name
    image = Image.new("RGB", size, (165, 27, 27))
    image.paste((247, 201, 72), (size[0] // 4, size[1] // 4, size[0] // 2, size[1]))
    image.save(path, format="PNG")
    return path


def log_in(page, live_server, user, site=None):
    """Through the admin's own login form, at the site (scheme, host and
    port) of a ward; the live server's own, the default ward's, unless told."""
    site = site or live_server.url
    page.goto(f"{site}/admin/")
    expect(page).to_have_url(f"{site}/admin/login/?next=/admin/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Quản lý nội dung")).to_be_visible()


def open_add_article(page):
    """The "Thêm" link of "Bài viết" on the admin index."""
    page.locator("tr.model-article a.addlink").click()
    expect(page.get_by_role("heading", name="Thêm bài viết")).to_be_visible()
    page.wait_for_function(EDITOR_READY)


def fill_article(page, category, title, date=None, time=None):
    page.get_by_label("Chuyên mục").select_option(label=category.name)
    # Typed key by key: the admin fills the slug from the title as staff type.
    page.get_by_label("Tiêu đề").press_sequentially(title)
    if date:  # The editor's to set; a writer has no such field.
        page.locator("#id_published_at_0").fill(date)
        page.locator("#id_published_at_1").fill(time)


def press(page, button):
    """One of the form's buttons ("Lưu nháp", "Gửi duyệt", "Đăng bài"…);
    returns what the admin then says."""
    page.locator(".submit-row").get_by_role("button", name=button, exact=True).click()
    messages = page.locator(".messagelist")
    expect(messages).to_be_visible()
    return messages.inner_text()


def type_in_editor(page, paragraphs):
    """Click into CKEditor's editing iframe and type, Enter between paragraphs."""
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    for n, paragraph in enumerate(paragraphs):
        if n:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)


def insert_picture(page, picture, alt, caption):
    """The editor's Image button: pick the file (it goes up at once), type
    the description, tick "Có chú thích dưới ảnh", "Đồng ý", type the
    caption. Returns the uploaded picture's address."""
    page.locator("a.cke_button__image").click()
    dialog = page.locator(".cke_dialog:visible")
    expect(dialog).to_contain_text("Tải ảnh từ máy tính lên")
    upload = dialog.frame_locator("iframe.cke_dialog_ui_input_file")
    with page.expect_response(lambda r: "/ckeditor/upload/" in r.url) as answer:
        upload.locator("input[type=file]").set_input_files(picture)
    assert answer.value.status == 200, answer.value.text()[:200]
    expect(dialog.locator(".editor-upload-status")).to_have_text(
        re.compile("^Đã tải ảnh lên.")
    )
    url = page.evaluate("CKEDITOR.dialog.getCurrent().getValueOf('info', 'src')")
    page.keyboard.type(alt)  # The description field has the focus.
    dialog.get_by_label("Có chú thích dưới ảnh").check()
    dialog.get_by_role("button", name="Đồng ý").click()
    expect(dialog).to_be_hidden()
    page.keyboard.type(caption)  # The caption's prompt is selected.
    return url


def wait_for_images(page, scope="body"):
    """Bring each picture into view (some load lazily) and wait for it;
    returns [src, naturalWidth] of each."""
    for img in page.locator(f"{scope} img").all():
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=img.element_handle())
    page.evaluate("() => window.scrollTo(0, 0)")
    return page.evaluate(
        "scope => [...document.querySelectorAll(scope + ' img')]"
        ".map(img => [img.getAttribute('src'), img.naturalWidth])",
        scope,
    )


def assert_no_sideways_scroll(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], (
        f"{page.url} scrolls sideways on a phone: {scroll_width}px wide"
    )


def screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


# 1. The newsroom's journey: a writer writes, an editor checks and publishes,
# a resident reads on a phone, the editor sees the view counted.


def test_a_writer_submits_an_editor_publishes_and_a_resident_reads_it(
    new_context, live_server, writer, ward_editor, ward_categories, tmp_path
):
    category = Category.objects.get(slug="cong-tac-dang")
    title = "Công tác Đảng tháng 12"
    lead = "Đảng ủy phường tổng kết công tác xây dựng Đảng tháng 12."
    paragraphs = [
        "Sáng ngày 20/12, Đảng ủy phường tổ chức hội nghị sơ kết.",
        "Hội nghị thống nhất các nhiệm vụ trọng tâm của tháng tới.",
    ]
    picture = png_file(tmp_path, size=(1600, 1000))
    pdf = tmp_path / "Nghị quyết số 12-NQ/ĐU.pdf".replace("/", "-")
    pdf.write_bytes(pdf_bytes())

    # The writer drafts, with a picture in the text and a signed document.
    staff = new_context().new_page()
    log_in(staff, live_server, writer)
    open_add_article(staff)
    fill_article(staff, category, title)
    expect(staff.locator("#id_slug")).to_have_value("cong-tac-dang-thang-12")
    expect(staff.locator("#id_published_at_0")).to_have_count(0)  # Not theirs.
    staff.get_by_label("Sapo").fill(lead)
    type_in_editor(staff, paragraphs)
    staff.keyboard.press("Enter")
    url = insert_picture(
        staff, picture, alt="Quang cảnh hội nghị", caption="Đại biểu dự hội nghị."
    )
    staff.locator("#id_attachments-0-file").set_input_files(pdf)
    expect(staff.locator(".submit-row [name=_publish]")).to_have_count(0)
    said = press(staff, "Gửi duyệt")
    assert "Bài đã gửi biên tập viên duyệt" in said
    screenshot(staff, "newsroom-writer-submitted")

    article = Article.objects.get()
    assert (article.status, article.author) == (Article.Status.REVIEW, writer)
    assert article.attachments.get().name == pdf.name

    # The editor sees it waiting, previews it, publishes it.
    desk = new_context().new_page()
    log_in(desk, live_server, ward_editor)
    desk.goto(f"{live_server.url}/admin/articles/article/")
    desk.get_by_role("link", name="1 bài đang chờ bạn duyệt").click()
    expect(desk.locator("#result_list")).to_contain_text(title)
    with desk.context.expect_page() as preview_page:
        desk.locator("#result_list").get_by_role("link", name="Xem trước").click()
    preview = preview_page.value
    expect(preview.locator(".preview-note")).to_contain_text("Bản xem trước")
    expect(preview.locator("h1")).to_have_text(title)
    screenshot(preview, "newsroom-preview")
    preview.close()
    desk.locator("#result_list").get_by_role("link", name=title).click()
    said = press(desk, "Đăng bài")
    assert "Bài đang hiện với bạn đọc" in said
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.view_count == 0  # The preview was not counted.

    # A resident on a phone reads it, with the picture's rendition and the file.
    reader = new_context(phone=True).new_page()
    reader.goto(live_server.url + "/")
    reader.locator(".card-featured .card-title a", has_text=title).tap()
    expect(reader).to_have_url(f"{live_server.url}/bai-viet/cong-tac-dang-thang-12/")
    expect(reader.locator("h1")).to_have_text(title)
    published = timezone.localtime(article.published_at)
    expect(reader.locator(".date-line")).to_have_text(
        f"Ngày đăng {published:%d/%m/%Y} | {published:%H:%M} | Lượt xem: 1"
    )
    expect(reader.locator(".article-lead")).to_have_text(lead)
    body = reader.locator(".article-body")
    for paragraph in paragraphs:
        expect(body).to_contain_text(paragraph)
    figure = body.locator("figure.image")
    expect(figure.locator("img")).to_have_attribute("alt", "Quang cảnh hội nghị")
    expect(figure.locator("figcaption")).to_have_text("Đại biểu dự hội nghị.")
    image = figure.locator("img")
    image.scroll_into_view_if_needed()
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    shown = image.evaluate("img => img.currentSrc")
    # A copy made for the phone's width, not the 1600 px upload.
    assert "/media/renditions/" in shown and shown.endswith(".webp"), shown
    assert url.removeprefix("/media/") in shown
    files = reader.locator(".attachments")
    expect(files).to_contain_text("Tệp đính kèm")
    expect(files).to_contain_text(pdf.stem)
    expect(files).to_contain_text("PDF")
    with reader.expect_download() as download:
        files.locator("a").first.tap()
    assert download.value.suggested_filename == pdf.name
    assert_no_sideways_scroll(reader)
    screenshot(reader, "newsroom-reader-article")

    # The editor's statistics count that view.
    desk.goto(f"{live_server.url}/admin/")
    desk.locator("#user-tools").get_by_role("link", name="Thống kê").click()
    expect(desk.locator(".stats-totals .stats-figure").first).to_have_text("1")
    expect(desk.locator("#content-main")).to_contain_text(title)
    screenshot(desk, "newsroom-statistics")


def test_a_file_dropped_into_the_editor_is_checked_like_any_upload(
    new_context, live_server, writer, media_root
):
    """What dropping or pasting a file into the body does, through the editor's
    own upload machinery (the uploadimage plugin's file loader)."""
    page = new_context().new_page()
    log_in(page, live_server, writer)
    open_add_article(page)
    # What the editor says once a dropped picture is up, in Vietnamese.
    done = page.evaluate("CKEDITOR.instances.id_body.lang.uploadwidget.doneOne")
    assert done == "Đã tải tệp lên."
    outcome = page.evaluate(
        """() => new Promise(resolve => {
            const editor = CKEDITOR.instances.id_body;
            const file = new Blob(["MZ not a picture"], {type: "image/png"});
            const loader = editor.uploadRepository.create(file, "anh.png");
            const done = status => () => resolve({status, message: loader.message});
            loader.on("uploaded", done("uploaded"));
            loader.on("error", done("error"));
            loader.upload(CKEDITOR.fileTools.getUploadUrl(editor.config, "image"));
        })"""
    )
    assert outcome == {
        "status": "error",
        "message": "Tệp không phải ảnh hợp lệ. Chỉ nhận ảnh JPG, PNG, GIF hoặc WebP.",
    }
    assert not (media_root / "uploads").exists()


def test_staff_of_the_second_ward_publish_on_its_site_and_not_on_the_default_one(
    new_context, live_server, second_ward, make_article
):
    second_editor = make_staff("bientapbode", second_ward, role=roles.EDITOR)
    port = urlsplit(live_server.url).port
    second_site = f"http://{SECOND_HOST}:{port}"
    default_site = f"http://127.0.0.1:{port}"
    default_title = "Phường Phúc Lợi ra quân làm sạch đường làng"
    second_old_title = "Phường Bồ Đề tổng kết phong trào thi đua năm 2024"
    make_article(title=default_title)
    make_article(
        category=second_ward.categories.get(slug="tin-tuc-su-kien"),
        title=second_old_title,
        published_at=datetime(2024, 12, 20, 9, 0, tzinfo=WARD_TIME),
    )
    category = second_ward.categories.get(slug="van-hoa-xa-hoi")
    title = "Bồ Đề ra mắt câu lạc bộ dưỡng sinh người cao tuổi"
    lead = "Câu lạc bộ sinh hoạt sáng thứ Bảy hằng tuần tại nhà văn hóa tổ 5."
    paragraphs = [
        "Sáng ngày 24/01, Hội Người cao tuổi phường tổ chức lễ ra mắt câu lạc bộ.",
        "Câu lạc bộ có 45 hội viên, đón nhận thêm người cao tuổi trong phường.",
    ]

    staff = new_context().new_page()
    log_in(staff, live_server, second_editor, site=second_site)
    staff.goto(f"{second_site}/admin/articles/article/")
    results = staff.locator("#result_list")
    expect(results).to_contain_text(second_old_title)
    expect(results).not_to_contain_text(default_title)
    # Staff of one ward are not shown which ward a row is in.
    expect(staff.locator("#result_list th.column-ward")).to_have_count(0)
    screenshot(staff, "admin-changelist-second-ward")

    staff.goto(f"{second_site}/admin/")
    open_add_article(staff)
    # The category list is the second ward's menu, and only it.
    options = staff.locator("#id_category option:not([value=''])")
    offered = options.evaluate_all("options => options.map(o => Number(o.value))")
    assert sorted(offered) == sorted(
        second_ward.categories.values_list("pk", flat=True)
    )
    fill_article(staff, category, title, date="24/01/2025", time="10:15")
    expect(staff.locator("#id_slug")).to_have_value(
        "bo-de-ra-mat-cau-lac-bo-duong-sinh-nguoi-cao-tuoi"
    )
    staff.get_by_label("Sapo").fill(lead)
    type_in_editor(staff, paragraphs)
    assert "Bài đang hiện với bạn đọc" in press(staff, "Đăng bài")

    article = Article.objects.get(title=title)
    assert article.ward == second_ward
    assert article.category == category
    assert article.author == second_editor
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2025, 1, 24, 10, 15, tzinfo=WARD_TIME)
    path = "/bai-viet/bo-de-ra-mat-cau-lac-bo-duong-sinh-nguoi-cao-tuoi/"
    assert article.get_absolute_url() == path

    reader = new_context(phone=True).new_page()
    reader.goto(f"{second_site}/")
    expect(reader.locator(".site-header .brand-name")).to_have_text("Phường Bồ Đề")
    expect(reader.locator(".site-footer .footer-name")).to_have_text(
        "Cổng thông tin điện tử Phường Bồ Đề"
    )
    main = reader.locator("main")
    expect(main).to_contain_text(second_old_title)
    expect(main).not_to_contain_text(default_title)
    assert_no_sideways_scroll(reader)
    screenshot(reader, "second-ward-home")
    reader.locator(".card-featured .card-title a", has_text=title).tap()
    expect(reader).to_have_url(second_site + path)
    expect(reader.locator("h1")).to_have_text(title)
    expect(reader.locator(".date-line")).to_have_text(
        "Ngày đăng 24/01/2025 | 10:15 | Lượt xem: 1"
    )
    expect(reader.locator(".article-lead")).to_have_text(lead)
    for paragraph in paragraphs:
        expect(reader.locator(".article-body")).to_contain_text(paragraph)
    expect(reader.locator(".site-header .brand-name")).to_have_text("Phường Bồ Đề")
    assert_no_sideways_scroll(reader)
    screenshot(reader, "second-ward-article")

    # The default ward's site, on the same server, knows nothing of it.
    reader.goto(f"{default_site}/")
    expect(reader.locator(".site-header .brand-name")).to_have_text("Phường Phúc Lợi")
    expect(main).to_contain_text(default_title)
    expect(main).not_to_contain_text(title)
    expect(main).not_to_contain_text(second_old_title)
    response = reader.goto(default_site + path)
    assert response.status == 404
    expect(reader.locator("h1")).to_have_text("Không tìm thấy trang")
    assert views_of(article) == 1


# 2. A draft stays with the staff.


def test_a_draft_saved_by_staff_is_not_shown_to_residents(
    new_context, live_server, editor, ward_categories
):
    category = Category.objects.get(slug="thong-bao")
    title = "Lịch cắt điện tuần tới"
    staff = new_context().new_page()
    log_in(staff, live_server, editor)
    open_add_article(staff)
    fill_article(staff, category, title)
    expect(staff.locator("#id_slug")).to_have_value("lich-cat-dien-tuan-toi")
    type_in_editor(staff, ["Khu vực tổ dân phố số 3 mất điện từ 7 giờ đến 11 giờ."])
    assert "Bài đang là bản nháp" in press(staff, "Lưu nháp")
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    url = f"{live_server.url}/bai-viet/lich-cat-dien-tuan-toi/"
    # Staff check their draft as a preview, kept before it is published.
    staff.get_by_role("button", name="Lưu và xem trước").click()
    expect(staff.locator(".preview-note")).to_contain_text("Bản xem trước")
    assert staff.goto(url).status == 404  # Its address is not live yet.

    reader = new_context(phone=True).new_page()
    response = reader.goto(url)
    assert response.status == 404
    expect(reader.locator("h1")).to_have_text("Không tìm thấy trang")
    expect(reader).to_have_title(re.compile(r"^Không tìm thấy trang \| "))
    for page in ["/", f"/chuyen-muc/{category.slug}/"]:
        reader.goto(live_server.url + page)
        expect(reader.locator("main")).not_to_contain_text(title)
    assert views_of(article) == 0


# 3. A resident's phone: nothing spills sideways, every section reachable.


def jpeg(size, colour):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def seed_shaped_content(ward, ward_categories, make_article, media_root):
    """The real seed article, and articles like it: long titles, pictures, and
    the fixed pixel size CKEditor writes on an image."""
    seed = import_file(SEED_FILE, ward).article
    assert seed is not None
    body_picture = media_root / "uploads" / "2022" / "01" / "hoi-nghi.jpg"
    body_picture.parent.mkdir(parents=True)
    body_picture.write_bytes(jpeg((1200, 675), (30, 110, 170)))
    article = make_article(
        category=seed.category,
        title=(
            "Đảng ủy phường Phúc Lợi tổ chức Hội nghị học tập, quán triệt, "
            "triển khai thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII "
            "của Đảng và Nghị quyết Đại hội Đảng bộ thành phố Hà Nội"
        ),
        lead=seed.lead,
        body=(
            seed.body + '<p><img alt="Quang cảnh hội nghị" width="1200" height="675" '
            'src="/media/uploads/2022/01/hoi-nghi.jpg" '
            'style="height:675px; width:1200px"></p>'
        ),
        featured_image=ContentFile(jpeg((1200, 675), (165, 27, 27)), "hoi-nghi.jpg"),
        published_at=timezone.now() - timedelta(hours=1),
    )
    for n, (slug, colour) in enumerate(
        [("tin-tuc-su-kien", (40, 120, 60)), ("thong-bao", None), ("kinh-te", None)]
    ):
        make_article(
            category=Category.objects.get(slug=slug),
            title=f"Hỗ trợ hộ kinh doanh chuyển đổi số, thanh toán không dùng tiền "
            f"mặt tại chợ dân sinh số {n + 1}",
            featured_image=(
                ContentFile(jpeg((1200, 675), colour), f"anh-{n}.jpg") if colour else ""
            ),
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    return article


def test_reader_pages_fit_a_phone_and_every_section_is_reachable(
    new_context, live_server, editor, seed_shaped_content
):
    article = seed_shaped_content
    page = new_context(phone=True).new_page()

    page.goto(live_server.url + "/")
    pictures = wait_for_images(page)
    assert len(pictures) >= 3  # The logo and the featured pictures.
    assert all(width > 0 for _, width in pictures), pictures
    assert_no_sideways_scroll(page)
    screenshot(page, "home")

    # The menu opens from its button; its last category is on the screen and
    # can be tapped (tests/test_phone_layout.py checks every section).
    page.locator(".site-menu summary").tap()
    last = page.locator(".site-nav a", has_text=WARD_CATEGORIES[-1][0])
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    last.tap()
    expect(page).to_have_url(f"{live_server.url}/chuyen-muc/{WARD_CATEGORIES[-1][1]}/")
    expect(page.locator("h1")).to_have_text(WARD_CATEGORIES[-1][0])
    expect(page.locator(".site-nav a[aria-current=page]")).to_have_text(
        WARD_CATEGORIES[-1][0]
    )

    page.goto(live_server.url + article.category.get_absolute_url())
    expect(page.locator("h1")).to_have_text(article.category.name)
    assert all(width > 0 for _, width in wait_for_images(page))
    assert_no_sideways_scroll(page)
    screenshot(page, "category")

    page.locator(".card-title a", has_text=article.title[:40]).tap()
    expect(page.locator("h1")).to_have_text(article.title)
    pictures = wait_for_images(page, ".article")
    assert all(width > 0 for _, width in pictures), pictures
    assert_no_sideways_scroll(page)
    # CKEditor wrote width:1200px on the picture; it shrinks to the column.
    column = page.locator(".article-body").bounding_box()
    picture = page.locator(".article-body img").bounding_box()
    assert picture["width"] <= column["width"], (picture, column)
    screenshot(page, "article")

    staff = new_context(phone=True).new_page()
    log_in(staff, live_server, editor)
    open_add_article(staff)
    screenshot(staff, "admin-add")


# What CKEditor's table dialog writes by default: style="width:500px".
EDITOR_TABLE = (
    '<table border="1" cellpadding="1" cellspacing="1" style="width:500px">'
    "<tbody><tr><th>Tổ dân phố</th><th>Số hộ tham gia</th><th>Tỷ lệ</th></tr>"
    "<tr><td>Tổ dân phố số 1</td><td>125</td><td>98%</td></tr></tbody></table>"
)


def test_a_table_from_the_editor_fits_a_phone(new_context, live_server, make_article):
    article = make_article(body="<p>Kết quả ra quân:</p>" + EDITOR_TABLE)
    page = new_context(phone=True).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator(".article-body table")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_a_picture_pasted_into_a_line_of_text_leaves_the_line_unstretched(
    new_context, live_server, make_article, media_root
):
    """CKEditor puts a dropped or pasted picture inside the paragraph it lands
    in; on a wide screen the body is justified, and the words before it were
    spread across the whole column."""
    picture = media_root / "uploads" / "cho-dem.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(jpeg((1000, 560), (30, 110, 170)))
    picture_tag = (
        '<img alt="" src="/media/uploads/cho-dem.jpg" width="1000" height="560">'
    )
    article = make_article(
        body=f"<p>Quang cảnh chợ đêm của phường:{picture_tag}</p>"
        f'<p>Chợ mở từ 18 giờ:<a href="/">{picture_tag}</a></p>'
        f"<p><strong>Khách tham quan đông:{picture_tag}</strong></p>"
        f"<ul><li>Gian hàng ẩm thực:{picture_tag}</li></ul>"
    )
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    wait_for_images(page, ".article-body")
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.article-body :is(p, li)')].map(
            (block) => {
                const words = block.querySelector('strong') || block;
                const range = document.createRange();
                range.selectNodeContents(words.firstChild);
                return [range.getBoundingClientRect().width, block.clientWidth];
            })"""
    )
    assert len(lines) == 4
    for words, column in lines:
        assert words < column / 2, lines
    screenshot(page, "article-pasted-picture-desktop")


# 4. A resident's walk on a phone: reading, searching from the header,
# printing, a bigger text, sharing; and the same pages by keyboard alone.


def body_font_size(page, selector=".article-body p"):
    return page.evaluate(
        "s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)",
        selector,
    )


def test_a_resident_reads_searches_and_prints_on_a_phone(
    new_context, live_server, seed_shaped_content
):
    article = seed_shaped_content
    page = new_context(phone=True).new_page()

    page.goto(live_server.url + "/")
    wait_for_images(page)
    expect(page.locator(".header-search summary")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "reader-home")

    page.locator(".site-menu summary").tap()
    page.locator(".site-nav a", has_text=article.category.name).tap()
    expect(page.locator("h1")).to_have_text(article.category.name)
    # The cards' titles come right under the page's h1.
    assert page.locator("h3").count() == 0
    assert page.locator("h2.card-title").count() >= 2
    wait_for_images(page)
    screenshot(page, "reader-category")

    page.locator(".card-title a", has_text=article.title[:40]).tap()
    expect(page.locator("h1")).to_have_text(article.title)
    tools = page.locator(".article-tools")
    expect(tools.get_by_role("button", name="Chia sẻ")).to_be_visible()
    expect(tools.get_by_role("button", name="In bài viết")).to_be_visible()
    expect(tools.get_by_role("button", name="Tăng cỡ chữ")).to_be_visible()
    expect(tools.get_by_role("button", name="Giảm cỡ chữ")).to_be_visible()
    wait_for_images(page, ".article")
    assert_no_sideways_scroll(page)
    screenshot(page, "reader-article")

    # The magnifier in the header opens the field, ready to type in.
    page.locator(".header-search summary").tap()
    field = page.get_by_label(
        "Tìm tin bài, văn bản, thủ tục (gõ có dấu hoặc không dấu)"
    )
    expect(field).to_be_focused()
    assert_no_sideways_scroll(page)
    screenshot(page, "reader-header-search")
    page.keyboard.type("cong tac dang")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/tim-kiem/?q=cong+tac+dang")
    expect(page.locator(".search-count")).to_contain_text("Tìm thấy 2 bài viết")
    marks = page.locator(".search-result mark").all_inner_texts()
    # Typed without accents, marked as written.
    assert marks and {mark.lower() for mark in marks} <= {"công", "tác", "đảng"}
    assert "Đảng" in marks
    assert_no_sideways_scroll(page)
    screenshot(page, "reader-search")

    # On paper: the article alone, and where it came from.
    page.locator(".search-result .card-title a", has_text=article.title[:40]).tap()
    expect(page.locator("h1")).to_have_text(article.title)
    page.emulate_media(media="print")
    for hidden in [".site-nav", ".header-search", ".breadcrumb", ".article-tools"]:
        expect(page.locator(hidden)).to_be_hidden()
    for hidden in [".other-articles", ".article-blocks", ".site-footer"]:
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".article-lead")).to_be_visible()
    expect(page.locator(".article-body img")).to_be_visible()
    source = page.locator(".print-source")
    expect(source).to_be_visible()
    expect(source).to_contain_text(live_server.url + article.get_absolute_url())
    local = timezone.localtime(article.published_at)
    expect(source).to_contain_text(f"đăng ngày {local:%d/%m/%Y} lúc {local:%H:%M}")
    wait_for_images(page, ".article")
    screenshot(page, "reader-print")
    page.emulate_media(media="screen")
    expect(page.locator(".site-nav")).to_be_visible()
    expect(source).to_be_hidden()


def test_a_bigger_text_is_remembered_from_page_to_page(
    new_context, live_server, make_article
):
    article = make_article(body="<p>Đoạn một của bài viết.</p>")
    page = new_context(phone=True).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    default = body_font_size(page)
    reset = page.get_by_role("button", name="Cỡ chữ mặc định")
    expect(reset).to_have_attribute("aria-disabled", "true")

    page.get_by_role("button", name="Tăng cỡ chữ").tap()
    page.get_by_role("button", name="Tăng cỡ chữ").tap()
    bigger = body_font_size(page)
    assert bigger == pytest.approx(default * 1.25), (default, bigger)
    expect(reset).to_have_attribute("aria-disabled", "false")
    screenshot(page, "reader-article-bigger-text")

    # Applied before the page is drawn: already there when the HTML is parsed.
    page.reload(wait_until="commit")
    page.wait_for_selector(".article-body p")
    assert page.evaluate("document.documentElement.dataset.textSize") == "2"
    assert body_font_size(page) == pytest.approx(bigger)
    page.goto(live_server.url + "/")
    assert body_font_size(page, "body") == pytest.approx(17 * 1.25)

    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("button", name="Cỡ chữ mặc định").tap()
    assert body_font_size(page) == pytest.approx(default)
    page.get_by_role("button", name="Giảm cỡ chữ").tap()
    assert body_font_size(page) < default
    expect(page.get_by_role("button", name="Giảm cỡ chữ")).to_have_attribute(
        "aria-disabled", "true"
    )
    page.reload()
    assert body_font_size(page) < default


def test_share_copies_the_link_where_the_phone_has_no_share_sheet(
    new_context, live_server, make_article
):
    article = make_article()
    context = new_context(phone=True)
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'share',"
        " {value: undefined, configurable: true});"
    )
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("navigator.share") is None
    page.get_by_role("button", name="Chia sẻ").tap()
    expect(page.get_by_role("status")).to_contain_text("Đã sao chép liên kết")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + article.get_absolute_url()
    screenshot(page, "reader-share-copied")


def test_share_opens_the_phones_share_sheet(new_context, live_server, make_article):
    article = make_article(title="Thông báo lịch tiêm chủng")
    context = new_context(phone=True)
    # The share sheet (Zalo, Facebook…) as the page sees it.
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'share', {configurable: true,"
        " value: function (data) { window.shared = data; return Promise.resolve(); }});"
    )
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("button", name="Chia sẻ").tap()
    page.wait_for_function("() => window.shared")
    assert page.evaluate("window.shared") == {
        "title": "Thông báo lịch tiêm chủng",
        "url": live_server.url + article.get_absolute_url(),
    }


def test_without_scripts_the_script_buttons_are_not_shown(
    new_context, live_server, make_article
):
    article = make_article()
    page = new_context(phone=True, java_script_enabled=False).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("h1")).to_have_text(article.title)
    expect(page.locator(".article-tools")).to_be_hidden()
    # The header's search opens without scripts too.
    page.locator(".header-search summary").tap()
    field = page.get_by_label(
        "Tìm tin bài, văn bản, thủ tục (gõ có dấu hoặc không dấu)"
    )
    field.fill("bài viết")
    field.press("Enter")
    expect(page.locator(".search-count")).to_contain_text("Tìm thấy")


FOCUSED = r"""() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        text: el.textContent.replace(/\s+/g, ' ').trim(), tag: el.tagName,
        inMenu: !!el.closest('.site-nav'), inMain: !!el.closest('main'),
        outline: style.outlineStyle + ' ' + style.outlineWidth,
        onScreen: box.width > 0 && box.left >= 0 && box.top >= 0,
    };
}"""


def test_a_keyboard_reaches_the_skip_link_search_and_menu_with_visible_focus(
    new_context, live_server, seed_shaped_content
):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == "Chuyển đến nội dung chính"
    assert focused["onScreen"] and focused["outline"] == "solid 3px", focused
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "reader-keyboard-skip-link.png")

    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    brand, search, *menu = stops
    assert brand["text"].startswith("Cổng thông tin điện tử"), brand
    assert search["tag"] == "SUMMARY" and search["text"] == "Tìm kiếm", search
    assert [stop["text"] for stop in menu] == ["Trang chủ", "Tin tức - Sự kiện"]
    assert all(stop["inMenu"] for stop in menu)
    for stop in stops:
        assert stop["onScreen"] and stop["outline"] == "solid 3px", stop
    page.screenshot(path=SHOTS / "reader-keyboard-menu.png")

    # The search opens from the keyboard and Escape closes it again.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(
        page.get_by_label("Tìm tin bài, văn bản, thủ tục (gõ có dấu hoặc không dấu)")
    ).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".header-search-form")).to_be_hidden()
    assert page.evaluate(FOCUSED)["tag"] == "SUMMARY"

    # The skip link leads past the header and menu, into the content.
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"] and focused["outline"] == "solid 3px", focused


# The font the article list is measured in: Noto Sans, from fonts-noto-core,
# which .ci/system-packages installs (change the two together). Named rather
# than left to the machine: the admin asks for "Segoe UI", then system-ui,
# which Chromium on Linux takes from the desktop's settings, or headless from
# fontconfig's sans-serif: Noto Sans where fonts-noto-core is installed, else
# DejaVu Sans, a wider face in which the table overflows its box by 23 px
# (widths [1366, 1039, 1016] below, where Noto Sans gives [1366, 1016, 1016]).
ADMIN_FONT = "Noto Sans"


def fonts_drawn(page, selector):
    """The families Chromium drew the text of `selector`'s elements in: the
    fonts it really used, fallbacks included, from the DevTools protocol
    (CSS alone tells only what was asked for)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})
    families = set()
    for node in nodes["nodeIds"]:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        families.update(font["familyName"] for font in fonts)
    cdp.detach()
    return families


def test_the_article_list_fits_a_1366_screen(
    new_context, live_server, editor, second_ward, make_article
):
    """A superuser's list has the most columns (the ward's too): it still
    needs no sideways scrolling on a common office screen, in ADMIN_FONT."""
    make_article(
        title="Thường trực Đảng ủy phường Phúc Lợi làm việc với MTTQ và các đoàn "
        "thể CTXH phường về nhiệm vụ năm 2022"
    )
    make_article(
        category=second_ward.categories.get(slug="an-ninh-quoc-phong"),
        title="Ra quân huấn luyện lực lượng dân quân tự vệ",
        published_at=timezone.now() + timedelta(days=1),
    )
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/")
    expect(page.locator("#result_list")).to_contain_text("Hẹn giờ")
    # The admin's whole font stack, replaced by the one font (through the
    # CSSOM: the admin's CSP refuses a <style> of the test's own).
    page.evaluate(
        "font => document.documentElement.style"
        ".setProperty('--font-family-primary', font)",
        f'"{ADMIN_FONT}"',
    )
    drawn = fonts_drawn(page, "#result_list th, #result_list td, #result_list a")
    assert drawn == {ADMIN_FONT}, (
        f"the list must be drawn in {ADMIN_FONT}, not {sorted(drawn)}: run"
        " .ci/system-packages as root (make test does) for fonts-noto-core"
    )
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.querySelector('.results').scrollWidth,"
        " document.querySelector('.results').clientWidth]"
    )
    screenshot(page, "admin-article-list-1366")
    assert widths[0] <= 1366 and widths[1] <= widths[2], widths
