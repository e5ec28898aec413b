"""`manage.py generate_articles`: realistic articles in bulk for the bench."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import blocks, generating
from articles.models import WARD_CATEGORIES, Article, Category, DailyViews
from vietnamese.text import fold_accents
from wards.models import Ward

from .conftest import SECOND_HOST, article_form, last_analyzed


def generate(*args):
    out = StringIO()
    call_command("generate_articles", *args, stdout=out)
    return out.getvalue()


def snapshot(ward):
    return [
        (a.title, a.slug, a.category.slug, a.lead, a.body, a.view_count)
        for a in Article.objects.filter(ward=ward).select_related("category")
    ]


def test_it_publishes_the_count_asked_for_the_default_ward(ward):
    summary = generate("--count", "60")
    assert summary.startswith("Generated 60 articles for Phường Phúc Lợi")
    assert Article.objects.published(ward).count() == 60
    assert not Article.objects.filter(published_at__gt=timezone.now()).exists()


def test_articles_spread_over_every_category_and_five_years(ward):
    generate("--count", "60")
    categories = Category.objects.filter(ward=ward)
    assert all(c.articles.exists() for c in categories)
    years = {timezone.localtime(a.published_at).year for a in Article.objects.all()}
    assert len(years) >= 5


def test_slugs_stay_unique_run_after_run(ward):
    generate("--count", "80")
    generate("--count", "80")
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(slugs) == 160
    assert len(set(slugs)) == 160


def test_every_derived_field_is_what_a_save_would_store(ward):
    """normalise() (what save() and the admin run) changes nothing: ward,
    NFC text, a clean body, the search words as written and folded."""
    generate("--count", "40")
    fields = ["ward_id", "title", "lead", "body", "slug"]
    fields += ["search_text", "search_folded"]
    for article in Article.objects.select_related("category"):
        before = {field: getattr(article, field) for field in fields}
        article.normalise()
        assert before == {field: getattr(article, field) for field in fields}
        assert article.body.startswith("<p>")
        assert article.search_folded == fold_accents(article.search_text)
        article.full_clean()


def test_a_generated_article_saves_unchanged_from_the_admin_form(
    client, ward_editor, ward
):
    generate("--count", "5")
    article = Article.objects.first()
    client.force_login(ward_editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert client.get(url).status_code == 200
    local = timezone.localtime(article.published_at)
    response = client.post(
        url,
        article_form(
            article.category,
            step=None,
            title=article.title,
            slug=article.slug,
            lead=article.lead,
            body=article.body,
            published_at_0=f"{local:%d/%m/%Y}",
            published_at_1=f"{local:%H:%M}",
        ),
    )
    assert response.status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert (saved.title, saved.body, saved.status) == (
        article.title,
        article.body,
        Article.Status.PUBLISHED,
    )


@pytest.mark.parametrize("q", ["to dan pho", "tổ dân phố", "cong tac"])
def test_common_words_find_most_articles_with_or_without_accents(reader, ward, q):
    generate("--count", "50")
    response = reader.get("/tim-kiem/", {"q": q})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 35
    assert "<mark>" in response.text


def test_view_counts_are_skewed_and_never_below_the_days(ward):
    generate("--count", "300", "--years", "1")
    counts = sorted(Article.objects.values_list("view_count", flat=True))
    assert counts[len(counts) // 2] < 100 < counts[-1]
    days = DailyViews.objects.values("article").annotate(total=Sum("views"))
    assert days
    totals = dict(Article.objects.values_list("pk", "view_count"))
    assert all(row["total"] <= totals[row["article"]] for row in days)
    since = timezone.localdate() - timedelta(days=blocks.MOST_READ_DAYS)
    assert not DailyViews.objects.filter(day__lte=since).exists()
    assert len(blocks.most_read(ward)) == blocks.BLOCK_SIZE


def test_ward_picks_a_ward_by_its_host(ward, second_ward):
    summary = generate("--count", "20", "--ward", SECOND_HOST)
    assert "for Phường Bồ Đề" in summary
    assert Article.objects.published(second_ward).count() == 20
    assert not Article.objects.filter(ward=ward).exists()
    assert not Article.objects.exclude(category__ward=second_ward).exists()


def test_an_unknown_host_is_refused(ward):
    with pytest.raises(CommandError, match="nowhere.example"):
        generate("--count", "5", "--ward", "nowhere.example")
    with pytest.raises(CommandError, match="--count"):
        generate("--count", "0")
    assert not Article.objects.exists()


def test_the_same_seed_gives_the_same_articles(ward):
    generate("--count", "30", "--seed", "7")
    first = snapshot(ward)
    Article.objects.all().delete()
    generate("--count", "30", "--seed", "7")
    assert snapshot(ward) == first
    Article.objects.all().delete()
    generate("--count", "30", "--seed", "8")
    assert snapshot(ward) != first


def search_index_options():
    """The search index's storage options (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["article_search_folded_idx"],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_thread_writes_all_or_nothing(ward, monkeypatch):
    """The command's own way: a writer thread with its own connection, in
    one transaction; the search index as it was whatever happens."""
    generate("--count", "25")
    assert Article.objects.published(ward).count() == 25
    real_write, calls = generating.write, []

    def failing_write(*args):
        calls.append(1)
        if len(calls) == 12:
            raise ValueError("the maker broke")
        return real_write(*args)

    monkeypatch.setattr(generating, "write", failing_write)
    with pytest.raises(ValueError, match="the maker broke"):
        generating.generate(ward, 30, batch_size=5)
    assert Article.objects.count() == 25
    if connection.vendor == "postgresql":
        assert "fastupdate=off" in search_index_options()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index is PostgreSQL's"
)
def test_generated_articles_are_found_through_the_search_index(ward):
    generate("--count", "30")
    assert "fastupdate=off" in search_index_options()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM articles_article WHERE to_tsvector('simple', "
            "COALESCE(search_folded, '')) @@ plainto_tsquery('simple', 'to dan pho')"
        )
        assert cursor.fetchone()[0] >= 20


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
def test_the_planner_learns_the_new_articles_at_once(ward):
    """Right after a bulk load, with no statistics, older category pages took
    2 to 24 s (issue 18): the command runs ANALYZE on what it filled."""
    with CaptureQueriesContext(connection) as queries:
        generate("--count", "20")
    analyzed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    assert analyzed == [
        'ANALYZE "articles_article"',
        'ANALYZE "articles_category"',
        'ANALYZE "articles_dailyviews"',
    ]


