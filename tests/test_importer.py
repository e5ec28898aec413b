import html
import re
import unicodedata
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importing import (
    ArticleFormatError,
    ImportStatus,
    import_file,
    parse_article,
    read_article_file,
)
from articles.models import Article, Category
from wards.hosts import default_ward

from .conftest import last_analyzed

SEED = (
    Path(__file__).resolve().parent.parent
    / "articles/demo/cong-tac-dang-2022-01-24.txt"
)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

SEED_TITLE = (
    "Thường trực Đảng ủy phường Phúc Lợi làm việc với MTTQ và các đoàn thể "
    "CTXH phường về nhiệm vụ năm 2022"
)
SEED_LEAD = (
    "Chiều ngày 20/1/2022, Thường trực Đảng ủy phường Phúc Lợi làm việc với MTTQ "
    "và các đoàn thể chính trị - xã hội của phường về chương trình, nhiệm vụ "
    "trọng tâm năm 2022"
)


def export(
    category="THÔNG BÁO",
    title="Lịch tiếp công dân tháng 3/2024",
    date_line="Ngày đăng 01/03/2024 | 08:30 | Lượt xem: 12",
    lead="UBND phường thông báo lịch tiếp công dân.",
    body=("Đoạn thứ nhất.", "Đoạn thứ hai./."),
):
    """The text of an export shaped like the seed."""
    return "\n\n".join([category, title, date_line, lead, *body]) + "\n"


def write(directory, name, text, *, encoding="utf-8"):
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def text_of(body_html):
    """What a reader sees of a body: tags gone, entities shown as characters,
    a line a paragraph."""
    paragraphs = re.sub(r"</p>\s*", "\n", body_html).strip("\n")
    return html.unescape(re.sub(r"<[^>]+>", "", paragraphs))


# Parsing: no database.


def test_it_parses_the_seed_field_by_field():
    parsed = parse_article(read_article_file(SEED))

    assert parsed.category_name == "CÔNG TÁC ĐẢNG"
    assert parsed.title == SEED_TITLE
    assert parsed.published_at == datetime(2022, 1, 24, 10, 15, tzinfo=HANOI)
    assert parsed.published_at == datetime(2022, 1, 24, 3, 15, tzinfo=UTC)
    assert parsed.view_count == 75
    assert parsed.lead == SEED_LEAD
    paragraphs = parsed.body_html.split("\n")
    assert len(paragraphs) == 7
    assert all(p.startswith("<p>") and p.endswith("</p>") for p in paragraphs)
    assert paragraphs[0].startswith("<p>Dự và chủ trì hội nghị")
    assert paragraphs[1].startswith("<p>Tại hội nghị,")
    assert paragraphs[2].startswith("<p>Trên cơ sở báo cáo")
    assert paragraphs[3].startswith("<p>1. Đối với MTTQ phường:")
    assert paragraphs[4].startswith("<p>2. Đối với Hội CCB phường:")
    assert paragraphs[5].startswith("<p>3. Đối với")
    assert paragraphs[6].startswith("<p>4. Đối với Đoàn thanh niên phường:")
    assert paragraphs[6].endswith("vững mạnh./.</p>")
    assert "<ol" not in parsed.body_html
    assert "<li" not in parsed.body_html


def test_it_reads_a_file_with_a_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes())

    text = read_article_file(path)

    assert not text.startswith("\ufeff")
    assert parse_article(text) == parse_article(read_article_file(SEED))


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_it_reads_crlf_and_lone_cr_line_ends(tmp_path, newline):
    seed_text = SEED.read_text(encoding="utf-8")
    path = write(tmp_path, "windows.txt", seed_text.replace("\n", newline))

    text = read_article_file(path)

    assert "\r" not in text
    parsed = parse_article(text)
    assert parsed == parse_article(seed_text)
    assert "\r" not in parsed.body_html


