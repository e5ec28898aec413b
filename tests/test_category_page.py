"""A category's pages: newest first, ten a page, older and newer pages found
from the article they start after (?cu-hon=, ?moi-hon=, ?trang=cuoi)."""

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.utils import timezone

from articles.models import Article, Category

from .browsing import PHONE

URL = "/chuyen-muc/cong-tac-dang/"


def shown(response):
    return [article.title for article in response.context["articles"]]


def nav_links(response):
    """The page navigation's links: {text: href}."""
    nav = re.search(r'<nav class="pagination[^>]*>(.*?)</nav>', response.text, re.S)
    if nav is None:
        return {}
    links = re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', nav[1])
    return {text: href.replace("&amp;", "&") for href, text in links}


@pytest.fixture
def many(make_article, category, other_category, second_ward):
    """25 published articles of the category, newest first, three of them
    sharing each publish time (ties), among articles readers never see
    there: drafts, scheduled, another category's and another ward's."""
    now = timezone.now()
    titles = []
    for n in range(25):
        at = now - timedelta(hours=1 + n // 3)
        titles.append(make_article(title=f"Tin số {n:02}", published_at=at))
        if n % 5 == 0:
            make_article(title=f"Nháp {n}", status=Article.Status.DRAFT)
            make_article(
                title=f"Hẹn giờ {n}", published_at=now + timedelta(hours=n + 1)
            )
            make_article(title=f"Khác mục {n}", category=other_category)
            make_article(
                title=f"Phường khác {n}",
                category=Category.objects.get(ward=second_ward, slug="cong-tac-dang"),
            )
    # Newest first: by publish time, then by id among articles of one time.
    return [a.title for a in sorted(titles, key=lambda a: (a.published_at, a.pk))[::-1]]


def test_it_lists_the_category_newest_first(reader, make_article, category):
    older = make_article(title="Tin cũ hơn")
    newer = make_article(title="Tin mới hơn")
    newer.published_at, older.published_at = older.published_at, newer.published_at
    newer.save()
    older.save()
    response = reader.get(category.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["articles"]) == [newer, older]
    assert "<h1" in response.text and "Công tác Đảng</h1>" in response.text
    assert "<title>Công tác Đảng | Phường Phúc Lợi</title>" in response.text


def test_it_shows_only_its_own_published_articles(
    reader, make_article, category, other_category
):
    make_article(title="Thông báo khác chuyên mục", category=other_category)
    make_article(title="Bản nháp", status=Article.Status.DRAFT)
    make_article(title="Hẹn giờ", published_at=timezone.now() + timedelta(hours=1))
    shown_article = make_article(title="Tin đã đăng")
    response = reader.get(category.get_absolute_url())
    assert list(response.context["articles"]) == [shown_article]
    assert "Thông báo khác chuyên mục" not in response.text


def test_the_newest_page_leads_to_older_ones(reader, many):
    response = reader.get(URL)
    assert shown(response) == many[:10]
    tenth = response.context["articles"][-1]
    assert nav_links(response) == {
        "Cũ hơn ›": f"{URL}?cu-hon={tenth.pk}",
        "Cũ nhất »": f"{URL}?trang=cuoi",
    }
    assert 'rel="next"' in response.text and 'rel="prev"' not in response.text


def test_walking_older_shows_every_article_once_then_stops(reader, many):
    seen, response = [], reader.get(URL)
    while True:
        seen += shown(response)
        older = nav_links(response).get("Cũ hơn ›")
        if older is None:
            break
        response = reader.get(older)
        assert response.status_code == 200
        assert set(nav_links(response)) >= {"« Mới nhất", "‹ Mới hơn"}
    # Ties on the publish time included: nothing skipped, nothing twice, and
    # nothing readers may not see.
    assert seen == many
    assert len(response.context["articles"]) == 5
    assert "Cũ nhất »" not in nav_links(response)


def test_walking_newer_from_the_last_page_ends_on_the_first_page(reader, many):
    response = reader.get(URL + "?trang=cuoi")
    assert set(nav_links(response)) == {"« Mới nhất", "‹ Mới hơn"}
    pages = [shown(response)]
    while "‹ Mới hơn" in nav_links(response):
        response = reader.get(nav_links(response)["‹ Mới hơn"])
        assert response.status_code == 200
        assert set(nav_links(response)) >= {"Cũ hơn ›", "Cũ nhất »"}
        pages.append(shown(response))
    # Ten a page all the way: the walk ends on the first page itself, not on
    # a short page of the newest articles at an address of its own.
    assert pages == [many[15:], many[5:15], many[:10]]
    assert_first_page(response, many)


def assert_first_page(response, many):
    """``response`` is the category's first page, whatever its address."""
    assert response.status_code == 200
    assert shown(response) == many[:10]
    assert set(nav_links(response)) == {"Cũ hơn ›", "Cũ nhất »"}
    assert "<title>Công tác Đảng | Phường Phúc Lợi</title>" in response.text
    assert f'<link rel="canonical" href="http://testserver{URL}">' in response.text
    assert "page-position" not in response.text


def test_a_newer_page_that_reaches_the_newest_article_is_the_first_page(reader, many):
    listed = reader.get(URL).context["articles"]
    for article in (listed[0], listed[3], listed[9]):
        assert_first_page(reader.get(f"{URL}?moi-hon={article.pk}"), many)
    eleventh = reader.get(f"{URL}?cu-hon={listed[9].pk}").context["articles"][0]
    assert_first_page(reader.get(f"{URL}?moi-hon={eleventh.pk}"), many)


def test_older_then_newer_comes_back_to_the_same_page(reader, many):
    second = reader.get(nav_links(reader.get(URL))["Cũ hơn ›"])
    third = reader.get(nav_links(second)["Cũ hơn ›"])
    assert shown(third) == many[20:]
    back = reader.get(nav_links(third)["‹ Mới hơn"])
    assert shown(back) == shown(second) == many[10:20]
    assert shown(reader.get(nav_links(back)["‹ Mới hơn"])) == many[:10]
    assert nav_links(back)["« Mới nhất"] == URL


def test_a_small_category_has_no_page_links(reader, make_article, category):
    for _ in range(10):
        make_article()
    response = reader.get(URL)
    assert len(shown(response)) == 10
    assert '<nav class="pagination' not in response.text
    assert shown(reader.get(URL + "?trang=cuoi")) == shown(response)


def test_an_empty_category_says_so(reader, category):
    response = reader.get(category.get_absolute_url())
    assert "Chưa có bài viết nào trong chuyên mục này." in response.text
    assert reader.get(URL + "?trang=cuoi").status_code == 200


def test_later_pages_say_where_they_are(reader, many):
    first = reader.get(URL)
    tenth = first.context["articles"][-1]
    older = reader.get(URL, {"cu-hon": tenth.pk, "utm_source": "zalo"})
    eleventh = older.context["articles"][0]
    day = timezone.localtime(eleventh.published_at).strftime("%d/%m/%Y")
    assert (
        f"<title>Công tác Đảng (các bài đăng từ ngày {day} trở về trước)"
        " | Phường Phúc Lợi</title>" in older.text
    )
    assert (
        f'<meta name="description" content="Tin bài chuyên mục Công tác Đảng – '
        f'Phường Phúc Lợi (các bài đăng từ ngày {day} trở về trước)">' in older.text
    )
    assert (
        f'<p class="muted page-position">Các bài đăng từ ngày {day} trở về trước</p>'
        in older.text
    )
    assert (
        f'<link rel="canonical" href="http://testserver{URL}?cu-hon={tenth.pk}">'
        in older.text
    )
    last = reader.get(URL + "?trang=cuoi")
    assert (
        "<title>Công tác Đảng (những bài cũ nhất) | Phường Phúc Lợi</title>"
        in last.text
    )
    assert (
        '<meta name="description" content="Tin bài chuyên mục Công tác Đảng – '
        'Phường Phúc Lợi (những bài cũ nhất)">' in last.text
    )
    assert '<p class="muted page-position">Những bài cũ nhất</p>' in last.text
    assert f'href="http://testserver{URL}?trang=cuoi"' in last.text
    # Other parameters (a shared link's) change nothing.
    tagged = reader.get(URL, {"fbclid": "x"})
    assert all(title in tagged.text for title in shown(first))
    assert f'<link rel="canonical" href="http://testserver{URL}">' in tagged.text
    assert "page-position" not in tagged.text


def test_the_description_names_no_page_number(category, ward):
    """Pages say where they are with their label; no numbered page is left."""
    text = render_to_string(
        "includes/category_description.html",
        {"category": category, "ward": ward, "page_obj": SimpleNamespace(number=2)},
    )
    assert text == "Tin bài chuyên mục Công tác Đảng – Phường Phúc Lợi"


@pytest.mark.parametrize("page", ["1", "2", "37", "abc", ""])
def test_old_numbered_pages_lead_to_the_category(reader, category, page):
    response = reader.get(URL, {"page": page})
    assert response.status_code == 301
    assert response["Location"] == URL


def a_cursor(response, text):
    """The id in the page link ``text`` of ``response``."""
    return int(nav_links(response)[text].rsplit("=", 1)[1])


@pytest.mark.parametrize("index", [9, 19])
def test_a_link_still_works_when_its_article_leaves_the_category(
    reader, many, other_category, index
):
    """The article of an old link, moved to another category, still marks
    where the page starts; readers see none of it here."""
    article = Article.objects.get(title=many[index])
    article.title = "Bài không còn ở đây"
    article.category = other_category
    article.save()
    rest = many[:index] + many[index + 1 :]
    older = reader.get(f"{URL}?cu-hon={article.pk}")
    assert older.status_code == 200
    assert shown(older) == rest[index : index + 10]
    assert set(nav_links(older)) >= {"« Mới nhất", "‹ Mới hơn"}
    newer = reader.get(f"{URL}?moi-hon={article.pk}")
    if index < 10:
        assert_first_page(newer, rest)
    else:
        assert newer.status_code == 200
        assert shown(newer) == rest[index - 10 : index]
        assert len(nav_links(newer)) == 4
        # Back the other way, from a listed article, the same page as before.
        back = reader.get(nav_links(newer)["Cũ hơn ›"])
        assert shown(back) == shown(older)
    for response in (older, newer):
        assert "Bài không còn ở đây" not in response.text


@pytest.mark.parametrize("change", ["withdrawn", "draft"])
def test_a_link_whose_article_readers_no_longer_see_leads_to_the_first_page(
    reader, many, change
):
    """As if the article had never been: the address tells nothing of it."""
    article = Article.objects.get(title=many[12])
    article.status = change
    article.save()
    for key in ["cu-hon", "moi-hon"]:
        response = reader.get(f"{URL}?{key}={article.pk}")
        assert response.status_code == 302, key
        assert response["Location"] == URL


def test_a_scheduled_articles_link_shows_only_what_is_published(reader, many):
    scheduled = Article.objects.filter(title__startswith="Hẹn giờ").first()
    for query in [f"cu-hon={scheduled.pk}", f"moi-hon={scheduled.pk}"]:
        response = reader.get(f"{URL}?{query}")
        assert response.status_code == 302
        assert response["Location"] == URL


def test_a_cursor_tells_a_hidden_article_from_a_missing_one_in_nothing(
    reader, many, make_article, second_ward, django_assert_num_queries
):
    """A draft's, a scheduled article's, another ward's and an id that never
    was: the same answer, after the same queries."""
    draft = Article.objects.filter(status=Article.Status.DRAFT).first()
    scheduled = Article.objects.filter(title__startswith="Hẹn giờ").first()
    theirs = make_article(
        category=Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    )
    missing = Article.objects.order_by("-pk").first().pk + 1000
    answers = set()
    for pk in [draft.pk, scheduled.pk, theirs.pk, missing]:
        for key in ["cu-hon", "moi-hon"]:
            response = reader.get(f"{URL}?{key}={pk}")
            answers.add((response.status_code, response["Location"]))
    assert answers == {(302, URL)}


def test_a_link_older_than_every_article_leads_to_the_last_page(
    reader, many, make_article, other_category
):
    oldest = make_article(
        published_at=timezone.now() - timedelta(days=30),
        category=other_category,
    )
    response = reader.get(f"{URL}?cu-hon={oldest.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?trang=cuoi"
    response = reader.get(f"{URL}?moi-hon={oldest.pk}")
    assert shown(response) == many[-10:]
    assert set(nav_links(response)) == {"« Mới nhất", "‹ Mới hơn"}


def test_a_deleted_articles_link_leads_to_the_first_page(reader, many):
    listed = reader.get(URL).context["articles"]
    second = reader.get(f"{URL}?cu-hon={listed[9].pk}")
    gone = [listed[9].pk, a_cursor(second, "Cũ hơn ›")]
    Article.objects.filter(pk__in=gone).delete()
    for pk in [*gone, 999999999]:
        for key in ["cu-hon", "moi-hon"]:
            response = reader.get(f"{URL}?{key}={pk}")
            assert response.status_code == 302, (key, pk)
            assert response["Location"] == URL


def test_an_empty_category_leads_any_link_to_its_first_page(
    reader, category, make_article, other_category
):
    elsewhere = make_article(category=other_category)
    response = reader.get(f"{URL}?cu-hon={elsewhere.pk}")
    assert response.status_code == 302
    assert response["Location"] == URL


def test_a_cursor_that_is_not_an_id_is_not_found(reader, many):
    some = reader.get(URL).context["articles"][3].pk
    queries = [
        "cu-hon=abc",
        "cu-hon=0",
        "cu-hon=-5",
        "cu-hon=1.5",
        "cu-hon=99999999999999999999999",
        "trang=2",
        "trang=dau",
        f"cu-hon={some}&moi-hon={some}",
        f"cu-hon={some}&trang=cuoi",
    ]
    for query in queries:
        response = reader.get(f"{URL}?{query}")
        assert response.status_code == 404, query
        assert "Không tìm thấy trang" in response.text


def test_a_cursor_spelled_otherwise_leads_to_its_one_address(reader, many):
    """One page, one address, one copy in the page cache."""
    some = reader.get(URL).context["articles"][3].pk
    spellings = {
        f"cu-hon=0{some}": f"{URL}?cu-hon={some}",
        f"cu-hon=%2B{some}": f"{URL}?cu-hon={some}",
        f"cu-hon={some}%20": f"{URL}?cu-hon={some}",
        f"moi-hon=000{some}": f"{URL}?moi-hon={some}",
        f"cu-hon={some}&cu-hon={some}": f"{URL}?cu-hon={some}",
        "trang=CUOI": f"{URL}?trang=cuoi",
        "cu-hon=": URL,
        "moi-hon=%20": URL,
        f"utm_source=zalo&cu-hon=0{some}": f"{URL}?utm_source=zalo&cu-hon={some}",
    }
    for query, canonical in spellings.items():
        response = reader.get(f"{URL}?{query}")
        assert response.status_code == 301, query
        assert response["Location"] == canonical, query
    assert reader.get(f"{URL}?cu-hon={some}").status_code == 200


def test_an_unknown_category_is_not_found(reader, db):
    response = reader.get("/chuyen-muc/khong-co/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert reader.get("/chuyen-muc/khong-co/?trang=cuoi").status_code == 404


@override_settings(PAGE_CACHE=False)
def test_it_runs_a_fixed_number_of_queries(reader, many, django_assert_num_queries):
    cursor = reader.get(URL).context["articles"][-1].pk
    # Category, the page of articles (the cursor's time read in it), menu.
    for query in ["", f"?cu-hon={cursor}", f"?moi-hon={cursor}", "?trang=cuoi"]:
        with django_assert_num_queries(3):
            reader.get(URL + query)


SHOTS = Path("/tmp/wardnews-shots")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width, rows", [(PHONE["width"], 2), (1024, 1)])
def test_the_four_page_links_sit_tidily(live_server, new_context, many, width, rows):
    """On a phone two a row, newer above older; wider, one row. No label
    wraps inside its button."""
    page = new_context(viewport={"width": width, "height": 844}).new_page()
    page.goto(f"{live_server.url}{URL}")
    page.get_by_role("link", name="Cũ hơn ›").click()
    # Where the reader is, right under the heading.
    position = page.locator("h1 + .page-position")
    assert position.inner_text().startswith("Các bài đăng từ ngày")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"category-top-{width}.png")
    links = page.locator(".pagination-pages a")
    links.last.scroll_into_view_if_needed()
    page.locator(".pagination-pages").screenshot(
        path=SHOTS / f"category-pages-{width}.png"
    )
    boxes = [links.nth(n).bounding_box() for n in range(links.count())]
    assert [link.inner_text() for link in links.all()] == [
        "« Mới nhất",
        "‹ Mới hơn",
        "Cũ hơn ›",
        "Cũ nhất »",
    ]
    tops = sorted({round(box["y"]) for box in boxes})
    assert len(tops) == rows
    assert all(round(box["y"]) in tops for box in boxes)
    assert len({round(box["height"]) for box in boxes}) == 1
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)
    if rows == 2:
        assert [round(box["y"]) for box in boxes] == [tops[0]] * 2 + [tops[1]] * 2