def test_wards_option_fills_the_bench_wards_it_makes(ward):
    """A city's installation for the bench: --wards 3 makes p001.localhost
    to p003.localhost, each with the usual categories, and shares the
    articles out; run again, it fills the same wards."""
    out = generate("--count", "25", "--wards", "3")
    hosts = ["p001.localhost", "p002.localhost", "p003.localhost"]
    wards = [Ward.objects.claiming(host).get() for host in hosts]
    assert [w.name for w in wards] == [
        "Phường Thử nghiệm 001",
        "Phường Thử nghiệm 002",
        "Phường Thử nghiệm 003",
    ]
    for made in wards:
        slugs = set(made.categories.values_list("slug", flat=True))
        assert slugs == {slug for _, slug in WARD_CATEGORIES}
        # Each article in its own ward's categories.
        assert not Article.objects.filter(ward=made).exclude(category__ward=made)
    assert [Article.objects.published(w).count() for w in wards] == [9, 8, 8]
    assert not Article.objects.filter(ward=ward).exists()
    assert "Generated 25 articles for 3 wards" in out
    # Different articles in each ward, not one ward's copied.
    first, second = (set(snapshot(w)) for w in wards[:2])
    assert not first & second

    generate("--count", "4", "--wards", "2")
    assert Ward.objects.count() == 4  # The default ward and the three.
    assert [Article.objects.published(w).count() for w in wards] == [11, 10, 8]


@pytest.mark.parametrize(
    "args",
    [("--count", "5", "--wards", "0"), ("--count", "2", "--wards", "3")],
)
def test_wards_option_wants_a_ward_for_an_article_at_least(ward, args):
    with pytest.raises(CommandError, match="--wards"):
        generate(*args)
    assert Ward.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
def test_the_tables_are_analyzed_after_a_load_over_many_wards(ward):
    before = last_analyzed("articles_article")
    generate("--count", "6", "--wards", "2")
    after = last_analyzed("articles_article")
    assert after is not None and (before is None or after > before)
    assert last_analyzed("articles_dailyviews") >= after


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's visibility map"
)
@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_leaves_its_pages_all_visible():
    """Run as an operator runs it, the command ends with VACUUM (ANALYZE):
    statistics, and pages marked all-visible, so that a count of the
    ward's articles (sitemap.xml) reads an index alone."""
    generate("--count", "300")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible, relpages FROM pg_class "
            "WHERE relname = 'articles_article'"
        )
        visible, pages = cursor.fetchone()
    assert pages > 0 and visible == pages
    assert last_analyzed("articles_article") is not None
