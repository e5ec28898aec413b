"""Every reader page is valid HTML: the W3C Nu Html Checker finds no error.

The pages are rendered by Django's test client on content shaped like the
real one (the seed article, pictures, a long category, a ward with all its
details), written to files and checked by one run of vnu.jar, Java's Nu Html
Checker from the npm package `vnu-jar` that `make test` installs under
.venv/node (VNU_JAR names another jar), on the Java that .ci/system-packages
installs. Marked `htmlcheck`; without Java or the jar it fails, saying how to
get them.
"""

import io
import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.template import loader
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.defaults import server_error
from PIL import Image

from articles.importing import import_file
from articles.models import Article, Category
from documents.demo_content import load_demo_documents
from organisation import demo_content as organisation_demo
from questions.demo_content import load_demo_questions
from schedules.demo_content import load_schedule_demo
from wards.models import WardLink

from .conftest import SEED_FILE

PROJECT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(
    os.environ.get("VNU_JAR")
    or PROJECT / ".venv/node/node_modules/vnu-jar/build/dist/vnu.jar"
)
JAVA = shutil.which("java")

pytestmark = [pytest.mark.htmlcheck, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def html_checker():
    """Java and vnu.jar, or a failure that says how to get them: checked
    before the pages are made, and only when the check is to run."""
    if JAVA is None:
        pytest.fail(
            "the HTML check needs Java: run .ci/system-packages as root"
            " (make test does), or apt-get install default-jre-headless"
        )
    if not VNU_JAR.is_file():
        pytest.fail(f"the HTML check needs {VNU_JAR}: make test installs it")


# The ward pages, checked once they exist.
WARD_PAGES = {
    "ward-about": "/gioi-thieu/",
    "ward-contact": "/lien-he/",
    "organisation": "/co-cau-to-chuc/",
    "organisation-english": "/en/",
}


def jpeg(size=(1200, 675), colour=(30, 110, 170)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def resolves(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


@pytest.fixture
def site_content(ward, media_root):
    """A ward with every detail filled in and articles of every shape."""
    for field, value in {
        "address": "Số 1 phố Phúc Lợi, phường Phúc Lợi, thành phố Hà Nội",
        "phone": "024 3875 0000",
        "email": "ubndphucloi@hanoi.gov.vn",
        "responsible_person": "Chủ tịch UBND phường Phúc Lợi",
        "introduction": (
            "<p>Phường Phúc Lợi được thành lập năm 2003.</p>"
            "<h2>Vị trí địa lý</h2><p>Phía Bắc giáp phường Việt Hưng.</p>"
            "<ul><li>Diện tích: 4,6 km²</li><li>Dân số: 30.000 người</li></ul>"
        ),
        "map_url": "https://www.openstreetmap.org/#map=16/21.04/105.91",
        "hotline": "0912 345 678",
        "governing_body": "Ủy ban nhân dân phường Phúc Lợi",
        "licence": "125/GP-TTĐT ngày 15/03/2021 của Sở Thông tin và Truyền thông",
    }.items():
        if hasattr(ward, field):
            setattr(ward, field, value)
    ward.save()
    Category.objects.create_defaults(ward)
    WardLink.objects.create(
        ward=ward, title="Cổng thông tin Hà Nội", url="https://hanoi.gov.vn/", order=5
    )
    # The organisation: bodies with people, portraits, English for some.
    organisation_demo.add_bodies(ward, organisation_demo.BODIES)

    seed = import_file(SEED_FILE, ward).article
    assert seed is not None
    now = timezone.now()
    picture = media_root / "uploads" / "2022" / "01" / "hoi-nghi.jpg"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(jpeg())
    pictured = Article.objects.create(
        category=seed.category,
        title=(
            "Đảng ủy phường Phúc Lợi tổ chức Hội nghị học tập, quán triệt, triển khai "
            "thực hiện Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"
        ),
        lead=seed.lead,
        body=(
            seed.body + '<p><img alt="Quang cảnh hội nghị" width="1200" height="675" '
            'src="/media/uploads/2022/01/hoi-nghi.jpg" '
            'style="height:675px; width:1200px"></p>'
            '<figure><img alt="Đại biểu dự hội nghị" '
            'src="/media/uploads/2022/01/hoi-nghi.jpg">'
            "<figcaption>Đại biểu dự hội nghị.</figcaption></figure>"
            '<table border="1" cellpadding="1" cellspacing="1"><caption>Kết quả'
            '</caption><thead><tr><th scope="col">Chi bộ</th><th scope="col">'
            "Đảng viên</th></tr></thead><tbody><tr><td>Tổ dân phố 1</td>"
            "<td>25</td></tr></tbody></table>"
            '<ol start="2"><li>Một</li><li>Hai</li></ol>'
            '<p><a href="https://hanoi.gov.vn/">Cổng thông tin Hà Nội</a></p>'
        ),
        featured_image=ContentFile(jpeg(colour=(165, 27, 27)), "hoi-nghi.jpg"),
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(minutes=30),
        view_count=120,
    )
    # Page 2 of the seed's category, and a block per category on the home page.
    for n in range(12):
        Article.objects.create(
            category=seed.category,
            title=f"Chi bộ tổ dân phố số {n + 1} sinh hoạt chuyên đề tháng 12",
            lead=f"Chi bộ tổ dân phố số {n + 1} đã tổ chức sinh hoạt chuyên đề.",
            body="<p>Các đảng viên đã thảo luận sôi nổi.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=n + 1),
        )
    for n, category in enumerate(Category.objects.filter(ward=ward)):
        Article.objects.create(
            category=category,
            title=f"Hội nghị triển khai nhiệm vụ {category.name.lower()} năm 2023",
            lead="Hội nghị đã đánh giá kết quả và đề ra nhiệm vụ năm mới.",
            body="<p>Nội dung hội nghị.</p>",
            featured_image=(
                ContentFile(jpeg(colour=(40, 120, 60)), f"anh-{n}.jpg") if n % 2 else ""
            ),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 2),
        )
    procedure = load_procedures(ward)
    draft = Article.objects.create(
        category=seed.category,
        title="Lịch cắt điện tuần tới (bản nháp)",
        lead="Bản nháp: chưa hiện với bạn đọc.",
        status=Article.Status.DRAFT,
    )
    load_demo_documents(ward)
    load_schedule_demo()  # Two weeks of schedule, receptions, an update.
    load_demo_questions(ward)
    return {
        "seed": seed,
        "pictured": pictured,
        "draft": draft,
        "procedure": procedure,
    }


def load_procedures(ward):
    """The demo procedures (shared, with the ward's own desk, and its own):
    the one with a form to download."""
    from procedures.demo_content import load_demo_procedures
    from procedures.models import Procedure

    load_demo_procedures()
    return Procedure.objects.get(code="1.001193")


def reader_pages(site_content):
    """(name, path, status) of each page readers see."""
    seed = site_content["seed"]
    category = seed.category.get_absolute_url()
    pages = [
        ("home", "/", 200),
        ("category", category, 200),
        ("category-oldest", category + "?trang=cuoi", 200),
        ("article-seed", seed.get_absolute_url(), 200),
        ("article-pictures", site_content["pictured"].get_absolute_url(), 200),
        ("search-results", "/tim-kiem/?q=h%E1%BB%99i+ngh%E1%BB%8B", 200),
        ("search-no-results", "/tim-kiem/?q=kh%C3%B4ng+c%C3%B3+g%C3%AC", 200),
        ("search-empty", "/tim-kiem/", 200),
        ("feeds", "/tin-rss/", 200),
        ("not-found", "/bai-viet/khong-co-bai-nay/", 404),
        ("documents", "/van-ban/", 200),
        ("documents-filtered", "/van-ban/?loai=quyet-dinh&nam=2026", 200),
        ("documents-search", "/van-ban/?q=125+qd+ubnd", 200),
        ("documents-none", "/van-ban/?q=kh%C3%B4ng+c%C3%B3", 200),
        ("document", "/van-ban/quyet-dinh-125-qd-ubnd/", 200),
        ("document-draft", "/van-ban/quy-che-12-dt-ubnd/", 200),
        ("document-replaced", "/van-ban/quyet-dinh-30-qd-ubnd/", 200),
        ("schedule-week", "/lich-cong-tac/", 200),
        ("schedule-no-week", "/lich-cong-tac/?tuan=2027-W53", 404),
        ("schedule-receptions", "/lich-tiep-cong-dan/", 200),
        ("procedures", "/thu-tuc-hanh-chinh/", 200),
        ("procedures-search", "/thu-tuc-hanh-chinh/?q=dang+ky&linh-vuc=ho-tich", 200),
        ("procedures-none", "/thu-tuc-hanh-chinh/?q=kh%C3%B4ng+c%C3%B3", 200),
        ("procedure", site_content["procedure"].get_absolute_url(), 200),
        ("questions", "/hoi-dap/", 200),
        ("questions-search", "/hoi-dap/?q=tam+tru&linh-vuc=cu-tru", 200),
        ("questions-none", "/hoi-dap/?q=kh%C3%B4ng+c%C3%B3", 200),
        ("answer", "/hoi-dap/ho-so-dang-ky-tam-tru/", 200),
        ("question-form", "/hoi-dap/gui-cau-hoi/", 200),
        ("report-form", "/hoi-dap/gui-phan-anh/", 200),
        ("comment-form", "/van-ban/quy-che-12-dt-ubnd/gop-y/", 200),
        ("status", "/hoi-dap/tra-cuu/", 200),
        ("privacy", "/chinh-sach-bao-ve-du-lieu-ca-nhan/", 200),
    ]
    pages += [(name, path, 200) for name, path in WARD_PAGES.items() if resolves(path)]
    return pages


def test_reader_pages_are_valid_html(reader, client, editor, site_content, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    files = {}

    def keep(name, url, html):
        file = folder / f"{name}.html"
        file.write_text(html, encoding="utf-8")
        files[str(file)] = (name, url)

    for name, path, status in reader_pages(site_content):
        response = reader.get(path)
        assert response.status_code == status, (name, path, response.status_code)
        keep(name, path, response.content.decode())

    # A staff member's preview of a draft.
    client.force_login(editor)
    draft = f"/admin/articles/article/{site_content['draft'].pk}/xem-truoc/"
    response = client.get(draft)
    assert response.status_code == 200, response.status_code
    keep("draft-preview", draft, response.content.decode())

    # The error page a reader gets when the server fails.
    response = server_error(RequestFactory().get("/"))
    keep("server-error", "(500)", response.content.decode())
    # And every page rendered without a request (an outage, a render that
    # never finished, too many requests...), new ones included.
    for template, html in error_pages():
        keep(template, f"({template})", html)

    errors = check_html(files)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def error_pages():
    """(template, HTML) of each error page Django or the page cache renders
    without a request: every template built on templates/error_base.html."""
    found = []
    for file in sorted((PROJECT / "templates").glob("*.html")):
        if '{% extends "error_base.html" %}' in file.read_text(encoding="utf-8"):
            found.append((file.name, loader.get_template(file.name).render()))
    names = [name for name, _ in found]
    assert names == [
        "400.html",
        "403_csrf.html",
        "429.html",
        "500.html",
        "503.html",
        "503_busy.html",
        "503_too_long.html",
    ], "an error template not built on error_base.html, or a new one to list"
    return found


def check_html(files):
    """One vnu.jar run over all the files: its errors, each on a line that
    names the page, the URL and the line."""
    result = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar failed ({result.returncode}): {result.stderr}")
    errors = []
    for message in messages:
        if message.get("type") == "info":
            continue
        file = unquote(urlsplit(message.get("url", "")).path)
        name, url = files.get(file, (file, ""))
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())
        errors.append(
            f"{name} {url} line {line}: {message.get('message')}"
            + (f"  [{extract}]" if extract else "")
        )
    if result.returncode and not errors:
        pytest.fail(f"vnu.jar failed ({result.returncode}): {result.stderr}")
    return errors
