"""Lịch công tác in Chromium: a ward's clerk enters a week from the admin's
week list, an editor publishes it, and residents read it on a phone and a
desktop, today marked. Screenshots go to /tmp/wardnews-shots/schedules-*."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schedules.models import Entry
from schedules.weeks import Week, day_label, short_day_label

from .test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/wardnews-shots")

# (weekday, start as typed, end, content, chair, place, reception)
WEEK = [
    (0, "7h30", "8h30", "Chào cờ đầu tuần; giao ban lãnh đạo UBND phường",
     "Chủ tịch UBND phường", "Hội trường tầng 2", False),
    (0, "14h", "16 giờ 30", "Họp Ban Chỉ đạo chuyển đổi số phường",
     "Phó Chủ tịch UBND phường", "Phòng họp số 1", False),
    (1, "08:00", "", "Kiểm tra vệ sinh môi trường tại tổ dân phố 5",
     "Phó Chủ tịch UBND phường", "Tổ dân phố 5", False),
    (2, "8h", "11h", "Hội nghị Ban Chấp hành Đảng bộ phường",
     "Bí thư Đảng ủy phường", "Hội trường tầng 2", False),
    (3, "8h", "11h30", "Tiếp công dân định kỳ",
     "Chủ tịch UBND phường", "Phòng tiếp công dân", True),
    (4, "14.00", "16.00", "Họp Hội đồng Thi đua – Khen thưởng",
     "Chủ tịch UBND phường", "Phòng họp số 1", False),
]  # fmt: skip


def test_a_clerk_enters_a_week_an_editor_publishes_residents_read_it(
    new_context, live_server, writer, ward_editor
):
    SHOTS.mkdir(exist_ok=True)
    week = Week.of(timezone.localdate())
    clerk = new_context().new_page()
    log_in(clerk, live_server, writer)
    clerk.goto(f"{live_server.url}/admin/schedules/entry/")
    expect(clerk.get_by_text(week.label)).to_be_visible()

    previous_day = None
    for weekday, start, end, content, chair, place, reception in WEEK:
        day = week.days[weekday]
        if day != previous_day:
            # The week's "Thêm mục vào" button of the day.
            clerk.goto(f"{live_server.url}/admin/schedules/entry/?tuan={week}")
            clerk.get_by_role("link", name=short_day_label(day), exact=True).click()
        # The admin's add form puts the cursor in its first field once the
        # page has loaded: typing before that sends the text there.
        clerk.wait_for_load_state("load")
        expect(clerk.locator("#id_day")).to_have_value(f"{day:%d/%m/%Y}")
        clerk.locator("#id_start").fill(start)
        clerk.locator("#id_end").fill(end)
        if reception:
            clerk.locator("#id_kind").select_option(label="Tiếp công dân")
        clerk.locator("#id_content").fill(content)
        clerk.locator("#id_chair").fill(chair)
        clerk.locator("#id_place").fill(place)
        if weekday == 0 and start == "7h30":
            clerk.screenshot(path=SHOTS / "schedules-admin-add.png", full_page=True)
        clerk.get_by_role("button", name="Lưu và thêm mới").click()
        expect(clerk.locator(".messagelist")).to_contain_text("Đã thêm")
        previous_day = day
    assert Entry.objects.filter(status=Entry.Status.DRAFT).count() == len(WEEK)

    clerk.goto(f"{live_server.url}/admin/schedules/entry/?tuan={week}")
    clerk.screenshot(path=SHOTS / "schedules-admin-week.png", full_page=True)
    for row in WEEK:
        expect(clerk.get_by_role("link", name=row[3])).to_be_visible()

    desk = new_context().new_page()
    log_in(desk, live_server, ward_editor)
    desk.goto(f"{live_server.url}/admin/schedules/entry/?tuan={week}")
    desk.locator("#action-toggle").check()
    desk.locator("select[name=action]").select_option(label="Đăng các mục đã chọn")
    desk.locator("button[name=index]").click()
    expect(desk.locator(".messagelist")).to_contain_text(f"Đã đăng {len(WEEK)} mục.")

    today = timezone.localdate()
    for name, options in (("phone", {"phone": True}), ("desktop", {})):
        size = {} if options else {"viewport": {"width": 1366, "height": 768}}
        reader = new_context(**options, **size).new_page()
        reader.goto(f"{live_server.url}/lich-cong-tac/")
        expect(reader.get_by_role("heading", level=1)).to_have_text("Lịch công tác")
        expect(
            reader.get_by_role("heading", name=day_label(week.monday))
        ).to_be_visible()
        expect(reader.get_by_text("07:30 – 08:30")).to_be_visible()
        expect(reader.get_by_text("16:30")).to_be_visible()
        marked = reader.locator('[aria-current="date"]')
        expect(marked).to_have_count(1)
        expect(marked).to_contain_text(day_label(today))
        expect(marked).to_contain_text("Hôm nay")
        # Nothing wider than the screen.
        assert reader.evaluate(
            "() => document.documentElement.scrollWidth <= window.innerWidth"
        )
        reader.screenshot(path=SHOTS / f"schedules-week-{name}.png", full_page=True)
        reader.get_by_role("link", name="Lịch tiếp công dân").first.click()
        expect(reader.get_by_role("heading", level=1)).to_have_text(
            "Lịch tiếp công dân"
        )
        reader.screenshot(
            path=SHOTS / f"schedules-receptions-{name}.png", full_page=True
        )
        reader.goto(f"{live_server.url}/lich-cong-tac/?tuan={week.next}")
        expect(reader.get_by_text("Chưa có lịch công tác")).to_be_visible()
        reader.get_by_role("link", name="‹ Tuần trước").click()
        expect(reader.get_by_text("Tiếp công dân định kỳ")).to_be_visible()
