"""Lịch công tác: a ward's week schedule (/lich-cong-tac/, ?tuan=2026-W49)
and its reception days (/lich-tiep-cong-dan/). Entries reach readers through
one gate, published(ward): drafts, entries not yet due and other wards'
never show; a week is named by its ISO week, and a name that is no week
gets a Vietnamese message, never a 500; an entry changed after its week's
schedule came out says "Cập nhật lúc …"."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.utils import timezone

from schedules import blocks
from schedules.models import PUBLISHING_GRACE, Entry
from schedules.weeks import BadWeek, Week, day_label, weeks_in

pytestmark = pytest.mark.django_db

URL = "/lich-cong-tac/"
RECEPTIONS = "/lich-tiep-cong-dan/"


def this_week():
    return Week.of(timezone.localdate())


# Weeks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "monday"),
    [
        ("2026-W49", date(2026, 11, 30)),
        ("2026-w49", date(2026, 11, 30)),
        ("2026W49", date(2026, 11, 30)),
        (" 2026-W1 ", date(2025, 12, 29)),  # Week 1 starts in the year before.
        ("2026-W53", date(2026, 12, 28)),  # 2026 has 53 weeks.
        ("2027-W01", date(2027, 1, 4)),
        ("2020-W53", date(2020, 12, 28)),
    ],
)
def test_it_reads_iso_weeks(value, monday):
    week = Week.parse(value)
    assert week.monday == monday
    assert week.sunday == monday + timedelta(days=6)


@pytest.mark.parametrize(
    "value",
    [
        "junk",
        "",
        "2026-W",
        "2026-W00",
        "2026-W54",
        "2027-W53",  # 2027 has 52 weeks.
        "1999-W10",
        "2101-W01",
        "99999-W01",
        "2026-W49; DROP TABLE",
        "２０２６-W49",
        "2026-W4９",
        "<script>",
    ],
)
def test_it_refuses_what_names_no_week(value):
    with pytest.raises(BadWeek):
        Week.parse(value)


def test_weeks_cross_year_boundaries():
    last = Week.parse("2026-W53")
    assert str(last.next) == "2027-W01"
    assert str(last.next.previous) == "2026-W53"
    assert str(Week.of(date(2027, 1, 1))) == "2026-W53"
    assert str(Week.of(date(2025, 12, 31))) == "2026-W01"
    assert weeks_in(2026) == 53 and weeks_in(2027) == 52
    assert Week.parse("2000-W01").previous is None
    assert Week.parse(f"2100-W{weeks_in(2100)}").next is None


def test_days_are_named_in_vietnamese():
    assert day_label(date(2026, 11, 30)) == "Thứ Hai, 30/11/2026"
    assert day_label(date(2026, 12, 6)) == "Chủ nhật, 06/12/2026"
    assert Week.parse("2026-W49").label == "Tuần 49 (30/11/2026 – 06/12/2026)"


# The model's rules --------------------------------------------------------------


def test_an_entry_ends_after_it_starts(ward):
    entry = Entry(
        ward=ward, day=date(2026, 12, 1), start=time(14), end=time(8), content="Họp"
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "Giờ kết thúc phải sau giờ bắt đầu." in str(error.value)


def test_an_entry_needs_content_and_a_day_in_range(ward):
    entry = Entry(ward=ward, day=date(1900, 1, 1), start=time(8), content="  ")
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"day", "content"}


def test_text_is_stored_composed_and_trimmed(ward):
    entry = Entry.objects.create(
        ward=ward,
        day=date(2026, 12, 1),
        start=time(8),
        content="  Tie\u0302\u0301p co\u0302ng da\u0302n  \n\n  định kỳ ",
        chair=" Chủ   tịch\tUBND ",
        place="Phòng\u00a0họp   số 1",
    )
    assert entry.content == "Tiếp công dân\nđịnh kỳ"
    assert entry.chair == "Chủ tịch UBND"
    assert entry.place == "Phòng họp số 1"


def test_publishing_stamps_the_first_publication_once(ward):
    entry = Entry.objects.create(
        ward=ward, day=date(2026, 12, 1), start=time(8), content="Họp"
    )
    assert entry.published_at is None
    entry.status = Entry.Status.PUBLISHED
    entry.save()
    first = entry.published_at
    assert first is not None
    entry.status = Entry.Status.DRAFT
    entry.save()
    entry.status = Entry.Status.PUBLISHED
    entry.save()
    assert entry.published_at == first


def test_only_what_readers_see_counts_as_a_change(make_entry):
    entry = make_entry()
    changed = entry.changed_at
    entry.status = Entry.Status.DRAFT
    entry.save()
    entry.refresh_from_db()
    entry.save()
    assert entry.changed_at == changed
    entry.place = "Hội trường tầng 2"
    entry.save()
    assert entry.changed_at > changed
    # An entry not read from the database (a restore) is compared with it.
    copy = Entry.objects.get(pk=entry.pk)
    del copy._loaded
    before = copy.changed_at
    copy.save()
    assert copy.changed_at == before


# The week page -----------------------------------------------------------------


def test_it_shows_the_week_by_day_with_vietnamese_weekdays(reader, make_entry):
    week = this_week()
    make_entry(day=week.monday, start=time(14), content="Họp Ban Chỉ đạo")
    make_entry(
        day=week.monday,
        start=time(7, 30),
        end=time(8, 30),
        content="Chào cờ đầu tuần",
        chair="Chủ tịch UBND phường",
        participants="Các Phó Chủ tịch\nCông chức",
        place="Hội trường",
    )
    response = reader.get(URL)
    assert response.status_code == 200
    text = response.text
    assert f"Thứ Hai, {week.monday:%d/%m/%Y}</h2>" in text
    assert f"Thứ Sáu, {week.monday + timedelta(days=4):%d/%m/%Y}" in text
    assert text.index("Chào cờ đầu tuần") < text.index("Họp Ban Chỉ đạo")
    assert "07:30 – 08:30" in text and ">14:00<" in text
    assert "Chủ trì:</dt> <dd>Chủ tịch UBND phường</dd>" in text
    assert "Các Phó Chủ tịch<br>Công chức" in text
    assert "<h1" in text and text.count("<h1") == 1
    assert f"Tuần {week.number}, từ {week.monday:%d/%m/%Y}" in text


def test_today_is_marked_and_announced(reader, make_entry):
    today = timezone.localdate()
    make_entry(day=today)
    response = reader.get(URL)
    heading = f'id="ngay-{today:%d-%m}" aria-current="date">{day_label(today)}'
    assert heading in response.text
    assert '<span class="schedule-today-mark">Hôm nay</span>' in response.text
    assert response.text.count('aria-current="date"') == 1
    other = reader.get(f"{URL}?tuan={this_week().next}")
    assert 'aria-current="date"' not in other.text


def test_weekends_show_only_when_something_is_on(reader, make_entry):
    week = Week.parse("2026-W49")
    make_entry(day=week.monday + timedelta(days=5), content="Ra quân tổng vệ sinh")
    text = reader.get(f"{URL}?tuan=2026-W49").text
    assert "Thứ Bảy, 05/12/2026" in text
    if timezone.localdate() != week.sunday:
        assert "Chủ nhật, 06/12/2026" not in text


def test_it_links_the_weeks_around(reader):
    text = reader.get(f"{URL}?tuan=2026-W53").text
    assert 'href="/lich-cong-tac/?tuan=2026-W52" rel="prev"' in text
    assert 'href="/lich-cong-tac/?tuan=2027-W01" rel="next"' in text
    assert f'href="/lich-cong-tac/?tuan={this_week()}">Tuần này' in text
    assert (
        '<link rel="canonical" href="http://testserver/lich-cong-tac/?tuan=2026-W53">'
        in text
    )


@pytest.mark.parametrize(
    "value",
    ["junk", "2026-W54", "2027-W53", "1999-W01", "99999-W01", "%00", "2026-W4\u0669"],
)
def test_a_week_that_is_none_gets_a_message_and_this_week(reader, make_entry, value):
    make_entry(content="Giao ban tuần này")
    response = reader.get(URL, {"tuan": value})
    assert response.status_code == 404
    assert 'role="alert"' in response.text
    assert "Dưới đây là lịch công tác tuần này." in response.text
    assert "Giao ban tuần này" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_bad_week_message_names_the_reason(reader):
    assert "Năm 2027 không có tuần 53 (năm 2027 có 52 tuần)." in (
        reader.get(URL, {"tuan": "2027-W53"}).text
    )
    assert "chỉ có các tuần từ năm 2000 đến năm 2100" in (
        reader.get(URL, {"tuan": "1999-W01"}).text
    )
    hostile = reader.get(URL, {"tuan": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in hostile
    assert "&lt;script&gt;" in hostile


def test_an_empty_week_says_so_and_is_not_indexed(reader):
    response = reader.get(f"{URL}?tuan=2030-W10")
    assert response.status_code == 200
    assert "Chưa có lịch công tác được đăng cho tuần này." in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_drafts_and_entries_not_yet_due_never_show(reader, make_entry):
    make_entry(content="Đã đăng")
    make_entry(content="Bản nháp", status=Entry.Status.DRAFT)
    make_entry(content="Chưa tới giờ", published_at=timezone.now() + timedelta(hours=1))
    text = reader.get(URL).text
    assert "Đã đăng" in text
    assert "Bản nháp" not in text and "Chưa tới giờ" not in text
    assert [e.content for e in blocks.this_week(make_entry().ward)] == [
        "Đã đăng",
        "Giao ban lãnh đạo UBND phường",
    ]


def test_another_wards_entries_never_show(
    reader, second_reader, second_ward, make_entry
):
    make_entry(content="Lịch phường Phúc Lợi")
    make_entry(ward=second_ward, content="Tiếp dân Bồ Đề", kind=Entry.Kind.RECEPTION)
    assert "Tiếp dân Bồ Đề" not in reader.get(URL).text
    assert "Tiếp dân Bồ Đề" not in reader.get(RECEPTIONS).text
    assert "Lịch phường Phúc Lợi" not in second_reader.get(URL).text
    assert "Tiếp dân Bồ Đề" in second_reader.get(RECEPTIONS).text
    assert [e.content for e in blocks.this_week(second_ward)] == ["Tiếp dân Bồ Đề"]


def test_receptions_are_marked_in_the_week(reader, make_entry):
    make_entry(
        kind=Entry.Kind.RECEPTION, content="Tiếp công dân định kỳ", chair="Ông A"
    )
    text = reader.get(URL).text
    assert '<p class="schedule-kind">Tiếp công dân</p>' in text
    assert "Người tiếp:</dt> <dd>Ông A</dd>" in text


# "Cập nhật lúc" -----------------------------------------------------------------


def local(*args):
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def test_an_entry_changed_after_the_week_came_out_says_when(reader, make_entry):
    published = local(2026, 11, 27, 16, 0)
    day = date(2026, 12, 2)
    make_entry(day=day, content="Không đổi", published_at=published)
    make_entry(
        day=day,
        start=time(15),
        content="Đổi địa điểm",
        published_at=published,
        changed_at=local(2026, 11, 28, 9, 30),
    )
    text = reader.get(f"{URL}?tuan=2026-W49").text
    assert text.count("Cập nhật lúc") == 1
    assert "Cập nhật lúc 09:30 28/11/2026" in text


def test_an_entry_added_later_says_when(reader, make_entry):
    published = local(2026, 11, 27, 16, 0)
    make_entry(day=date(2026, 12, 1), published_at=published)
    make_entry(
        day=date(2026, 12, 3),
        content="Thêm sau",
        published_at=local(2026, 11, 30, 10, 5),
        changed_at=local(2026, 11, 26, 8, 0),  # Drafted before.
    )
    assert "Cập nhật lúc 10:05 30/11/2026" in reader.get(f"{URL}?tuan=2026-W49").text


def test_publishing_a_week_entry_by_entry_is_no_update(reader, make_entry):
    published = local(2026, 11, 27, 16, 0)
    make_entry(day=date(2026, 12, 1), published_at=published)
    make_entry(
        day=date(2026, 12, 2),
        published_at=published + PUBLISHING_GRACE - timedelta(minutes=1),
    )
    assert "Cập nhật lúc" not in reader.get(f"{URL}?tuan=2026-W49").text


# Reception days -----------------------------------------------------------------


def test_receptions_list_the_coming_ones_first(reader, make_entry, ward):
    today = timezone.localdate()
    ward.address = "Số 1 phố Phúc Lợi"
    ward.save()
    make_entry(
        kind=Entry.Kind.RECEPTION,
        day=today + timedelta(days=14),
        content="Tiếp dân sau",
        chair="Phó Chủ tịch B",
        place="Phòng tiếp dân",
    )
    make_entry(
        kind=Entry.Kind.RECEPTION,
        day=today + timedelta(days=7),
        content="Tiếp dân trước",
        chair="Chủ tịch A",
    )
    make_entry(
        kind=Entry.Kind.RECEPTION, day=today - timedelta(days=7), chair="Chủ tịch cũ"
    )
    make_entry(day=today + timedelta(days=1), content="Họp thường")
    make_entry(
        kind=Entry.Kind.RECEPTION,
        day=today + timedelta(days=3),
        content="Tiếp dân nháp",
        status=Entry.Status.DRAFT,
    )
    response = reader.get(RECEPTIONS)
    assert response.status_code == 200
    text = response.text
    assert text.index("Tiếp dân trước") < text.index("Tiếp dân sau")
    assert "Người tiếp:</dt> <dd>Phó Chủ tịch B</dd>" in text
    assert "Địa điểm:</dt> <dd>Phòng tiếp dân</dd>" in text
    assert "Họp thường" not in text and "Tiếp dân nháp" not in text
    assert text.index("Các buổi đã qua") < text.index("Chủ tịch cũ")
    assert "Số 1 phố Phúc Lợi" in text
    assert '<p class="schedule-kind">' not in text


def test_receptions_say_when_there_are_none(reader):
    text = reader.get(RECEPTIONS).text
    assert "Chưa có lịch tiếp công dân sắp tới." in text


# Queries, the page cache, the sitemap ------------------------------------------


@override_settings(PAGE_CACHE=False)
@pytest.mark.parametrize("path", [URL, RECEPTIONS])
def test_pages_run_a_fixed_number_of_queries(
    reader, make_entry, path, django_assert_num_queries
):
    reader.get(path)  # The ward's host map, read once per process.

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert reader.get(path).status_code == 200
        return len(queries)

    make_entry(kind=Entry.Kind.RECEPTION)
    few = count()
    today = timezone.localdate()
    for n in range(30):
        make_entry(
            day=today + timedelta(days=n % 7),
            kind=Entry.Kind.RECEPTION if n % 2 else Entry.Kind.WORK,
        )
    assert count() == few
    # The entries (one query; two for receptions: coming and past) and the
    # menu's categories.
    assert few == (3 if path == RECEPTIONS else 2)


def test_a_change_shows_at_once_through_the_page_cache(reader, make_entry, settings):
    settings.PAGE_CACHE = True
    entry = make_entry(place="Phòng họp số 1")
    assert "Phòng họp số 1" in reader.get(URL).text
    # A change that skips the signals stays unseen: the page is kept.
    Entry.objects.filter(pk=entry.pk).update(place="Không qua tín hiệu")
    assert "Phòng họp số 1" in reader.get(URL).text
    entry.refresh_from_db()
    entry.place = "Hội trường tầng 2"
    entry.save()
    assert "Hội trường tầng 2" in reader.get(URL).text
    entry.delete()
    assert "Hội trường tầng 2" not in reader.get(URL).text


def test_the_receptions_page_is_made_stale_too(reader, make_entry, settings):
    settings.PAGE_CACHE = True
    entry = make_entry(
        kind=Entry.Kind.RECEPTION, day=timezone.localdate() + timedelta(1)
    )
    assert "Giao ban lãnh đạo" in reader.get(RECEPTIONS).text
    entry.status = Entry.Status.DRAFT
    entry.save()
    assert "Giao ban lãnh đạo" not in reader.get(RECEPTIONS).text


def test_the_week_param_is_declared_to_the_page_cache():
    from django.urls import resolve

    assert resolve(URL).func.page_params == frozenset({"tuan"})
    assert resolve(RECEPTIONS).func.page_params == frozenset()


def test_the_sitemap_lists_the_pages_of_a_ward_with_a_schedule(
    reader, second_reader, make_entry
):
    assert "lich-cong-tac" not in reader.get("/sitemap.xml").text
    empty = reader.get("/sitemap-lich-cong-tac.xml").text
    assert "/lich-cong-tac/" not in empty
    make_entry(kind=Entry.Kind.RECEPTION)
    assert "lich-cong-tac" in reader.get("/sitemap.xml").text
    text = reader.get("/sitemap-lich-cong-tac.xml").text
    assert "http://testserver/lich-cong-tac/" in text
    assert "http://testserver/lich-tiep-cong-dan/" in text
    other = second_reader.get("/sitemap-lich-cong-tac.xml").text
    assert "/lich-cong-tac/</loc>" not in other


def test_the_sitemap_leaves_out_drafts(reader, make_entry):
    make_entry(status=Entry.Status.DRAFT)
    assert "/lich-cong-tac/</loc>" not in reader.get("/sitemap-lich-cong-tac.xml").text


def test_the_site_menu_leads_to_the_schedule(reader):
    text = reader.get("/").text
    assert '<a href="/lich-cong-tac/">Lịch công tác</a>' in text
    assert '<a href="/lich-cong-tac/" aria-current="page">Lịch công tác</a>' in (
        reader.get(URL).text
    )


def test_the_demo_has_a_lived_in_week(db, ward):
    from schedules.demo_content import load_schedule_demo

    assert load_schedule_demo()
    week = list(Entry.objects.published(ward).of_week(this_week()))
    assert len(week) >= 10
    assert any(e.is_reception for e in week)
    assert any(e.updated_after(min(x.published_at for x in week)) for e in week)
    assert Entry.objects.filter(ward=ward, status=Entry.Status.DRAFT).exists()
    assert Entry.objects.published(ward).of_week(this_week().next).exists()
    assert load_schedule_demo() == []  # Never twice.


@pytest.mark.parametrize("spelling", ["2026w49", " 2026-W49 ", "2026-w49"])
def test_a_week_has_one_address(reader, spelling):
    response = reader.get(URL, {"tuan": spelling})
    assert response.status_code == 301
    assert response["Location"].endswith("?tuan=2026-W49")
