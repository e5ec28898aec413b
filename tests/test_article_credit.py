"""An article's author and source line ("Tác giả", "Nguồn"), as Vietnamese
ward news carries it at the end: set in the admin, shown at the end of the
article and told to search engines in its JSON-LD."""

import json

import pytest

from articles.models import Article

from .conftest import article_form
from .test_social import head

ADD_URL = "/admin/articles/article/add/"
SOURCE_URL = "https://hanoimoi.vn/tiep-cong-dan-thang-12-123.html"


@pytest.fixture
def credited(make_article):
    return make_article(
        title="Lịch tiếp công dân tháng 12",
        body="<p>Lãnh đạo phường tiếp công dân vào sáng thứ Năm.</p>",
        byline="Thu Hà",
        source="Báo Hà Nội mới",
        source_url=SOURCE_URL,
    )


def test_the_author_and_source_close_the_article(reader, credited):
    page = reader.get(credited.get_absolute_url()).text
    article = page[page.index('<article class="article">') : page.index("</article>")]
    credit = (
        '<div class="article-credit">'
        '<p class="article-byline">Tác giả: <strong>Thu Hà</strong></p>'
        f'<p class="article-source">Nguồn: <a href="{SOURCE_URL}" rel="nofollow">'
        "Báo Hà Nội mới</a></p></div>"
    )
    assert credit in article
    # After the text, where a reader finishes.
    assert article.index(credit) > article.index("sáng thứ Năm.")


def test_a_source_without_a_link_and_an_article_without_either(reader, make_article):
    quoted = make_article(source="Đài Phát thanh và Truyền hình Hà Nội")
    page = reader.get(quoted.get_absolute_url()).text
    assert (
        '<p class="article-source">Nguồn: Đài Phát thanh và Truyền hình Hà Nội</p>'
        in page
    )
    assert "Tác giả:" not in page
    plain = reader.get(make_article().get_absolute_url()).text
    assert 'class="article-credit"' not in plain
    assert "isBasedOn" not in plain


def test_the_json_ld_names_the_author_and_what_the_article_is_based_on(
    reader, credited
):
    [text] = head(reader.get(credited.get_absolute_url())).json_ld
    data = json.loads(text)
    assert data["author"] == {"@type": "Person", "name": "Thu Hà"}
    assert data["isBasedOn"] == {
        "@type": "CreativeWork",
        "url": SOURCE_URL,
        "publisher": {"@type": "Organization", "name": "Báo Hà Nội mới"},
    }
    # The ward still publishes it.
    assert data["publisher"]["name"] == "Cổng thông tin điện tử Phường Phúc Lợi"


def test_staff_set_the_author_and_source_in_the_admin(client, ward_editor, category):
    client.force_login(ward_editor)
    page = client.get(ADD_URL).text
    for label in ("Tác giả", "Nguồn", "Liên kết nguồn"):
        assert f">{label}:</label>" in page
    response = client.post(
        ADD_URL,
        article_form(
            category,
            byline="  Thu  Hà ",
            source="Báo Hà Nội mới",
            source_url=SOURCE_URL,
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.byline, article.source, article.source_url) == (
        "Thu Hà",
        "Báo Hà Nội mới",
        SOURCE_URL,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"source": "Báo", "source_url": "javascript:alert(1)"},
            "Liên kết phải là địa chỉ một trang web, bắt đầu bằng http:// hoặc "
            "https://",
        ),
        (
            {"source_url": SOURCE_URL},
            "Hãy ghi tên nguồn (ví dụ: Báo Hà Nội mới) cho liên kết nguồn.",
        ),
    ],
)
def test_a_bad_source_is_refused_with_a_clear_message(
    client, ward_editor, category, fields, message
):
    client.force_login(ward_editor)
    response = client.post(ADD_URL, article_form(category, **fields))
    assert response.status_code == 200
    assert message in response.text
    assert not Article.objects.exists()
