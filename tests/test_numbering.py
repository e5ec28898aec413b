"""Each ward's articles, documents and questions numbered 1, 2, 3… as they
are made (numbering/): what the sitemap's pages are ranges of."""

import pytest
from django.db import connection

from articles.models import Article, Category
from numbering.models import Counter, take


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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")
@pytest.mark.django_db(transaction=True)
def test_two_givers_at_once_never_share_a_number():
    """Each giver holds the counter's row until its transaction ends: a
    second one, in another connection, waits for it and then gets the
    next block."""
    import threading

    from django.db import connections, transaction

    taken = []
    holding = threading.Event()
    release = threading.Event()

    def first():
        with transaction.atomic():
            taken.append(take("thu", 1, 3))
            holding.set()
            release.wait(5)
        connections.close_all()

    def second():
        holding.wait(5)
        taken.append(take("thu", 1, 2))
        connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    holding.wait(5)
    threads[1].join(0.5)
    assert threads[1].is_alive()  # Waiting for the first's transaction.
    release.set()
    for thread in threads:
        thread.join(5)
    assert taken == [1, 4]
