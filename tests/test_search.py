"""Search at /tim-kiem/: accents, case and Unicode form never hide an article."""

import unicodedata
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test.utils import override_settings
from django.utils import timezone

from articles import search as search_module
from articles.models import Article, Category
from articles.search import Query, newest_matches
from documents.models import Document
from vietnamese.text import fold_accents

URL = "/tim-kiem/"


def titles(response):
    return [article.title for article, _, _ in response.context["results"]]


@pytest.fixture
def party_news(make_article):
    return make_article(
        title="Hội nghị sơ kết Công tác Đảng quý I",
        lead="Đảng ủy phường tổ chức hội nghị.",
        body="<p>Các chi bộ báo cáo kết quả thực hiện nghị quyết.</p>",
    )


@pytest.mark.parametrize(
    "q",
    [
        "cong tac dang",
        "CÔNG TÁC ĐẢNG",
        "công tác đảng",
        "Cong Tac Dang",
        unicodedata.normalize("NFD", "công tác Đảng"),
    ],
)
def test_accents_case_and_unicode_form_do_not_matter(reader, party_news, q):
    response = reader.get(URL, {"q": q})
    assert titles(response) == [party_news.title]
    assert "Tìm thấy 1 bài viết" in response.text


def test_decomposed_text_in_an_article_is_found(reader, make_article):
    article = make_article(title=unicodedata.normalize("NFD", "Lịch tiếp công dân"))
    assert titles(reader.get(URL, {"q": "lich tiep cong dan"})) == [article.title]


def test_d_with_stroke_matches_d(reader, make_article):
    article = make_article(title="Đoàn thanh niên ra quân")
    assert titles(reader.get(URL, {"q": "doan thanh nien"})) == [article.title]
    assert titles(reader.get(URL, {"q": "ĐOÀN"})) == [article.title]


def test_every_word_must_match_whole(reader, make_article):
    make_article(title="Thông báo lịch cắt điện")
    make_article(title="Bản tin phường")
    assert titles(reader.get(URL, {"q": "ban"})) == ["Bản tin phường"]
    assert titles(reader.get(URL, {"q": "lich cat nuoc"})) == []


def test_html_tags_and_attributes_are_not_searched(reader, make_article):
    make_article(
        title="Tin có ảnh",
        body='<p class="chinhquyen"><img src="/media/nghiquyet.jpg" alt="x">Chữ</p>',
    )
    for q in ["chinhquyen", "nghiquyet", "img", "src"]:
        assert titles(reader.get(URL, {"q": q})) == [], q


def test_lead_and_body_are_searched(reader, make_article):
    lead = make_article(title="Một", lead="Tổng vệ sinh môi trường")
    body = make_article(title="Hai", lead="", body="<p>Tiêm chủng mở rộng</p>")
    assert titles(reader.get(URL, {"q": "ve sinh"})) == [lead.title]
    assert titles(reader.get(URL, {"q": "tiem chung"})) == [body.title]


def test_exact_diacritics_rank_first_then_relevance_then_recency(reader, make_article):
    now = timezone.now()
    ba_old = make_article(title="Bà tổ một", published_at=now - timedelta(days=3))
    ba_new = make_article(title="Bà tổ hai", published_at=now - timedelta(days=1))
    ba_sac = make_article(title="Bá tổ bốn", published_at=now - timedelta(hours=1))
    ba_bare = make_article(title="Ba tổ năm", published_at=now)
    found = titles(reader.get(URL, {"q": "bà"}))
    assert found == [ba_new.title, ba_old.title, ba_bare.title, ba_sac.title]
    # Without accents typed, every "ba" is as good: the newest first.
    found = titles(reader.get(URL, {"q": "ba"}))
    assert found == [ba_bare.title, ba_sac.title, ba_new.title, ba_old.title]


def test_relevance_comes_before_recency(reader, make_article):
    now = timezone.now()
    dense = make_article(
        title="Tiêm chủng",
        lead="Tiêm chủng cho trẻ. Lịch tiêm chủng.",
        body="",
        published_at=now - timedelta(days=10),
    )
    passing = make_article(
        title="Tin tổng hợp tuần",
        lead="Nhiều hoạt động văn hóa, thể thao; có nhắc tiêm chủng.",
        body="<p>" + "Nội dung dài về nhiều việc khác nhau. " * 20 + "</p>",
        published_at=now,
    )
    assert titles(reader.get(URL, {"q": "tiem chung"})) == [dense.title, passing.title]


