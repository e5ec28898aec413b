from datetime import timedelta

from django.test.utils import override_settings
from django.utils import timezone

from articles.models import Article, Category
from documents.models import Document
from schedules.models import Entry


def test_it_shows_the_latest_published_articles(reader, make_article):
    article = make_article(title="Hội nghị tổng kết công tác năm")
    response = reader.get("/")
    assert response.status_code == 200
    assert "Phường Phúc Lợi" in response.text
    assert article.title in response.text
    assert article.get_absolute_url() in response.text


def test_it_hides_drafts_and_scheduled_articles(reader, make_article):
    make_article(title="Bản nháp chưa duyệt", status=Article.Status.DRAFT)
    make_article(
        title="Bài hẹn giờ ngày mai", published_at=timezone.now() + timedelta(days=1)
    )
    response = reader.get("/")
    assert "Bản nháp chưa duyệt" not in response.text
    assert "Bài hẹn giờ ngày mai" not in response.text


def test_it_has_a_block_per_category_with_its_newest_articles(
    reader, make_article, category, other_category
):
    for n in range(6):
        make_article(category=category, title=f"Tin Đảng {n}")
    make_article(category=other_category, title="Thông báo lịch tiếp dân")
    response = reader.get("/")
    blocks = dict(response.context["category_blocks"])
    # "Tin Đảng 0", the newest of all, leads the page and is not repeated.
    assert response.context["latest"][0].title == "Tin Đảng 0"
    assert [a.title for a in blocks[category]] == [f"Tin Đảng {n}" for n in range(1, 5)]
    assert [a.title for a in blocks[other_category]] == ["Thông báo lịch tiếp dân"]
    # Blocks follow the menu order.
    assert list(blocks) == [category, other_category]
    assert 'id="khoi-thong-bao"' in response.text


def test_the_menu_lists_every_category(reader, db):
    response = reader.get("/")
    for name in ["Tin tức - Sự kiện", "Công tác Đảng", "An ninh - Quốc phòng"]:
        assert f">{name}</a>" in response.text


def test_it_says_so_when_nothing_is_published(reader, db):
    response = reader.get("/")
    assert "Chưa có tin bài nào được đăng." in response.text


def test_a_pinned_article_leads_however_old(reader, make_article, category):
    for n in range(6):
        make_article(title=f"Tin mới {n}")
    pinned = make_article(
        title="Tin nổi bật tuần trước",
        published_at=timezone.now() - timedelta(days=7),
        is_featured=True,
    )
    response = reader.get("/")
    assert [a.title for a in response.context["latest"]] == [
        pinned.title,
        *(f"Tin mới {n}" for n in range(4)),
    ]
    # Not again in its category's block, which has the newest four.
    blocks = dict(response.context["category_blocks"])
    assert [a.title for a in blocks[category]] == [f"Tin mới {n}" for n in range(4)]


def test_a_pinned_article_readers_may_not_see_does_not_lead(reader, make_article):
    newest = make_article(title="Tin mới nhất")
    make_article(title="Bản nháp được ghim", status="draft", is_featured=True)
    assert reader.get("/").context["latest"] == [newest]


def test_blocks_follow_the_menu_and_leave_out_empty_categories(
    reader, make_article, category, other_category
):
    category.menu_order, other_category.menu_order = 90, 10
    category.save()
    other_category.save()
    make_article(title="Tin mới nhất, dẫn đầu trang")
    make_article(category=category)
    make_article(category=other_category)
    blocks = [c.slug for c, _ in reader.get("/").context["category_blocks"]]
    assert blocks == ["thong-bao", "cong-tac-dang"]


@override_settings(PAGE_CACHE=False)
def test_it_runs_a_fixed_number_of_queries(
    reader, make_article, category, other_category, django_assert_num_queries
):
    for n in range(12):
        make_article(category=category if n % 2 else other_category)
    # Latest articles, the categories (menu and blocks), category blocks,
    # most read (the last days' sums, those articles, of all time), the
    # newest documents, this week's schedule: whatever the number of articles
    # and of their days.
    with django_assert_num_queries(8):
        reader.get("/")


