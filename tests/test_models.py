import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Category
from vietnamese.text import sentence_case, vietnamese_slugify


def nfd(text):
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Công tác Đảng", "cong-tac-dang"),
        ("Đoàn thanh niên ra quân", "doan-thanh-nien-ra-quan"),
        ("Tin tức - Sự kiện", "tin-tuc-su-kien"),
        (nfd("Văn hóa - Xã hội"), "van-hoa-xa-hoi"),
        (
            "Hội nghị năm 2022: kết quả & định hướng!",
            "hoi-nghi-nam-2022-ket-qua-dinh-huong",
        ),
    ],
)
def test_slugs_keep_every_vietnamese_letter(title, slug):
    assert vietnamese_slugify(title) == slug


def test_sentence_case_lowers_all_but_the_first_letter():
    assert sentence_case("CÔNG TÁC ĐẢNG") == "Công tác đảng"


def test_article_slug_is_made_from_the_title(make_article):
    article = make_article(title="Thường trực Đảng ủy phường làm việc", slug="")
    assert article.slug == "thuong-truc-dang-uy-phuong-lam-viec"
    assert article.get_absolute_url() == f"/bai-viet/{article.slug}/"


def test_articles_with_the_same_title_get_distinct_slugs(make_article):
    first = make_article(title="Thông báo lịch tiếp dân")
    second = make_article(title="Thông báo lịch tiếp dân")
    assert first.slug == "thong-bao-lich-tiep-dan"
    assert second.slug == "thong-bao-lich-tiep-dan-2"


def test_a_very_long_title_still_gets_a_slug_that_fits(make_article):
    article = make_article(title="Đảng ủy phường " * 17)
    assert len(article.slug) <= 255
    assert article.slug.startswith("dang-uy-phuong-dang-uy-phuong")


def test_text_is_stored_composed_whatever_form_it_arrived_in(make_article):
    title = "Hội Cựu chiến binh phường tổng kết"
    article = make_article(
        title=nfd(title), lead=nfd("Sapo có dấu."), body=nfd("<p>Nội dung.</p>")
    )
    article.refresh_from_db()
    assert article.title == title
    assert article.lead == "Sapo có dấu."
    assert article.body == "<p>Nội dung.</p>"
    assert Article.objects.filter(title=title).get() == article


def test_category_names_are_stored_composed(ward):
    category = Category.objects.create(ward=ward, name=nfd("Hỏi đáp pháp luật"))
    category.refresh_from_db()
    assert category.name == "Hỏi đáp pháp luật"
    assert category.slug == "hoi-dap-phap-luat"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<p>Chào<script>alert("x")</script></p>', "<p>Chào</p>"),
        (
            '<img src="/media/uploads/phuc-loi/a.jpg" onerror="alert(1)">',
            '<img src="/media/uploads/phuc-loi/a.jpg">',
        ),
        (
            '<a href="javascript:alert(1)">Bấm</a>',
            '<a rel="noopener noreferrer">Bấm</a>',
        ),
        (
            '<p style="position:fixed;text-align:center">x</p>',
            '<p class="text-center">x</p>',
        ),
        ("<iframe src='https://example.com'></iframe><p>x</p>", "<p>x</p>"),
        ("<p onclick='steal()'>x</p>", "<p>x</p>"),
    ],
)
def test_body_is_sanitised_on_save(make_article, dirty, clean):
    article = make_article(body=dirty)
    article.refresh_from_db()
    assert article.body == clean


def test_body_keeps_what_a_news_article_needs(make_article):
    html = (
        "<h2>Kết quả</h2><p><strong>Đậm</strong> <em>nghiêng</em></p>"
        "<ol><li>Một</li></ol><ul><li>Hai</li></ul>"
        '<p><a href="https://chinhphu.vn" rel="noopener noreferrer">Liên kết</a></p>'
        '<p><img alt="Ảnh" src="/media/uploads/phuc-loi/anh.jpg" width="300"></p>'
        "<table><tbody><tr><td>Ô</td></tr></tbody></table>"
    )
    article = make_article(body=html)
    article.refresh_from_db()
    assert article.body == html


def test_published_shows_only_due_published_articles(make_article):
    now = timezone.now()
    shown = make_article(published_at=now - timedelta(minutes=1))
    make_article(status=Article.Status.DRAFT, published_at=now - timedelta(days=1))
    make_article(published_at=now + timedelta(hours=1))
    assert list(Article.objects.published(shown.ward)) == [shown]


def test_published_articles_come_newest_first(make_article):
    now = timezone.now()
    older = make_article(published_at=now - timedelta(days=2))
    newer = make_article(published_at=now - timedelta(days=1))
    assert list(Article.objects.published(newer.ward)) == [newer, older]


def test_ward_categories_come_with_the_database(db):
    assert list(Category.objects.values_list("name", flat=True)) == [
        "Tin tức - Sự kiện",
        "Công tác Đảng",
        "Chính quyền",
        "Mặt trận - Đoàn thể",
        "Kinh tế",
        "Văn hóa - Xã hội",
        "An ninh - Quốc phòng",
        "Thông báo",
    ]


def test_a_date_in_the_title_keeps_its_parts_in_the_slug(make_article):
    article = make_article(title="Lịch tiếp công dân tháng 1/2027")
    assert article.slug == "lich-tiep-cong-dan-thang-1-2027"


def test_an_article_without_a_lead_is_summed_up_by_its_body(make_article):
    article = make_article(
        title="Tạm dừng cấp nước", lead="", body="<p>Từ 8 giờ, ngày 2/12.</p>"
    )
    assert article.summary == "Từ 8 giờ, ngày 2/12."
