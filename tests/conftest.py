"""Shared fixtures: the people who use the site, and articles to show them."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category
from wardnews.wards import hosts
from wardnews.wards.models import Membership, Ward

SEED_FILE = (
    Path(__file__).resolve().parent.parent
    / "articles"
    / "demo"
    / "cong-tac-dang-2022-01-24.txt"
)

# A resident reading on an Android phone.
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def reader():
    """An anonymous reader's browser."""
    return Client(headers={"user-agent": PHONE_UA})


# The second ward's host; "testserver", the test client's, is unclaimed and
# so the default ward's.
SECOND_HOST = "bode.localhost"


@pytest.fixture(autouse=True)
def fresh_ward_map():
    """Each test finds wards in its own database, not a map left over from
    the previous test's rolled-back rows."""
    hosts.clear()
    yield
    hosts.clear()


@pytest.fixture
def ward(db):
    """The default ward, which the migration makes (and readers of any
    unclaimed host see)."""
    return hosts.default_ward()


@pytest.fixture
def second_ward(ward):
    """Another ward of the same installation, at bode.localhost (made after
    the default ward, which a flushed database has to make again first)."""
    return Ward.objects.update_or_create_for_host(SECOND_HOST, "Phường Bồ Đề")[0]


@pytest.fixture
def second_reader(second_ward):
    """A reader of the second ward's site."""
    return Client(headers={"user-agent": PHONE_UA}, HTTP_HOST=SECOND_HOST)


@pytest.fixture
def category(ward):
    category, _ = Category.objects.get_or_create(
        ward=ward,
        slug="cong-tac-dang",
        defaults={"name": "Công tác Đảng", "menu_order": 20},
    )
    return category


@pytest.fixture
def other_category(ward):
    category, _ = Category.objects.get_or_create(
        ward=ward, slug="thong-bao", defaults={"name": "Thông báo", "menu_order": 80}
    )
    return category


@pytest.fixture
def make_article(db, category):
    """Makes articles, published an hour ago unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        fields.setdefault("category", category)
        fields.setdefault("title", f"Bài viết số {n}")
        fields.setdefault("lead", f"Sapo của bài viết số {n}.")
        fields.setdefault("body", f"<p>Nội dung bài viết số {n}.</p>")
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("published_at", timezone.now() - timedelta(hours=n))
        return Article.objects.create(**fields)

    return make


def make_staff(username, ward):
    """A staff account of the ward, with the article permissions."""
    user = User.objects.create_user(
        username, password="mat-khau-thu-nghiem", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            codename__in=[
                "add_article",
                "change_article",
                "view_article",
                "view_category",
            ],
        )
    )
    Membership.objects.create(user=user, ward=ward)
    return user


def article_form(category, **fields):
    """The admin's add-article form as staff fill it in, for the category."""
    data = {
        "category": category.pk,
        "title": "Hội nghị Ban Chấp hành Đảng bộ phường",
        "slug": "",
        "lead": "Sáng nay, Đảng ủy phường tổ chức hội nghị.",
        "body": "<p>Hội nghị đã thống nhất các nội dung.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at_0": "24/01/2022",
        "published_at_1": "10:15",
        "author": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def writer(ward):
    """Staff of the default ward who write articles in the admin."""
    return make_staff("phongvien", ward)


@pytest.fixture
def second_writer(second_ward):
    """Staff of the second ward only."""
    return make_staff("phongvienbode", second_ward)


@pytest.fixture
def editor(db):
    """The approving editor: may do everything in the admin."""
    return User.objects.create_superuser("bientapvien", password="mat-khau-thu-nghiem")


@pytest.fixture
def resident_account(db):
    """A logged-in account that is not staff."""
    return User.objects.create_user("cudan", password="mat-khau-thu-nghiem")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads land in a temporary folder, never in the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_bytes(size=(64, 48), colour=(200, 30, 30)):
    """A real PNG picture."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()