def test_readers_get_no_cookies(reader, make_article):
    make_article()
    response = reader.get("/")
    assert response.cookies == {}


def test_it_shows_the_newest_documents_the_coming_schedule_and_quick_links(
    reader, make_article, make_document, make_entry, second_ward
):
    make_article()
    newest = make_document(number="125/QĐ-UBND", summary="Về việc thành lập tổ")
    make_document(number="9/QĐ-UBND", status=Document.Status.DRAFT)
    make_document(ward=second_ward, number="77/QĐ-UBND")
    today = timezone.localdate()
    make_entry(content="Tiếp công dân định kỳ", kind=Entry.Kind.RECEPTION)
    make_entry(content="Họp bản nháp", status=Entry.Status.DRAFT)
    make_entry(content="Giao ban đã qua", day=today - timedelta(days=1))
    make_entry(content="Giao ban tuần sau", day=today + timedelta(days=7))
    page = reader.get("/").text
    assert newest.get_absolute_url() in page and "125/QĐ-UBND" in page
    assert "9/QĐ-UBND" not in page and "77/QĐ-UBND" not in page
    assert "Tiếp công dân định kỳ" in page and "Giao ban tuần sau" in page
    assert "Họp bản nháp" not in page and "Giao ban đã qua" not in page
    for link in ("/thu-tuc-hanh-chinh/", "/lich-tiep-cong-dan/", "/co-cau-to-chuc/"):
        assert f'href="{link}"' in page
    assert 'href="https://dichvucong.gov.vn/"' in page


def test_without_news_the_other_blocks_still_show(reader, make_document):
    make_document(number="125/QĐ-UBND")
    page = reader.get("/").text
    assert "Chưa có tin bài nào được đăng." in page
    assert "125/QĐ-UBND" in page and 'href="/thu-tuc-hanh-chinh/"' in page


def test_each_wards_home_page_has_its_own_blocks(
    reader, second_reader, make_article, category, other_category, second_ward
):
    """Among several wards, each category's block holds its newest four, in
    the menu's order, the ward's pinned article leading once; another
    ward's newer or pinned articles nowhere."""
    Category.objects.create_defaults(second_ward)
    elsewhere = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    now = timezone.now()
    for n in range(6):
        make_article(
            category=category,
            title=f"Đảng {n}",
            published_at=now - timedelta(hours=2 * n + 2),
        )
        make_article(
            category=other_category,
            title=f"Thông báo {n}",
            published_at=now - timedelta(hours=2 * n + 3),
        )
        make_article(
            category=elsewhere,
            title=f"Bồ Đề {n}",
            published_at=now - timedelta(minutes=n + 1),
        )
    pinned = make_article(
        category=other_category,
        title="Thông báo được ghim",
        published_at=now - timedelta(days=30),
        is_featured=True,
    )
    make_article(category=elsewhere, title="Bồ Đề được ghim", is_featured=True)
    response = reader.get("/")
    assert [a.title for a in response.context["latest"]] == [
        pinned.title,
        "Đảng 0",
        "Thông báo 0",
        "Đảng 1",
        "Thông báo 1",
    ]
    blocks = [
        (c.slug, [a.title for a in articles])
        for c, articles in response.context["category_blocks"]
    ]
    assert blocks == [
        ("cong-tac-dang", ["Đảng 0", "Đảng 1", "Đảng 2", "Đảng 3"]),
        ("thong-bao", ["Thông báo 0", "Thông báo 1", "Thông báo 2", "Thông báo 3"]),
    ]
    assert "Bồ Đề" not in response.text
    theirs = second_reader.get("/")
    assert theirs.context["latest"][0].title == "Bồ Đề được ghim"
    assert [a.title for a in dict(theirs.context["category_blocks"])[elsewhere]] == [
        "Bồ Đề 0",
        "Bồ Đề 1",
        "Bồ Đề 2",
        "Bồ Đề 3",
    ]