def test_only_this_wards_published_articles_are_found(
    reader, second_reader, make_article, second_ward
):
    shown = make_article(title="Thông báo tiêm chủng")
    make_article(title="Thông báo tiêm chủng nháp", status=Article.Status.DRAFT)
    make_article(
        title="Thông báo tiêm chủng ngày mai",
        published_at=timezone.now() + timedelta(days=1),
    )
    there = make_article(
        title="Thông báo tiêm chủng Bồ Đề",
        category=Category.objects.get(ward=second_ward, slug="thong-bao"),
    )
    assert titles(reader.get(URL, {"q": "tiem chung"})) == [shown.title]
    assert titles(second_reader.get(URL, {"q": "tiem chung"})) == [there.title]


def test_matches_are_highlighted_in_title_and_excerpt(reader, party_news):
    response = reader.get(URL, {"q": "cong tac dang"})
    assert "<mark>Công</mark> <mark>tác</mark> <mark>Đảng</mark>" in response.text
    assert "<mark>Đảng</mark> ủy phường" in response.text


def test_a_long_body_gives_a_short_excerpt_around_the_match(reader, make_article):
    body = "<p>" + "Mở đầu dài dòng. " * 100 + "Kết luận về tiêm chủng.</p>"
    make_article(title="Bài dài", lead="", body=body)
    response = reader.get(URL, {"q": "tiem chung"})
    excerpt = response.context["results"][0][2]
    assert "<mark>tiêm</mark> <mark>chủng</mark>" in excerpt
    assert excerpt.startswith("… ")
    assert len(excerpt.split()) < 50


def test_results_are_paginated_with_the_query_kept(reader, make_article):
    for n in range(13):
        make_article(title=f"Thông báo số {n}")
    response = reader.get(URL, {"q": "thong bao"})
    assert "Tìm thấy 13 bài viết" in response.text
    assert len(response.context["results"]) == 10
    assert 'href="?q=thong%20bao&amp;page=2"' in response.text
    page_two = reader.get(URL, {"q": "thong bao", "page": 2})
    assert len(page_two.context["results"]) == 3
    assert reader.get(URL, {"q": "thong bao", "page": "x'"}).status_code == 200


def test_user_input_is_escaped(reader, make_article):
    make_article(title="Tin a")
    response = reader.get(URL, {"q": '<script>alert("x")</script> tin'})
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Nhập từ khóa để tìm tin bài, văn bản hoặc thủ tục"),
        ("   ", "Nhập từ khóa để tìm tin bài, văn bản hoặc thủ tục"),
        ("😀🙏", "Từ khóa cần có ít nhất một chữ hoặc chữ số."),
        ('"" \' % _ & | ! ( ) :*', "Từ khóa cần có ít nhất một chữ hoặc chữ số."),
        ("\x00\x01", "Nhập từ khóa để tìm tin bài, văn bản hoặc thủ tục"),
        ("tin\x00tức", "Không tìm thấy kết quả nào"),
        ("'; DROP TABLE articles_article; --", "Không tìm thấy kết quả nào"),
        ("100% & a|b !c (d) e:*", "Không tìm thấy kết quả nào"),
        ("x" * 5000, "Từ khóa dài quá 200 ký tự"),
    ],
)
def test_odd_queries_get_a_normal_page_with_a_message(reader, party_news, q, message):
    response = reader.get(URL, {"q": q})
    assert response.status_code == 200
    assert message in response.text
    assert Article.objects.filter(pk=party_news.pk).exists()


def test_query_words_are_bounded():
    query = Query.parse(" ".join(f"tu{n}" for n in range(100)))
    assert len(query.words) == 12


def test_search_pages_are_not_hidden_from_search_engines(reader, db):
    # Lighthouse's SEO audit (make lighthouse) fails a page marked noindex.
    assert 'name="robots"' not in reader.get(URL, {"q": "tin"}).text


@override_settings(PAGE_CACHE=False)
def test_it_runs_a_fixed_number_of_queries(
    reader, make_article, django_assert_num_queries
):
    for n in range(15):
        make_article(title=f"Thông báo {n}")
    reader.get("/")  # The host map is warm.
    # The newest matches with their words, the matching documents and their
    # first few, the procedures' count and first few, the page's articles,
    # menu. PostgreSQL sets the time limit, in a savepoint of the test's
    # transaction (in production, a transaction of its own: 3 more).
    with django_assert_num_queries(9 if connection.vendor == "postgresql" else 6):
        reader.get(URL, {"q": "thong bao"})


