"""No script a resident (or staff) types reaches a public page as code:
the XSS vectors of test_xss.py go through every field of the report form,
staff publish the item with the vector as the answer and as the edited
question, and the Q&A list, its search, the answer page, the status page,
the sent page and the draft's page are read with test_xss's parser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Status, Submission

from .test_questions_forms import REPORT, filled, quick_door  # noqa: F401
from .test_xss import VECTORS, script_problems

MARK = "hoidapxss"


def test_there_are_enough_vectors():
    assert len(set(VECTORS)) >= 50


@pytest.mark.parametrize("vector", VECTORS)
def test_no_field_carries_a_script_to_a_public_page(
    reader, ward, make_document, vector
):
    today = timezone.localdate()
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=1),
        comment_ends_on=today + timedelta(days=1),
    )
    data = filled(
        reader,
        REPORT,
        name=vector[:100],
        group=vector[:200],
        title=f"{MARK} {vector}"[:200],
        place=vector[:200],
        body=f"{MARK} {vector}",
        email="",
        phone="0912345678",
    )
    sent = reader.post(REPORT, data)
    assert sent.status_code == 302, sent.content.decode()[:500]
    item = Submission.objects.get()
    item.status = Status.PUBLISHED
    item.slug = "cau-hoi-xss"
    item.published_at = timezone.now() - timedelta(minutes=1)
    item.answer = f"<p>{MARK}</p>{vector}"
    item.save()
    edited = Submission.objects.create(
        ward=ward,
        name=vector[:100],
        group=vector[:200],
        topic="khac",
        title=f"{MARK} sửa",
        body="x" * 20,
        public_question=f"{MARK} {vector}",
        consent_at=timezone.now(),
        status=Status.PUBLISHED,
        slug="cau-hoi-sua",
        published_at=timezone.now() - timedelta(minutes=1),
        document=draft,
        kind="gop-y",
    )
    pages = [
        "/hoi-dap/",
        f"/hoi-dap/?q={MARK}",
        item.get_absolute_url(),
        edited.get_absolute_url(),
        sent["Location"],
        draft.get_absolute_url(),
    ]
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
        problems = script_problems(response.content.decode())
        assert not problems, f"{vector!r} on {url}: {problems}"
    status = reader.post(
        "/hoi-dap/tra-cuu/", {"ma": item.code, "lien_he": "0912345678"}
    )
    assert status.status_code == 200
    assert not script_problems(status.content.decode())