def test_it_parses_nfd_text_into_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", SEED.read_text(encoding="utf-8"))
    assert "Ngày đăng" not in nfd
    path = write(tmp_path, "nfd.txt", nfd)

    parsed = parse_article(read_article_file(path))

    assert parsed.title == SEED_TITLE
    assert parsed.lead == SEED_LEAD
    assert parsed.category_name == "CÔNG TÁC ĐẢNG"
    assert unicodedata.is_normalized("NFC", parsed.body_html)


def test_parse_article_normalises_text_given_directly():
    text = "\ufeff" + unicodedata.normalize("NFD", export()).replace("\n", "\r\n")

    assert parse_article(text) == parse_article(export())


@pytest.mark.parametrize(
    ("views", "expected"),
    [("75", 75), ("1.204", 1204), ("12.345.678", 12345678), ("0", 0)],
)
def test_it_reads_the_view_count_with_thousands_separators(views, expected):
    text = export(date_line=f"Ngày đăng 01/03/2024 | 08:30 | Lượt xem: {views}")

    assert parse_article(text).view_count == expected


@pytest.mark.parametrize(
    "date_line",
    [
        "Ngày đăng 05/03/2024|14:07|Lượt xem: 9",
        "Ngày đăng 05/03/2024   |   14:07   |   Lượt xem: 9",
        "Ngày đăng 05/03/2024 | 14:07 \u00a0|\u00a0 Lượt xem: 9",
        "Ngày đăng\u00a05/03/2024\u00a0|\u00a014:07\u00a0|\u00a0Lượt xem:\u00a09",
        "Ngày đăng 5/3/2024 |\t14:07 | Lượt xem: 9   ",
    ],
    ids=["no-spaces", "many-spaces", "nbsp-like-seed", "only-nbsp", "tab-and-short"],
)
def test_it_accepts_any_spacing_around_the_bars(date_line):
    parsed = parse_article(export(date_line=date_line))

    assert parsed.published_at == datetime(2024, 3, 5, 14, 7, tzinfo=HANOI)
    assert parsed.view_count == 9


def test_it_escapes_markup_characters_as_text():
    parsed = parse_article(
        export(
            lead="Giá vé < 50.000 đồng & miễn phí cho trẻ em",
            body=("Nhiệt độ <15°C & mưa <b>rét</b>", "<script>alert(1)</script>"),
        )
    )

    assert parsed.lead == "Giá vé < 50.000 đồng & miễn phí cho trẻ em"
    assert parsed.body_html == (
        "<p>Nhiệt độ &lt;15°C &amp; mưa &lt;b&gt;rét&lt;/b&gt;</p>\n"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert text_of(parsed.body_html) == (
        "Nhiệt độ <15°C & mưa <b>rét</b>\n<script>alert(1)</script>"
    )


def test_it_makes_one_list_of_consecutive_dash_lines():
    parsed = parse_article(
        export(
            body=(
                "Hồ sơ gồm:\n- Đơn đề nghị;\n- Bản sao CCCD;",
                "- Sổ hộ khẩu.",
                "Nộp tại bộ phận một cửa - UBND phường.",
                "- Hạn chót: 30/3.",
            )
        )
    )

    assert parsed.body_html == (
        "<p>Hồ sơ gồm:</p>\n"
        "<ul><li>Đơn đề nghị;</li><li>Bản sao CCCD;</li><li>Sổ hộ khẩu.</li></ul>\n"
        "<p>Nộp tại bộ phận một cửa - UBND phường.</p>\n"
        "<ul><li>Hạn chót: 30/3.</li></ul>"
    )


def test_it_joins_the_lines_of_a_paragraph_with_br():
    parsed = parse_article(
        export(body=("Nơi nhận:\n  Đảng ủy phường;  \nLưu VP.", "1. Một\n2. Hai"))
    )

    assert parsed.body_html == (
        "<p>Nơi nhận:<br>Đảng ủy phường;<br>Lưu VP.</p>\n<p>1. Một<br>2. Hai</p>"
    )


def test_it_accepts_an_article_without_body():
    parsed = parse_article(export(body=()))

    assert parsed.lead == "UBND phường thông báo lịch tiếp công dân."
    assert parsed.body_html == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "tệp trống"),
        (" \n\u00a0\n\n", "tệp trống"),
        ("THÔNG BÁO\n", "thiếu tiêu đề"),
        (
            "THÔNG BÁO\nNgày đăng 01/03/2024 | 08:30 | Lượt xem: 1\nSapo",
            "thiếu tiêu đề",
        ),
        ("THÔNG BÁO\nTiêu đề\n", "thiếu dòng “Ngày đăng …”"),
        (export(date_line="Đăng ngày 01/03/2024"), "thiếu dòng “Ngày đăng …”"),
        (export(date_line="Ngày đăng 01/03/2024 | 08:30"), "sai dạng “Ngày đăng …”"),
        (
            export(date_line="Ngày đăng 01/03/2024 | 08:30 | Lượt xem: 1.20"),
            "sai dạng “Ngày đăng …”",
        ),
        (
            export(date_line="Ngày đăng 31/02/2022 | 10:15 | Lượt xem: 1"),
            "ngày giờ đăng không có thật: 31/02/2022 10:15",
        ),
        (
            export(date_line="Ngày đăng 01/03/2024 | 25:00 | Lượt xem: 1"),
            "ngày giờ đăng không có thật",
        ),
        (export(lead="", body=()), "thiếu đoạn sapo"),
        (export(title="T" * 256), "tiêu đề dài 256 ký tự, quá giới hạn 255 ký tự"),
        (export(category="C" * 101), "tên chuyên mục dài 101 ký tự"),
        (export(lead="Sapo \x00"), "ký tự NUL"),
    ],
    ids=[
        "empty",
        "only-blanks",
        "category-only",
        "no-title",
        "no-date-line",
        "other-line-instead-of-date",
        "date-line-without-views",
        "bad-thousands",
        "31-february",
        "hour-25",
        "no-lead",
        "title-too-long",
        "category-too-long",
        "nul",
    ],
)
def test_it_rejects_malformed_text_with_a_vietnamese_reason(text, reason):
    with pytest.raises(ArticleFormatError) as error:
        parse_article(text)

    assert reason in str(error.value)