def many_articles(ward, category, count, words):
    Article.objects.bulk_create(
        Article(
            ward=ward,
            category=category,
            title=f"Tin số {n}",
            slug=f"tin-so-{n}",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(minutes=n),
            search_text=f"tin số {n} {words}",
            search_folded=fold_accents(f"tin số {n} {words}"),
        )
        for n in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index is PostgreSQL's"
)
def test_postgresql_finds_a_rare_word_through_the_index(ward, category, party_news):
    many_articles(ward, category, 5000, "nội dung thường ngày")
    plan = newest_matches(ward, Query.parse("cong tac dang")).explain()
    assert "article_search_folded_idx" in plan
    # The stored words are read, never made again article by article.
    assert "search_vector @@" in plan
    assert "to_tsvector" not in plan


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index is PostgreSQL's"
)
def test_a_wards_search_reads_its_own_entries_of_the_words(
    ward, category, second_ward, party_news
):
    """Among many wards, the index gives the ward's matches alone: the
    words' entries of every other ward are skipped, not read and then
    checked for the ward (42 ms against 14 for a ward of 10,000 among 100)."""
    Category.objects.create_defaults(second_ward)
    elsewhere = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    many_articles(second_ward, elsewhere, 3000, "công tác đảng ở phường khác")
    many_articles(ward, category, 2000, "nội dung thường ngày")
    plan = newest_matches(ward, Query.parse("cong tac dang")).explain()
    conditions = [
        line for line in plan.splitlines() if "Index Cond" in line and "@@" in line
    ]
    assert conditions and all("ward_id" in line for line in conditions), plan


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored words are PostgreSQL's"
)
def test_postgresql_keeps_the_stored_words_of_every_save(reader, make_article):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'articles_article' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS",)
    article = make_article(title="Thông báo lịch cắt điện")
    assert titles(reader.get(URL, {"q": "cat dien"})) == [article.title]
    article.title = "Thông báo lịch tiêm chủng"
    article.save()
    assert titles(reader.get(URL, {"q": "tiem chung"})) == [article.title]
    assert titles(reader.get(URL, {"q": "cat dien"})) == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the indexes are PostgreSQL's"
)
def test_postgresql_reads_only_the_newest_matches_of_a_common_word(ward, category):
    many_articles(ward, category, 5000, "phường thông báo nội dung thường ngày")
    plan = newest_matches(ward, Query.parse("phuong")).explain()
    # Newest first from the date index, stopping at MAX_RANKED + 1: no
    # sorting of the 5,000 matches.
    assert "article_ward_newest_idx" in plan
    assert "Sort" not in plan


def test_the_excerpt_shows_where_the_words_stand_together(reader, make_article):
    body = (
        "<p>Đảng ủy phường họp thường kỳ. "
        + "Nhiều nội dung khác được bàn bạc kỹ lưỡng. " * 8
        + "Kết quả công tác Đảng năm qua rất tốt.</p>"
    )
    make_article(title="Hội nghị", lead="", body=body)
    excerpt = reader.get(URL, {"q": "cong tac dang"}).context["results"][0][2]
    assert "<mark>công</mark> <mark>tác</mark> <mark>Đảng</mark> năm qua" in excerpt
    assert excerpt.startswith("… ")


def test_a_word_most_articles_have_ranks_the_newest_few_hundred(
    reader, make_article, monkeypatch
):
    monkeypatch.setattr(search_module, "MAX_RANKED", 5)
    for n in range(7):
        make_article(title=f"Phường thông báo số {n}")
    response = reader.get(URL, {"q": "phuong"})
    assert (
        "Tìm thấy hơn 5 bài viết cho “phuong”: đây là 5 bài mới nhất, xếp theo "
        "mức phù hợp." in response.text
    )
    assert sorted(titles(response)) == [f"Phường thông báo số {n}" for n in range(5)]
    assert response.context["page_obj"].paginator.count == 5


