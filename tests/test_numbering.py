"""Each ward's articles, documents and questions numbered 1, 2, 3… as they
are made (numbering/): what the sitemap's pages are ranges of."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from articles.models import Article, Category
from numbering.models import Counter, take
from pages import generations
from questions.models import CODE_SERIES

from .test_questions_pages import published


def numbers(ward):
    return list(
        Article.objects.filter(ward=ward)
        .order_by("pk")
        .values_list("ward_seq", flat=True)
    )


def test_each_ward_numbers_its_own_articles(make_article, second_ward, ward):
    Category.objects.create_defaults(second_ward)
    elsewhere = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    make_article()
    make_article(category=elsewhere)
    make_article()
    assert numbers(ward) == [1, 2]
    assert numbers(second_ward) == [1]


def test_a_number_is_never_given_twice(make_article, ward):
    """Deleting the newest article frees no number: a page once read is
    never later a different set of articles under the same numbers."""
    make_article()
    make_article().delete()
    make_article()
    assert numbers(ward) == [1, 3]


def test_rows_made_in_bulk_are_numbered_in_order(category, ward, second_ward):
    Category.objects.create_defaults(second_ward)
    elsewhere = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    Article.objects.create(category=category, title="Bài đầu", slug="bai-dau")
    Article.objects.bulk_create(
        Article(category=c, ward=c.ward, title=f"Bài {n}", slug=f"bai-{n}")
        for n, c in enumerate([category, elsewhere, category, elsewhere, category])
    )
    assert numbers(ward) == [1, 2, 3, 4]
    assert numbers(second_ward) == [1, 2]


def test_an_article_moved_to_another_ward_takes_a_number_there(
    make_article, second_ward, ward
):
    """A superuser moving an article to another ward's category: its old
    number could already be taken there, or lie past the pages listed."""
    Category.objects.create_defaults(second_ward)
    elsewhere = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    for _ in range(3):
        make_article(category=elsewhere)
    moved = make_article()
    make_article()
    moved.category = elsewhere
    moved.save()
    moved.refresh_from_db()
    assert (moved.ward, moved.ward_seq) == (second_ward, 4)
    assert (
        Counter.objects.get(series="articles.article", scope=second_ward.pk).last == 4
    )


@pytest.mark.parametrize("kind", ["article", "document", "question"])
def test_a_row_moved_to_another_ward_leaves_both_wards_pages_stale(
    kind, make_article, make_document, ward, second_ward
):
    """The ward it left listed it too (its sitemap, home, lists): its kept
    pages go stale with the new ward's, not up to a minute later."""
    Category.objects.create_defaults(second_ward)
    row = {
        "article": make_article,
        "document": make_document,
        "question": lambda: published(ward),
    }[kind]()
    wards = (ward.pk, second_ward.pk)
    before = [generations.current(pk)[1] for pk in wards]
    if kind == "article":
        row.category = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    else:
        row.ward = second_ward
    row.save()
    after = [generations.current(pk)[1] for pk in wards]
    assert [old != new for old, new in zip(before, after, strict=True)] == [True, True]
    row.save()  # Saved again where it now is: the ward it left is done with.
    assert generations.current(ward.pk)[1] == after[0]


@pytest.mark.django_db(transaction=True)
def test_numbers_taken_together_never_collide():
    """Question codes (HD-2026-000123) and each ward's numbers alike: eight
    givers at the same moment, in their own connections, each get their
    own, none lost."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one at a time anyway.")
    numbers, errors = [], []

    def give():
        try:
            numbers.append(take(CODE_SERIES, 2031))
        except Exception as error:  # pragma: no cover - shown on failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=give) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 9))


def test_a_save_that_failed_leaves_no_number_behind(make_article, category, ward):
    """A save whose transaction rolled back took its number back with it:
    saved again, the article takes the next one, never one the counter
    would give once more (which would stop every later article)."""
    make_article(slug="trung")
    article = Article(category=category, title="Bài trùng", slug="trung")
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()
    article.slug = "khong-trung"
    article.save()
    make_article()
    assert numbers(ward) == [1, 2, 3]


def test_a_copy_takes_a_number_of_its_own(make_article, ward):
    article = make_article()
    article.pk = None
    article.slug = "ban-sao"
    article.save()
    assert numbers(ward) == [1, 2]


def test_a_row_that_comes_with_its_number_keeps_it(category, make_article, ward):
    """Rows loaded with their numbers (a fixture, a restored backup) keep
    them, and the ward's next article is numbered after them."""
    Article.objects.bulk_create(
        [Article(category=category, ward=ward, title="Bài cũ", slug="cu", ward_seq=7)]
    )
    make_article()
    assert numbers(ward) == [7, 8]


def test_a_move_saved_without_its_number_is_refused(make_article, second_ward):
    """Saving only some fields of an article moved to another ward would
    keep its old ward's number there: a mistake in code, said at once."""
    Category.objects.create_defaults(second_ward)
    article = make_article()
    article.category = Category.objects.get(ward=second_ward, slug="cong-tac-dang")
    with pytest.raises(ValueError, match="ward_seq"):
        article.save(update_fields=["category", "ward"])