def test_a_title_starting_like_the_date_line_is_still_a_title():
    title = "Ngày đăng ký nghĩa vụ quân sự năm 2024"

    assert parse_article(export(title=title)).title == title


def test_a_title_of_exactly_max_length_is_accepted():
    assert parse_article(export(title="T" * 255)).title == "T" * 255


def test_it_refuses_a_missing_file(tmp_path):
    with pytest.raises(ArticleFormatError, match="không tìm thấy tệp"):
        read_article_file(tmp_path / "khong-co.txt")


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    path = write(tmp_path, "cp1258.txt", "Thông báo\n", encoding="cp1258")

    with pytest.raises(ArticleFormatError) as error:
        read_article_file(path)

    assert str(error.value) == "không đọc được tệp: không phải UTF-8"


def test_it_refuses_a_directory(tmp_path):
    with pytest.raises(ArticleFormatError, match="đây là thư mục"):
        read_article_file(tmp_path)


# Importing: the database.


@pytest.mark.django_db
def test_it_imports_the_seed_field_by_field():
    categories = Category.objects.count()

    result = import_file(SEED, default_ward())

    assert result.status == ImportStatus.IMPORTED
    assert result.reason == ""
    article = Article.objects.get()
    assert result.article == article
    assert Category.objects.count() == categories
    assert article.category == Category.objects.get(slug="cong-tac-dang")
    assert article.category.name == "Công tác Đảng"
    assert article.title == SEED_TITLE
    assert article.published_at == datetime(2022, 1, 24, 10, 15, tzinfo=HANOI)
    assert article.view_count == 75
    assert article.lead == SEED_LEAD
    assert article.status == Article.Status.PUBLISHED
    assert article.author is None
    assert article.slug.startswith("thuong-truc-dang-uy-phuong-phuc-loi")
    body = article.body
    starts = [
        "<p>Dự và chủ trì hội nghị",
        "<p>Tại hội nghị,",
        "<p>Trên cơ sở báo cáo",
        "<p>1. Đối với MTTQ phường:",
        "<p>2. Đối với Hội CCB phường:",
        "<p>3. Đối với",
        "<p>4. Đối với Đoàn thanh niên phường:",
    ]
    positions = [body.index(start) for start in starts]
    assert positions == sorted(positions)
    assert body.endswith("./.</p>")
    assert "<ol" not in body
    assert SEED_LEAD not in body
    assert list(Article.objects.published(default_ward())) == [article]