def test_as_many_matches_as_are_ranked_are_not_more(reader, make_article, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RANKED", 5)
    for n in range(5):
        make_article(title=f"Phường thông báo số {n}")
    response = reader.get(URL, {"q": "phuong"})
    assert "Tìm thấy 5 bài viết cho “phuong”." in response.text
    assert "Tìm thấy hơn" not in response.text


def test_results_pages_show_every_ranked_match_once(reader, make_article, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RANKED", 25)
    for n in range(30):
        make_article(title=f"Phường thông báo số {n}")
    seen = []
    for page in [1, 2, 3]:
        numbered = {"page": page} if page > 1 else {}
        seen += titles(reader.get(URL, {"q": "phuong", **numbered}))
    assert len(seen) == len(set(seen)) == 25
    assert set(seen) == {f"Phường thông báo số {n}" for n in range(25)}


def test_words_either_side_of_a_tag_stay_apart(reader, make_article):
    article = make_article(
        title="Lịch tiếp công dân quý I",
        lead="",
        body="<table><tr><td>Ông Nguyễn Văn Hưởng</td><td>Chủ tịch</td></tr>"
        "<tr><td>Bà Trần Thị Thủy</td><td>Phó Chủ tịch</td></tr></table>"
        "<h3>Lưu ý</h3><p>Mang theo căn cước.</p>",
    )
    for q in ["Nguyễn Văn Hưởng", "thuy", "luu y", "huong chu tich"]:
        assert titles(reader.get(URL, {"q": q})) == [article.title], q
    excerpt = reader.get(URL, {"q": "luu y"}).context["results"][0][2]
    assert "Phó Chủ tịch <mark>Lưu</mark> <mark>ý</mark> Mang" in excerpt


def test_a_search_out_of_time_says_so(reader, party_news, monkeypatch):
    def too_slow(ward, query):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(search_module, "search", too_slow)
    response = reader.get(URL, {"q": "cong tac dang"})
    assert response.status_code == 200
    assert "mất quá nhiều thời gian" in response.text


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the time limit is PostgreSQL's"
)
def test_postgresql_stops_a_search_at_the_time_limit(reader, party_news, monkeypatch):
    monkeypatch.setattr(search_module, "TIMEOUT_MS", 1)
    sleepy = search_module.matching

    def slow_matches(published, query):
        return sleepy(published, query).extra(where=["pg_sleep(0.05) IS NOT NULL"])

    monkeypatch.setattr(search_module, "matching", slow_matches)
    response = reader.get(URL, {"q": "cong tac dang"})
    assert "mất quá nhiều thời gian" in response.text


def test_control_characters_pasted_from_word_never_reach_a_page(reader, make_article):
    article = make_article(title="Tin dán từ Word\vdòng hai\x02")
    article.refresh_from_db()
    assert article.title == "Tin dán từ Word\ndòng hai"
    assert reader.get("/rss/").status_code == 200


def test_angle_brackets_in_a_title_are_text_to_search(reader, make_article):
    article = make_article(title="Giá a<b và c>d", lead="<" * 60 + "a>" * 60)
    assert titles(reader.get(URL, {"q": "b va c"})) == [article.title]


def test_a_results_page_names_the_bare_search_page_canonical(reader, party_news):
    page = reader.get(URL, {"q": "nha cai uy tin"}).text
    assert '<link rel="canonical" href="http://testserver/tim-kiem/">' in page


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("q=phuong&page=01", "q=phuong"),
        ("q=phuong&page=1", "q=phuong"),
        ("q=phuong&page=%2B2", "q=phuong&page=2"),
        ("page=2&q=phuong&page=02", "page=2&q=phuong"),
    ],
)
def test_a_results_page_spelled_otherwise_leads_to_its_one_address(
    reader, db, query, canonical
):
    response = reader.get(f"{URL}?{query}")
    assert response.status_code == 301
    assert response["Location"] == f"{URL}?{canonical}"


