"""Today's date in every page's header, as Vietnamese government portals show
it ("Thứ Bảy, 05/12/2026"), in the ward's time: and right the moment after
midnight on pages the page cache keeps (wardnews/pagecache.py)."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .conftest import PHONE_UA

WARD_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*when):
    """The clock stopped at a time in the ward (Hà Nội's time)."""
    return mock.patch(
        "django.utils.timezone.now", return_value=datetime(*when, tzinfo=WARD_TIME)
    )


def header_date(response):
    text = response.content.decode()
    start = text.index('<p class="site-date">')
    return text[start : text.index("</p>", start) + 4]


def test_the_header_shows_todays_weekday_and_date_in_the_wards_time(
    reader, make_article
):
    make_article()
    # 05/12/2026 01:30 in Hà Nội is still the 4th in UTC: the ward's day counts.
    with at(2026, 12, 5, 1, 30):
        page = reader.get("/")
    assert header_date(page) == (
        '<p class="site-date">'
        '<time datetime="2026-12-05">Thứ Bảy, 05/12/2026</time></p>'
    )
    with at(2026, 12, 6, 12, 0):
        assert "Chủ nhật, 06/12/2026" in header_date(Client().get("/gioi-thieu/"))


def test_a_kept_page_shows_the_new_day_right_after_midnight(make_article):
    make_article(title="Lịch tiếp công dân")
    with at(2026, 12, 5, 23, 59, 30):
        first = Client(headers={"user-agent": PHONE_UA}).get("/")
        with CaptureQueriesContext(connection) as queries:
            kept = Client(headers={"user-agent": PHONE_UA}).get("/")
    assert len(queries) == 0  # The page cache answered.
    assert "Thứ Bảy, 05/12/2026" in header_date(first) == header_date(kept)
    # Ten seconds after midnight: well within the minute a home page is
    # kept, yet the page says the new day.
    with at(2026, 12, 6, 0, 0, 10):
        after = Client(headers={"user-agent": PHONE_UA}).get("/")
    assert "Chủ nhật, 06/12/2026" in header_date(after)
    assert "Lịch tiếp công dân" in after.content.decode()