@pytest.mark.django_db
def test_it_imports_nfd_text_as_nfc_into_the_existing_category(tmp_path):
    nfd = unicodedata.normalize("NFD", SEED.read_text(encoding="utf-8"))
    path = write(tmp_path, "nfd.txt", nfd.replace("\n", "\r\n"))
    categories = Category.objects.count()

    result = import_file(path, default_ward())

    assert result.status == ImportStatus.IMPORTED
    article = Article.objects.get()
    assert article.category.slug == "cong-tac-dang"
    assert Category.objects.count() == categories
    assert article.title == SEED_TITLE
    assert Article.objects.filter(title=SEED_TITLE).exists()
    assert unicodedata.is_normalized("NFC", article.body)


@pytest.mark.django_db
def test_it_matches_the_category_whatever_its_letter_case(tmp_path):
    path = write(tmp_path, "a.txt", export(category="thông BÁO"))
    categories = Category.objects.count()

    import_file(path, default_ward())

    assert Article.objects.get().category.slug == "thong-bao"
    assert Category.objects.count() == categories


@pytest.mark.django_db
def test_it_creates_an_unknown_category_in_sentence_case_after_the_others(tmp_path):
    last = Category.objects.order_by("-menu_order").first().menu_order
    path = write(tmp_path, "a.txt", export(category="KHUYẾN  HỌC - ĐIỂN HÌNH"))

    result = import_file(path, default_ward())

    assert result.status == ImportStatus.IMPORTED
    category = Category.objects.get(name="Khuyến học - điển hình")
    assert category.slug == "khuyen-hoc-dien-hinh"
    assert category.menu_order > last
    assert list(Category.objects.all())[-1] == category
    assert result.article.category == category


@pytest.mark.django_db
def test_a_new_category_sharing_a_slug_gets_its_own(tmp_path):
    # "ĐĂNG" is not "ĐẢNG": a different name whose slug is taken.
    path = write(tmp_path, "a.txt", export(category="CÔNG TÁC ĐĂNG"))

    result = import_file(path, default_ward())

    assert result.status == ImportStatus.IMPORTED
    assert result.article.category.name == "Công tác đăng"
    assert result.article.category.slug == "cong-tac-dang-2"


@pytest.mark.django_db
def test_it_stores_markup_characters_as_text_readers_see(client, tmp_path):
    path = write(
        tmp_path,
        "a.txt",
        export(
            lead="Giá vé < 50.000 đồng & miễn phí",
            body=("Nhiệt độ <15°C & mưa", "<script>alert(1)</script>"),
        ),
    )

    article = import_file(path, default_ward()).article

    article.refresh_from_db()
    assert article.lead == "Giá vé < 50.000 đồng & miễn phí"
    assert "<p>Nhiệt độ &lt;15°C &amp; mưa</p>" in article.body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article.body
    assert text_of(article.body) == "Nhiệt độ <15°C & mưa\n<script>alert(1)</script>"
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Nhiệt độ &lt;15°C &amp; mưa" in response.text
    assert "Giá vé &lt; 50.000 đồng &amp; miễn phí" in response.text
    assert "<script>alert(1)" not in response.text


@pytest.mark.django_db
def test_reimporting_reports_unchanged_and_writes_nothing(tmp_path):
    first = import_file(SEED, default_ward())
    before = list(Article.objects.values())
    categories = Category.objects.count()
    copy = write(tmp_path, "copy.txt", SEED.read_text(encoding="utf-8"))

    again = import_file(SEED, default_ward())
    from_copy = import_file(copy, default_ward())

    assert again.status == from_copy.status == ImportStatus.UNCHANGED
    assert again.article == from_copy.article == first.article
    assert list(Article.objects.values()) == before
    assert Category.objects.count() == categories


