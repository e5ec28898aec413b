"""`manage.py generate_questions`: published answered questions in bulk for
the bench, shown and found by readers exactly as answers staff publish, and
holding nothing of a person but fake initials."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.models import CODE, Status, Submission

from .conftest import SECOND_HOST


def generate(*args):
    out = StringIO()
    call_command("generate_questions", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_count_asked_all_on_the_reader_pages(ward, reader):
    summary = generate("--count", "250")
    assert summary.startswith("Generated 250 published answered questions for")
    items = Submission.objects.filter(ward=ward)
    assert items.count() == 250
    assert Submission.objects.published(ward).count() == 250
    assert not items.exclude(status=Status.PUBLISHED).exists()
    assert not items.filter(answer="").exists()
    assert len({i.received_at.year for i in items}) >= 5
    assert len(set(items.values_list("topic", flat=True))) >= 6
    newest = Submission.objects.published(ward).order_by("-published_at").first()
    response = reader.get("/hoi-dap/")
    assert response.status_code == 200
    assert newest.title in response.content.decode()
    response = reader.get(newest.get_absolute_url())
    assert response.status_code == 200
    assert newest.initials in response.content.decode()


def test_no_personal_data_but_fake_initials(ward):
    generate("--count", "200")
    for item in Submission.objects.filter(ward=ward):
        assert re.fullmatch(r"([A-ZĐ]\.){2,3}", item.name)
        assert re.fullmatch(r"Tổ \d+", item.group)
        assert item.phone == item.email == item.internal_note == ""
        assert item.initials.startswith(f"Ông/bà {item.name}, tổ ")


def test_every_derived_field_is_what_a_save_would_store(ward):
    generate("--count", "120")
    for item in Submission.objects.filter(ward=ward)[:60]:
        stored = (item.answer, item.search_folded, item.title, item.body)
        item.normalise()
        assert stored == (item.answer, item.search_folded, item.title, item.body)
        assert CODE.fullmatch(item.code)


def test_codes_and_slugs_unique_run_after_run_and_beside_hand_made_ones(
    ward, second_ward
):
    def asked(title, **fields):
        return Submission.objects.create(
            ward=ward,
            name="Nguyễn Văn An",
            group="Tổ 5",
            consent_at=timezone.now(),
            topic=Submission.Topic.CU_TRU,
            title=title,
            body="Hồ sơ gồm những gì?",
            **fields,
        )

    by_hand = asked(
        "Hồ sơ đăng ký tạm trú cho người thuê trọ",
        slug="ho-so-dang-ky-tam-tru-cho-nguoi-thue-tro",
    )
    generate("--count", "150", "--seed", "1")
    generate("--count", "150", "--seed", "1")
    generate("--count", "50", "--ward", SECOND_HOST)
    later = asked("Một câu hỏi")
    # The year's counter moved past what the generator took: the item
    # received after it has a code of its own.
    codes = list(Submission.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 352
    assert later.code in codes
    slugs = list(Submission.objects.filter(ward=ward).values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 302
    assert by_hand.slug in slugs
    assert Submission.objects.filter(ward=second_ward).count() == 50


def test_the_same_seed_gives_the_same_questions(ward, second_ward):
    generate("--count", "80", "--seed", "7")
    generate("--count", "80", "--seed", "7", "--ward", SECOND_HOST)

    def drawn(w):
        return list(
            Submission.objects.filter(ward=w)
            .order_by("id")
            .values_list("title", "body", "topic", "name", "slug", "received_at")
        )

    assert drawn(ward) == drawn(second_ward)


def test_found_by_the_readers_search(ward, reader):
    generate("--count", "300")
    response = reader.get("/hoi-dap/", {"q": "tạm trú"})
    assert response.status_code == 200
    found = Submission.objects.published(ward).filter(search_folded__contains="tam tru")
    assert found.exists()
    assert found.order_by("-published_at").first().title in response.content.decode()


def test_rows_written_in_batches_then_analysed(ward):
    with CaptureQueriesContext(connection) as captured:
        generate("--count", "2500")
    inserts = [q for q in captured if q["sql"].startswith("INSERT INTO")]
    # A thousand rows a statement (SQLite takes fewer at a time: its limit
    # on a statement's parameters), never one a row.
    written = [q for q in inserts if "questions_submission" in q["sql"]]
    assert 3 <= len(written) <= 100
    assert any(q["sql"].startswith("ANALYZE") for q in captured)


@pytest.mark.parametrize("args", [["--count", "0"], ["--count", "5", "--years", "0"]])
def test_bad_arguments_are_refused_with_a_message(ward, args):
    with pytest.raises(CommandError, match="must be 1 or more"):
        generate(*args)
