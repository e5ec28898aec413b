"""The article list's time column says when readers got (or will get) each
article: a draft or a waiting article has no publish time yet, a scheduled
one is marked as such, and only a published one shows when it came out."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from articles.models import Article

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ARTICLES = "/admin/articles/article/"


def rows(page) -> dict:
    """Each row of the list's table by its article's title, as text."""
    found = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
        title = re.search(r"Bài (\w+)", text)
        if title:
            found[title.group(1)] = text
    return found


@pytest.fixture
def listed(client, ward_editor, make_article):
    past = datetime(2026, 11, 20, 9, 30, tzinfo=HANOI)
    later = timezone.localtime() + timedelta(days=3)
    for title, status, when in [
        ("Nháp", Article.Status.DRAFT, past),
        ("Chờ", Article.Status.REVIEW, past),
        ("Hẹn", Article.Status.PUBLISHED, later),
        ("Đăng", Article.Status.PUBLISHED, past),
        ("Gỡ", Article.Status.WITHDRAWN, past),
    ]:
        make_article(title=f"Bài {title}", status=status, published_at=when)
    client.force_login(ward_editor)
    page = client.get(ARTICLES).text
    return rows(page), later


def test_drafts_and_waiting_articles_are_not_shown_as_published(listed):
    found, _ = listed
    for title in ("Nháp", "Chờ"):
        assert "Chưa đăng" in found[title], found[title]
        assert "20/11/2026" not in found[title]


def test_a_scheduled_article_shows_its_time_as_scheduled(listed):
    found, later = listed
    assert f"Hẹn đăng {later:%d/%m/%Y %H:%M}" in found["Hẹn"]


def test_a_published_article_shows_when_it_came_out(listed):
    found, _ = listed
    assert "20/11/2026 09:30" in found["Đăng"]
    assert "Chưa đăng" not in found["Đăng"]


def test_a_withdrawn_article_shows_it_is_no_longer_out(listed):
    found, _ = listed
    assert "Đã gỡ" in found["Gỡ"]
    assert "20/11/2026 09:30" not in found["Gỡ"]