@pytest.mark.django_db
def test_the_same_title_at_another_time_is_another_article(tmp_path):
    import_file(write(tmp_path, "a.txt", export()), default_ward())
    later = export(date_line="Ngày đăng 01/04/2024 | 08:30 | Lượt xem: 3")

    result = import_file(write(tmp_path, "b.txt", later), default_ward())

    assert result.status == ImportStatus.IMPORTED
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_a_failure_after_creating_the_category_leaves_nothing(tmp_path):
    # Beyond any database's integer: caught by validation, inside the
    # transaction, once the new category exists.
    text = export(
        category="CHUYÊN MỤC MỚI",
        date_line="Ngày đăng 01/03/2024 | 08:30 | Lượt xem: 99.999.999.999.999.999.999",
    )
    categories = Category.objects.count()

    result = import_file(write(tmp_path, "a.txt", text), default_ward())

    assert result.status == ImportStatus.FAILED
    assert result.reason.startswith("lượt xem: ")
    assert result.article is None
    assert Category.objects.count() == categories
    assert not Category.objects.filter(slug="chuyen-muc-moi").exists()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_malformed_file_fails_with_its_reason_and_creates_nothing(tmp_path):
    text = export(
        category="CHUYÊN MỤC MỚI",
        date_line="Ngày đăng 31/02/2022 | 10:15 | Lượt xem: 1",
    )
    categories = Category.objects.count()

    result = import_file(write(tmp_path, "a.txt", text), default_ward())

    assert result.status == ImportStatus.FAILED
    assert result.reason == "ngày giờ đăng không có thật: 31/02/2022 10:15"
    assert result.message == "Lỗi: ngày giờ đăng không có thật: 31/02/2022 10:15"
    assert Category.objects.count() == categories
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_a_failed_result_not_an_exception(tmp_path):
    result = import_file(tmp_path / "khong-co.txt", default_ward())

    assert result.status == ImportStatus.FAILED
    assert result.reason == "không tìm thấy tệp"
    assert result.path == tmp_path / "khong-co.txt"


# The command.


@pytest.mark.django_db
def test_the_command_reports_each_file_and_a_summary(tmp_path):
    good = write(tmp_path, "good.txt", export())
    out = StringIO()

    call_command("import_articles", str(SEED), str(good), stdout=out)
    call_command("import_articles", str(SEED), stdout=out)

    assert out.getvalue().splitlines() == [
        "Nhập vào Phường Phúc Lợi:",
        f"{SEED}: Đã nhập: “{SEED_TITLE}” (chuyên mục “Công tác Đảng”)",
        f"{good}: Đã nhập: “Lịch tiếp công dân tháng 3/2024” (chuyên mục “Thông báo”)",
        "Đã nhập 2, không đổi 0, lỗi 0 (trên 2 tệp).",
        "Nhập vào Phường Phúc Lợi:",
        f"{SEED}: Không đổi: bài “{SEED_TITLE}” đã có",
        "Đã nhập 0, không đổi 1, lỗi 0 (trên 1 tệp).",
    ]
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_the_command_goes_past_bad_files_and_fails_at_the_end(tmp_path):
    no_date = write(tmp_path, "no-date.txt", "KHUYẾN HỌC\nTiêu đề\n\nSapo\n")
    latin = write(tmp_path, "latin.txt", "Thông báo\n", encoding="cp1258")
    missing = tmp_path / "missing.txt"
    good = write(tmp_path, "good.txt", export())
    categories = Category.objects.count()
    out = StringIO()

    with pytest.raises(CommandError) as error:
        call_command(
            "import_articles", no_date, latin, missing, good, str(SEED), stdout=out
        )

    assert str(error.value) == "Đã nhập 2, không đổi 0, lỗi 3 (trên 5 tệp)."
    lines = out.getvalue().splitlines()[1:]
    assert lines[:3] == [
        f"{no_date}: Lỗi: thiếu dòng “Ngày đăng …” sau tiêu đề (dòng 4 là “Sapo”)",
        f"{latin}: Lỗi: không đọc được tệp: không phải UTF-8",
        f"{missing}: Lỗi: không tìm thấy tệp",
    ]
    assert lines[3].startswith(f"{good}: Đã nhập: ")
    assert lines[4].startswith(f"{SEED}: Đã nhập: ")
    assert len(lines) == 5
    assert Article.objects.count() == 2
    assert Category.objects.count() == categories
    assert not Category.objects.filter(slug="khuyen-hoc").exists()


