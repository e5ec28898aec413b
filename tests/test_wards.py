"""Many wards on one installation: each ward's readers see its own site."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

import redisclient
from articles.models import WARD_CATEGORIES, Article, Category
from wards import hosts, roles
from wards.models import Membership, Ward, WardHost

from .conftest import PHONE_UA, SECOND_HOST, SEED_FILE, views_of


def client_for(host):
    return Client(headers={"user-agent": PHONE_UA}, HTTP_HOST=host)


@pytest.fixture
def second_category(second_ward):
    """The second ward's "Công tác Đảng": same name and slug as the default's."""
    return Category.objects.get(ward=second_ward, slug="cong-tac-dang")


@pytest.fixture
def two_wards_news(make_article, category, second_category):
    """One article in each ward, under the same title (and so the same slug)."""
    here = make_article(title="Hội nghị tổng kết năm", lead="Tin của Phúc Lợi.")
    there = make_article(
        category=second_category,
        title="Hội nghị tổng kết năm",
        lead="Tin của Bồ Đề.",
    )
    return here, there


# Finding the ward from the host.


def test_each_host_gets_its_own_wards_site(reader, second_reader, second_ward):
    assert "Phường Phúc Lợi" in reader.get("/").text
    page = second_reader.get("/").text
    assert "Phường Bồ Đề" in page
    assert "Phường Phúc Lợi" not in page


def test_a_host_no_ward_claims_gets_the_default_ward(second_ward):
    response = client_for("tin-khac.localhost").get("/")
    assert response.status_code == 200
    assert response.context["ward"] == hosts.default_ward()


def test_allowed_hosts_still_decides_which_hosts_are_served(second_ward):
    response = client_for("phucloi.example.com").get("/")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "host", ["BODE.localhost", "bode.localhost:8000", "bode.localhost."]
)
def test_the_host_is_matched_whatever_its_case_port_or_final_dot(second_ward, host):
    assert client_for(host).get("/").context["ward"] == second_ward


def test_a_ward_answers_every_host_name_it_has(second_ward):
    WardHost.objects.create(ward=second_ward, host="www.bode.localhost")
    assert client_for("www.bode.localhost").get("/").context["ward"] == second_ward


def test_finding_the_ward_costs_no_query_once_warm(
    second_ward, django_assert_num_queries
):
    hosts.ward_for_host("bode.localhost")
    with django_assert_num_queries(0):
        assert hosts.ward_for_host("bode.localhost") == second_ward
        assert hosts.ward_for_host("khac.localhost") == hosts.default_ward()


def test_saving_a_ward_or_a_host_is_seen_at_once(second_ward, second_reader):
    second_reader.get("/")  # The map is warm.
    second_ward.name = "Phường Bồ Đề (mới)"
    second_ward.save()
    assert "Phường Bồ Đề (mới)" in second_reader.get("/").text
    WardHost.objects.create(ward=second_ward, host="bode2.localhost")
    assert client_for("bode2.localhost").get("/").context["ward"] == second_ward


def test_other_processes_see_a_change_after_the_refresh_time(second_ward, monkeypatch):
    hosts.ward_for_host(SECOND_HOST)
    # Another server process renames the ward: no signal reaches this one.
    Ward.objects.filter(pk=second_ward.pk).update(name="Phường Bồ Đề mới")
    assert hosts.ward_for_host(SECOND_HOST).name == "Phường Bồ Đề"
    monkeypatch.setattr(hosts, "REFRESH_SECONDS", -1)
    assert hosts.ward_for_host(SECOND_HOST).name == "Phường Bồ Đề mới"


def test_a_database_without_a_default_ward_gets_one(db):
    Ward.objects.update(is_default=False)
    hosts.clear()
    assert hosts.default_ward().is_default
    assert Ward.objects.filter(is_default=True).count() == 1


# Every reader page is the current ward's.


def test_the_same_slug_lives_in_both_wards(two_wards_news, reader, second_reader):
    here, there = two_wards_news
    assert here.slug == there.slug == "hoi-nghi-tong-ket-nam"
    assert "Tin của Phúc Lợi." in reader.get(here.get_absolute_url()).text
    page = second_reader.get(there.get_absolute_url()).text
    assert "Tin của Bồ Đề." in page
    assert "Tin của Phúc Lợi." not in page


def test_another_wards_article_is_not_found(make_article, second_category, reader):
    there = make_article(category=second_category, title="Chỉ có ở Bồ Đề")
    assert reader.get(there.get_absolute_url()).status_code == 404


def test_another_wards_category_is_not_found(second_ward, reader):
    Category.objects.create(ward=second_ward, name="Khu phố", slug="khu-pho")
    assert reader.get("/chuyen-muc/khu-pho/").status_code == 404


def test_home_and_category_pages_list_only_the_wards_articles(
    two_wards_news, make_article, category, second_category, reader, second_reader
):
    make_article(category=second_category, title="Tin riêng của Bồ Đề")
    for client, shown, hidden in [
        (reader, "Tin của Phúc Lợi.", "Tin riêng của Bồ Đề"),
        (second_reader, "Tin riêng của Bồ Đề", "Tin của Phúc Lợi."),
    ]:
        for url in ["/", category.get_absolute_url()]:
            page = client.get(url).text
            assert shown in page
            assert hidden not in page


def test_other_articles_are_the_wards_own(
    two_wards_news, make_article, category, second_category, reader
):
    here, _ = two_wards_news
    make_article(category=second_category, title="Tin khác của Bồ Đề")
    make_article(category=category, title="Tin khác của Phúc Lợi")
    other = reader.get(here.get_absolute_url()).context["other_articles"]
    assert [a.title for a in other] == ["Tin khác của Phúc Lợi"]


def test_the_menu_and_footer_are_the_wards_own(second_ward, reader, second_reader):
    Category.objects.create(ward=second_ward, name="Khu phố văn hóa", slug="khu-pho")
    second_ward.phone = "024 3872 1234"
    second_ward.address = "Số 1 phố Bồ Đề"
    second_ward.responsible_person = "Bà Trần Thị B"
    second_ward.save()
    page = second_reader.get("/").text
    assert ">Khu phố văn hóa</a>" in page
    assert "Số 1 phố Bồ Đề" in page
    assert 'href="tel:02438721234"' in page
    assert "Bà Trần Thị B" in page
    page = reader.get("/").text
    assert "Khu phố văn hóa" not in page
    assert "Số 1 phố Bồ Đề" not in page


def test_the_counter_counts_the_article_read(two_wards_news, second_reader):
    here, there = two_wards_news
    views_here, views_there = here.view_count, there.view_count
    second_reader.get(there.get_absolute_url())
    assert (views_of(here), views_of(there)) == (views_here, views_there + 1)


def test_staff_preview_only_their_own_wards_drafts(
    client, writer, make_article, second_category
):
    draft = make_article(
        category=second_category, title="Bản nháp Bồ Đề", status="draft"
    )
    preview = f"/admin/articles/article/{draft.pk}/xem-truoc/"
    client.force_login(writer)
    assert (
        client.get(draft.get_absolute_url(), HTTP_HOST=SECOND_HOST).status_code == 404
    )
    assert client.get(preview).status_code == 404
    Membership.objects.create(
        user=writer, ward=draft.ward, role=Group.objects.get(name=roles.EDITOR)
    )
    response = client.get(preview)
    assert "Bản xem trước" in response.text
    assert "Bản nháp Bồ Đề" in response.text


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # Categories (also the menu), latest, category blocks, most-read
        # (the last 30 days' sums, those articles, then all time), newest
        # documents, the schedule.
        ("/", 8),
        # Category, the page of articles (by cursor: no count), menu.
        ("/chuyen-muc/cong-tac-dang/", 3),
        # Article with its category, the view counted (total and day, in the
        # database without a Redis buffer), files, other articles, newest,
        # most-read (three), menu.
        ("/bai-viet/hoi-nghi-tong-ket-nam/", 8),
    ],
)
def test_reader_pages_of_a_second_ward_run_a_fixed_number_of_queries(
    two_wards_news,
    make_article,
    second_category,
    second_reader,
    django_assert_num_queries,
    url,
    queries,
    settings,
):
    settings.PAGE_CACHE = False  # What rendering the page costs.
    if url.startswith("/bai-viet/") and not redisclient.enabled():
        queries += 2
    for _ in range(12):
        make_article(category=second_category)
    second_reader.get("/")  # The host map is warm after the first request.
    with django_assert_num_queries(queries):
        assert second_reader.get(url).status_code == 200


# The one gate.


def test_published_takes_the_ward(two_wards_news, ward, second_ward):
    here, there = two_wards_news
    assert list(Article.objects.published(ward)) == [here]
    assert list(Article.objects.published(second_ward)) == [there]


def test_an_article_is_always_in_its_categorys_ward(category, second_category):
    article = Article.objects.create(
        ward=category.ward, category=second_category, title="Tin Bồ Đề"
    )
    assert article.ward == second_category.ward


# New wards, and the commands.


def test_a_new_ward_gets_the_usual_categories(db):
    ward = Ward.objects.create(name="Phường Long Biên")
    assert [(c.name, c.slug) for c in ward.categories.all()] == WARD_CATEGORIES


def test_create_ward_makes_a_ward_with_its_host_and_categories(db):
    out = StringIO()
    call_command(
        "create_ward",
        "PhucDong.hanoi.gov.vn",
        "Phường Phúc Đồng",
        "--address=Số 2 phố Phúc Đồng",
        "--phone=024 3875 0000",
        "--email=phucdong@hanoi.gov.vn",
        stdout=out,
    )
    ward = Ward.objects.get(name="Phường Phúc Đồng")
    assert list(ward.hosts.values_list("host", flat=True)) == ["phucdong.hanoi.gov.vn"]
    assert (ward.address, ward.phone, ward.email) == (
        "Số 2 phố Phúc Đồng",
        "024 3875 0000",
        "phucdong@hanoi.gov.vn",
    )
    assert ward.slug == "phuc-dong"
    assert ward.categories.count() == len(WARD_CATEGORIES)
    assert "Đã tạo Phường Phúc Đồng" in out.getvalue()


def test_create_ward_twice_updates_the_ward(db):
    call_command("create_ward", "phucdong.localhost", "Phường Phúc Đồng", stdout=None)
    out = StringIO()
    call_command(
        "create_ward",
        "phucdong.localhost",
        "Phường Phúc Đồng",
        "--phone=024 3875 9999",
        stdout=out,
    )
    ward = Ward.objects.get(name="Phường Phúc Đồng")
    assert ward.phone == "024 3875 9999"
    assert ward.hosts.count() == 1
    assert ward.categories.count() == len(WARD_CATEGORIES)
    assert "Đã cập nhật Phường Phúc Đồng" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://phucdong.vn/", "Phường Phúc Đồng"], "Tên miền không hợp lệ"),
        (["phucdong.vn", "Phường Phúc Đồng", "--email=khong-phai-email"], "email"),
        (["phucdong.vn", "  "], "tên phường: Trường này không được để trống"),
    ],
)
def test_create_ward_explains_bad_input_and_saves_nothing(db, args, message):
    wards = Ward.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("create_ward", *args)
    assert Ward.objects.count() == wards


def test_import_articles_into_a_ward_by_host(second_ward, ward):
    out = StringIO()
    call_command("import_articles", "--ward", SECOND_HOST, str(SEED_FILE), stdout=out)
    article = Article.objects.get()
    assert article.ward == second_ward
    assert article.category == Category.objects.get(
        ward=second_ward, slug="cong-tac-dang"
    )
    assert "Nhập vào Phường Bồ Đề" in out.getvalue()
    # The same file into the default ward is another article, same slug.
    call_command("import_articles", str(SEED_FILE), stdout=out)
    assert Article.objects.get(ward=ward).slug == article.slug


def test_import_articles_refuses_a_host_no_ward_has(db):
    with pytest.raises(CommandError, match="Không có phường nào có tên miền"):
        call_command("import_articles", "--ward", "khong-co.localhost", str(SEED_FILE))
    assert not Article.objects.exists()


# The migration of a database from before wards.


@pytest.mark.django_db(transaction=True)
def test_existing_content_becomes_the_default_wards(monkeypatch):
    monkeypatch.setenv("WARD_NAME", "Phường Thượng Thanh")
    monkeypatch.setenv("WARD_PHONE", "024 3652 0000")
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0003_publish_limits"), ("wards", None)])
    old = executor.loader.project_state(("articles", "0003_publish_limits")).apps
    category = old.get_model("articles", "Category").objects.create(
        name="Khuyến học", slug="khuyen-hoc"
    )
    old.get_model("articles", "Article").objects.create(
        category=category,
        title="Trao học bổng",
        slug="trao-hoc-bong",
        status="published",
        published_at=timezone.now() - timedelta(days=1),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    hosts.clear()
    ward = Ward.objects.get(is_default=True)
    assert (ward.name, ward.phone, ward.slug) == (
        "Phường Thượng Thanh",
        "024 3652 0000",
        "thuong-thanh",
    )
    article = Article.objects.get(slug="trao-hoc-bong")
    assert article.ward == ward
    assert article.category.ward == ward
    response = Client(headers={"user-agent": PHONE_UA}).get("/bai-viet/trao-hoc-bong/")
    assert response.status_code == 200
    assert "Phường Thượng Thanh" in response.text


def test_view_on_site_opens_the_article_on_its_wards_host(
    client, editor, two_wards_news
):
    here, there = two_wards_news
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{there.pk}/change/").text
    assert f'href="http://bode.localhost{there.get_absolute_url()}"' in page
    page = client.get(f"/admin/articles/article/{here.pk}/change/").text
    assert f'href="{here.get_absolute_url()}" class="viewsitelink"' in page


def test_the_link_to_another_wards_site_has_no_app_server_port(
    client, editor, two_wards_news, settings
):
    # Behind nginx on 443, gunicorn on 8300: nginx passes the host without a
    # port (proxy_set_header Host $host), the app server's own port is 8300.
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    _, there = two_wards_news
    client.force_login(editor)
    page = client.get(
        f"/admin/articles/article/{there.pk}/change/",
        SERVER_PORT="8300",
        headers={"host": "testserver", "x-forwarded-proto": "https"},
    ).text
    assert f'href="https://bode.localhost{there.get_absolute_url()}"' in page
    assert ":8300" not in page


def test_the_link_keeps_the_port_readers_use(client, editor, two_wards_news):
    # The development server, or any site reached at a port of its own: the
    # browser's Host carries it.
    _, there = two_wards_news
    client.force_login(editor)
    page = client.get(
        f"/admin/articles/article/{there.pk}/change/",
        SERVER_PORT="8000",
        headers={"host": "testserver:8000"},
    ).text
    assert f'href="http://bode.localhost:8000{there.get_absolute_url()}"' in page


def test_a_public_port_setting_names_the_port_a_proxy_drops(
    client, editor, two_wards_news, settings
):
    settings.PUBLIC_PORT = 8443
    _, there = two_wards_news
    client.force_login(editor)
    page = client.get(
        f"/admin/articles/article/{there.pk}/change/",
        SERVER_PORT="8300",
        headers={"host": "testserver"},
    ).text
    assert f'href="http://bode.localhost:8443{there.get_absolute_url()}"' in page


def test_the_category_filter_offers_only_the_writers_wards_categories(
    client, writer, second_ward
):
    Category.objects.create(ward=second_ward, name="Khu phố Bồ Đề", slug="khu-pho")
    client.force_login(writer)
    page = client.get("/admin/articles/article/").text
    assert "Công tác Đảng" in page
    assert "Khu phố Bồ Đề" not in page


def test_an_empty_ward_can_be_deleted_one_with_articles_cannot(
    second_ward, make_article
):
    article = make_article(
        category=Category.objects.get(ward=second_ward, slug="thong-bao")
    )
    with pytest.raises(ProtectedError):
        second_ward.delete()
    article.delete()
    second_ward.delete()
    assert not Category.objects.filter(ward_id=second_ward.pk).exists()


def test_create_ward_warns_of_a_host_allowed_hosts_would_refuse(db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    err = StringIO()
    call_command("create_ward", "phucdong.hanoi.gov.vn", "Phường Phúc Đồng", stderr=err)
    assert "chưa có trong DJANGO_ALLOWED_HOSTS" in err.getvalue()
    assert Ward.objects.filter(name="Phường Phúc Đồng").exists()


def test_create_ward_refuses_a_host_label_longer_than_dns_allows(db):
    with pytest.raises(CommandError, match="Tên miền không hợp lệ"):
        call_command("create_ward", "a" * 64 + ".vn", "Phường Dài")


def test_create_ward_refuses_a_name_another_ward_has_in_other_spacing(second_ward):
    with pytest.raises(CommandError, match="Đã có phường mang tên này."):
        call_command("create_ward", "bode2.localhost", "phường  bồ\u00a0đề")
    assert not Ward.objects.claiming("bode2.localhost").exists()


@pytest.mark.parametrize("name", ["!!!", "Фуок Лой", "😀"])
def test_a_ward_named_without_latin_letters_gets_a_valid_folder(db, name):
    ward = Ward.objects.create(name=name)
    ward.full_clean()
    assert ward.slug == "phuong"
    assert Ward.objects.create(name=f"{name} 2").slug == "phuong-2"
