from articles.models import Article


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
    shown = make_article(title="Tin đã đăng")
    response = reader.get(category.get_absolute_url())
    assert list(response.context["articles"]) == [shown]
    assert "Thông báo khác chuyên mục" not in response.text


def test_it_is_paginated(reader, make_article, category):
    for _ in range(23):
        make_article()
    first = reader.get(category.get_absolute_url())
    assert len(first.context["articles"]) == 10
    assert "Trang 1/3" in first.text
    assert 'href="?page=2"' in first.text
    last = reader.get(category.get_absolute_url() + "?page=3")
    assert len(last.context["articles"]) == 3
    assert "Trang 3/3" in last.text


def test_a_page_past_the_end_is_not_found(reader, category):
    assert reader.get(category.get_absolute_url() + "?page=9").status_code == 404
    assert reader.get(category.get_absolute_url() + "?page=abc").status_code == 404


def test_an_unknown_category_is_not_found(reader, db):
    response = reader.get("/chuyen-muc/khong-co/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_an_empty_category_says_so(reader, category):
    response = reader.get(category.get_absolute_url())
    assert "Chưa có bài viết nào trong chuyên mục này." in response.text


def test_it_runs_a_fixed_number_of_queries(
    reader, make_article, category, django_assert_num_queries
):
    for _ in range(15):
        make_article()
    # Category, count, page of articles, menu.
    with django_assert_num_queries(4):
        reader.get(category.get_absolute_url())
