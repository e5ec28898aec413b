"""“Tin RSS” at /tin-rss/: a page for people that says what the ward's feeds
are for and lists them, each with the address to give a feed reader; the
feeds themselves stay plain RSS for feed readers (tests/test_feeds.py)."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_feeds import channel

PAGE = "/tin-rss/"


def test_the_footers_tin_rss_leads_to_the_page_for_people(reader, make_article):
    make_article()
    home = reader.get("/").text
    footer = home[home.index('<footer class="site-footer"') :]
    assert f'<a href="{PAGE}">Tin RSS</a>' in footer
    assert '<a href="/rss/">' not in footer
    # Feed readers and browsers still find the feed itself in the head.
    assert (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Tin mới – Phường Phúc Lợi" href="/rss/">' in home
    )


def test_the_page_explains_and_lists_every_feed(
    reader, ward, make_article, category, other_category
):
    make_article(category=category, title="Hội nghị Ban Chấp hành")
    response = reader.get(PAGE)
    assert response.status_code == 200
    page = response.text
    assert "<h1" in page and ">Tin RSS</h1>" in page
    assert "ứng dụng đọc tin" in page
    # Every feed: its name, its full address to copy, and the page it follows.
    feeds = re.findall(r'<code class="feed-address">([^<]+)</code>', page)
    categories = list(ward.categories.all())
    assert {category, other_category} <= set(categories)
    assert feeds == [
        "http://testserver/rss/",
        *(f"http://testserver{c.get_absolute_url()}rss/" for c in categories),
    ]
    assert '<h2 class="feed-name">Tất cả tin mới</h2>' in page
    for listed in (category, other_category):
        assert f'<h2 class="feed-name">{listed.name}</h2>' in page
        assert f'<a href="{listed.get_absolute_url()}">' in page
    # A feed reader given any of them gets plain RSS 2.0.
    for address in feeds:
        assert channel(reader.get(address.removeprefix("http://testserver")))


def test_the_page_is_kept_for_readers(reader, make_article):
    make_article()
    first = reader.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        again = reader.get(PAGE)
    assert len(queries) == 0
    assert again.content == first.content
