"""The inbox in a real browser: an editor on a desktop and on a phone finds
the late item at the top of the list, answers it in the article editor and
sends the answer; the form then offers publishing. Screenshots go to
/tmp/shots-inbox/ for a person to look at."""

from pathlib import Path

import pytest

from questions.models import Status, Submission
from wards import roles

from .conftest import make_staff
from .inbox import LIST, change_url, days_ago, make_item

SHOTS = Path("/tmp/shots-inbox")
ANSWER_READY = (
    "() => window.CKEDITOR && CKEDITOR.instances.id_answer"
    " && CKEDITOR.instances.id_answer.status === 'ready'"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("device", "options"),
    [
        ("desktop", {"viewport": {"width": 1366, "height": 768}}),
        ("phone", {"phone": True}),
    ],
)
def test_an_editor_answers_the_late_item_in_the_editor(
    new_context, live_server, ward, device, options
):
    from playwright.sync_api import expect

    editor = make_staff("bientaphd", ward, role=roles.EDITOR)
    editor.first_name, editor.last_name = "Hà", "Nguyễn Thu"
    editor.save()
    make_item(ward, title="Đèn đường ngõ 12 hỏng", received_at=days_ago(1))
    late = make_item(
        ward,
        title="Rác tồn đọng ở chợ Phúc Lợi",
        received_at=days_ago(20),
        kind=Submission.Kind.REPORT,
        place="Cổng chợ Phúc Lợi",
    )
    make_item(
        ward,
        title="Giờ làm việc của bộ phận một cửa",
        status=Status.PUBLISHED,
        answer="<p>Từ 7h30.</p>",
        slug="gio-lam-viec",
        published_at=days_ago(2),
    )
    context = new_context(user=editor, site=live_server.url, **options)
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + "/admin/")
    expect(page.get_by_text("2 câu hỏi, phản ánh, góp ý mới")).to_be_visible()
    page.screenshot(path=SHOTS / f"index-{device}.png", full_page=True)

    page.goto(live_server.url + LIST)
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text(late.code)
    expect(first_row).to_contain_text("Quá hạn")
    page.screenshot(path=SHOTS / f"list-{device}.png", full_page=True)

    page.goto(live_server.url + change_url(late))
    page.wait_for_function(ANSWER_READY)
    expect(page.get_by_text("0912 345 678")).to_be_visible()
    page.screenshot(path=SHOTS / f"form-{device}.png", full_page=True)
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.keyboard.type("Phường đã cho thu gom rác ở cổng chợ sáng nay.")
    page.get_by_role("button", name="Gửi trả lời").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Đã lưu câu trả lời cho {late.code}."
    )
    expect(page.get_by_role("button", name="Đăng công khai")).to_be_visible()
    page.screenshot(path=SHOTS / f"answered-{device}.png", full_page=True)
    late.refresh_from_db()
    assert late.status == Status.ANSWERED
    assert "thu gom rác ở cổng chợ" in late.answer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_persons_data_is_found_and_downloaded_on_request(
    new_context, live_server, ward, tmp_path
):
    from playwright.sync_api import expect

    editor = make_staff("bientaphd", ward, role=roles.EDITOR)
    first = make_item(ward, title="Đăng ký tạm trú")
    make_item(ward, title="Đèn đường hỏng", phone="+84 912.345.678", email="")
    context = new_context(
        user=editor, site=live_server.url, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.goto(live_server.url + LIST)
    page.get_by_role("link", name="Dữ liệu cá nhân theo yêu cầu").click()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_text("2 mục của người này")).to_be_visible()
    # Never in the address (the server's logs, the browser's history).
    assert "0912" not in page.url and "345" not in page.url
    page.screenshot(path=SHOTS / "personal-data-desktop.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải về (CSV, mở bằng Excel)").click()
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    assert first.code in saved.read_text(encoding="utf-8-sig")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_citys_administrator_sees_no_residents_details(
    new_context, live_server, ward, editor
):
    from playwright.sync_api import expect

    item = make_item(ward, title="Tiếng ồn karaoke ban đêm")
    context = new_context(
        user=editor, site=live_server.url, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.goto(live_server.url + change_url(item))
    expect(page.get_by_text("Ông/bà N.V.A., tổ 5.")).to_be_visible()
    expect(page.get_by_text("0912 345 678")).to_have_count(0)
    page.screenshot(path=SHOTS / "superuser-form-desktop.png", full_page=True)