@pytest.mark.django_db
def test_the_command_fails_on_a_single_bad_file(tmp_path):
    empty = write(tmp_path, "empty.txt", "")
    out = StringIO()

    with pytest.raises(CommandError, match=r"lỗi 1 \(trên 1 tệp\)"):
        call_command("import_articles", str(empty), stdout=out)

    assert out.getvalue() == f"Nhập vào Phường Phúc Lợi:\n{empty}: Lỗi: tệp trống\n"


def test_the_demo_copy_is_the_shared_seed_article():
    """make run shows articles/demo's copy; it must stay the real article."""
    shared = Path(__file__).resolve().parents[2] / "shared/seed" / SEED.name
    if not shared.is_file():
        pytest.skip("no ../shared beside the project")
    assert SEED.read_bytes() == shared.read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date_line", "reason"),
    [
        (
            "Ngày đăng 01/01/0001 | 00:00 | Lượt xem: 1",
            "ngày giờ đăng 01/01/0001: Năm đăng phải từ 1900 đến 2100.",
        ),
        (
            "Ngày đăng 31/12/9999 | 23:59 | Lượt xem: 1",
            "ngày giờ đăng 31/12/9999: Năm đăng phải từ 1900 đến 2100.",
        ),
    ],
)
def test_a_date_no_page_could_show_fails_and_the_next_file_imports(
    tmp_path, date_line, reason
):
    odd = write(tmp_path, "odd.txt", export(date_line=date_line))
    good = write(tmp_path, "good.txt", export(title="Bài sau tệp lỗi"))
    out = StringIO()

    with pytest.raises(CommandError, match=r"Đã nhập 1, không đổi 0, lỗi 1"):
        call_command("import_articles", str(odd), str(good), stdout=out)

    assert f"{odd}: Lỗi: {reason}" in out.getvalue().splitlines()
    assert list(Article.objects.values_list("title", flat=True)) == ["Bài sau tệp lỗi"]


@pytest.mark.django_db
def test_a_view_count_the_counter_could_overflow_is_refused(tmp_path):
    text = export(date_line="Ngày đăng 01/03/2024 | 08:30 | Lượt xem: 2.147.483.647")

    result = import_file(write(tmp_path, "a.txt", text), default_ward())

    assert result.status == ImportStatus.FAILED
    assert result.reason.startswith("lượt xem: ")
    assert not Article.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
@pytest.mark.django_db
def test_the_command_lets_the_planner_learn_what_it_imported(tmp_path):
    good = write(tmp_path, "good.txt", export())
    with CaptureQueriesContext(connection) as queries:
        call_command("import_articles", str(good), stdout=StringIO())
    with CaptureQueriesContext(connection) as again:
        call_command("import_articles", str(good), stdout=StringIO())
    assert any(q["sql"].startswith("ANALYZE") for q in queries)
    # Nothing imported the second time: nothing to learn.
    assert not any(q["sql"].startswith("ANALYZE") for q in again)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
@pytest.mark.django_db
def test_the_planner_learns_the_imported_articles_at_once():
    """Right after a load, with no statistics, pages took seconds (issue
    19): the command ends with ANALYZE of what it filled."""
    before = last_analyzed("articles_article")
    call_command("import_articles", str(SEED), stdout=StringIO())
    after = last_analyzed("articles_article")
    assert after is not None and (before is None or after > before)