def test_a_very_long_body_costs_a_search_no_more_than_a_long_one(
    reader, make_article, monkeypatch
):
    """Three bodies of 444,000 characters made each matching search ten times
    slower (issue 18): ranking and excerpts read the start of each result."""
    paragraph = "<p>" + "phường tổ dân phố hội nghị " * 40 + "</p>"
    body = paragraph * (444_000 // len(paragraph)) + "<p>cuoibai</p>"
    for n in range(3):
        make_article(title=f"Bài rất dài {n}", body=body)
    read = []
    real = search_module.plain_text
    monkeypatch.setattr(
        search_module, "plain_text", lambda html: read.append(len(html)) or real(html)
    )
    response = reader.get(URL, {"q": "hoi nghi"})
    assert len(response.context["results"]) == 3
    assert read and max(read) <= search_module.EXCERPT_CHARACTERS
    ranked = list(newest_matches(response.wsgi_request.ward, Query.parse("hoi nghi")))
    assert all(
        len(text) <= search_module.RANKED_CHARACTERS
        and len(folded) <= search_module.RANKED_CHARACTERS
        for _, text, folded, _ in ranked
    )


def test_a_word_past_the_start_of_a_long_body_is_still_found(reader, make_article):
    paragraph = "<p>" + "phường tổ dân phố " * 40 + "</p>"
    article = make_article(body=paragraph * 200 + "<p>Cuối bài có từ khonglo.</p>")
    response = reader.get(URL, {"q": "khonglo"})
    assert titles(response) == [article.title]
    assert "Sapo của bài viết" in response.text  # The excerpt: the lead.


# The one search: news, documents and procedures.


@pytest.fixture
def of_every_kind(make_article, make_document, make_procedure, second_ward):
    make_article(title="Hướng dẫn đăng ký khai sinh trực tuyến", slug="huong-dan")
    make_document(number="125/QĐ-UBND", summary="Về việc đăng ký khai sinh lưu động")
    make_document(
        number="126/QĐ-UBND",
        summary="Khai sinh, bản nháp",
        status=Document.Status.DRAFT,
    )
    make_document(ward=second_ward, number="127/QĐ-UBND", summary="Khai sinh ở Bồ Đề")
    make_procedure(name="Đăng ký khai sinh")
    make_procedure(name="Đăng ký khai sinh có yếu tố nước ngoài", ward=second_ward)


def test_one_search_finds_news_documents_and_procedures_of_this_ward(
    reader, of_every_kind
):
    page = reader.get(URL, {"q": "dang ky khai sinh"}).text
    assert "Tin bài (1)" in page and "Văn bản (1)" in page
    assert "Thủ tục hành chính (1)" in page and "Tất cả (3)" in page
    assert "125/QĐ-UBND" in page and "Đăng ký khai sinh</a>" in page
    assert 'href="/bai-viet/huong-dan/"' in page
    for elsewhere in ("126/QĐ-UBND", "127/QĐ-UBND", "yếu tố nước ngoài"):
        assert elsewhere not in page


def test_a_documents_number_is_found_however_typed(reader, of_every_kind):
    for typed in ("125/QĐ-UBND", "125/QD-UBND", "125 qđ ubnd"):
        page = reader.get(URL, {"q": typed}).text
        assert "Văn bản (1)" in page and "125/QĐ-UBND" in page, typed


@pytest.mark.parametrize(
    ("kind", "shown", "not_shown"),
    [
        ("van-ban", "125/QĐ-UBND", 'href="/bai-viet/huong-dan/"'),
        ("thu-tuc", "Đăng ký khai sinh</a>", "125/QĐ-UBND"),
        ("tin-bai", 'href="/bai-viet/huong-dan/"', "125/QĐ-UBND"),
    ],
)
def test_a_kind_alone_shows_only_its_results(
    reader, of_every_kind, kind, shown, not_shown
):
    response = reader.get(URL, {"q": "khai sinh", "loai": kind})
    assert response.status_code == 200
    assert shown in response.text and not_shown not in response.text
    assert f'loai={kind}" aria-current="page"' in response.text


def test_an_unknown_kind_is_every_kind(reader, of_every_kind):
    page = reader.get(URL, {"q": "khai sinh", "loai": "<script>"}).text
    assert "Tất cả (3)" in page and "&lt;script&gt;" not in page


# Nothing found: a way forward, not a dead end.


def no_results_help(response):
    text = response.content.decode()
    start = text.index('<div class="search-none">')
    return text[start : text.index("</div>", start)]


def test_nothing_found_suggests_the_same_search_with_fewer_words(
    reader, party_news, make_article
):
    make_article(title="Lịch tiếp công dân tháng 12")
    response = reader.get(URL, {"q": "Lịch tiếp công dân Tân Định"})
    assert response.context["total"] == 0
    help_ = no_results_help(response)
    assert "Không tìm thấy kết quả nào cho “Lịch tiếp công dân Tân Định”" in help_
    # One word less still leaves "Tân" or "Định": nothing to offer.
    assert response.context["fewer_words"] == []
    assert "Thử tìm với ít từ hơn" not in help_
    # One word too many: the search without it, as typed, with its count.
    response = reader.get(URL, {"q": "Hội nghị xyz"})
    assert response.context["fewer_words"] == [("Hội nghị", 1)]
    assert (
        'Thử tìm với ít từ hơn: <a href="?q=H%E1%BB%99i%20ngh%E1%BB%8B">“Hội nghị”</a> '
        "(1 kết quả)" in no_results_help(response)
    )
    assert reader.get(URL, {"q": "Hội nghị"}).context["total"] == 1


def test_nothing_found_lists_the_wards_categories_and_its_other_registers(
    reader, party_news, other_category
):
    response = reader.get(URL, {"q": "xyzabc"})
    help_ = no_results_help(response)
    assert response.context["fewer_words"] == []
    for category in (party_news.category, other_category):
        assert f'<a href="{category.get_absolute_url()}">{category.name}</a>' in help_
    assert '<a href="/van-ban/">Văn bản</a>' in help_
    assert '<a href="/thu-tuc-hanh-chinh/">Thủ tục hành chính</a>' in help_
    assert '<a href="/lien-he/">Liên hệ</a>' in help_
