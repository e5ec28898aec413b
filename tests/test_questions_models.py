"""The questions' models: tracking codes, the public gate, who sees what,
and how an asker is shown."""

from datetime import timedelta

from django.utils import timezone

from questions.models import Status, Submission
from wards import roles

from .conftest import make_staff


def make_submission(ward, **fields):
    fields.setdefault("name", "Nguyễn Văn An")
    fields.setdefault("group", "Tổ 5, số 12 ngõ 34 Trần Phú")
    fields.setdefault("phone", "0912345678")
    fields.setdefault("topic", Submission.Topic.CU_TRU)
    fields.setdefault("title", "Hồ sơ đăng ký tạm trú")
    fields.setdefault("body", "Hồ sơ đăng ký tạm trú cần những gì?")
    fields.setdefault("consent_at", timezone.now())
    return Submission.objects.create(ward=ward, **fields)


def test_codes_follow_the_kind_and_year(ward):
    year = timezone.localdate().year
    first = make_submission(ward)
    report = make_submission(ward, kind=Submission.Kind.REPORT, title="Đèn hỏng")
    assert first.code == f"HD-{year}-000001"
    assert report.code == f"PA-{year}-000002"


def test_initials_show_no_address(ward):
    item = make_submission(ward, name="nguyễn  văn  an", group="Tổ dân phố số 5")
    assert item.initials == "Ông/bà N.V.A., tổ 5"
    street = make_submission(ward, name="Lê Thị Bình", group="12 ngõ 34 Trần Phú")
    assert street.initials == "Ông/bà L.T.B."


def test_only_published_and_due_items_are_public(ward, second_ward):
    now = timezone.now()
    shown = make_submission(ward, status=Status.PUBLISHED, published_at=now, slug="a")
    make_submission(ward, status=Status.ANSWERED, slug="b")
    make_submission(
        ward, status=Status.PUBLISHED, published_at=now + timedelta(hours=1), slug="c"
    )
    make_submission(second_ward, status=Status.PUBLISHED, published_at=now, slug="d")
    assert list(Submission.objects.published(ward)) == [shown]


def test_editors_see_the_ward_writers_what_is_theirs(ward, second_ward):
    editor = make_staff("bientap", ward, role=roles.EDITOR)
    writer = make_staff("phongvien", ward)
    outsider = make_staff("khac", second_ward, role=roles.EDITOR)
    mine = make_submission(ward, assignee=writer)
    other = make_submission(ward, title="Khác")
    assert set(Submission.objects.for_user(editor)) == {mine, other}
    assert list(Submission.objects.for_user(writer)) == [mine]
    assert not Submission.objects.for_user(outsider).exists()


def test_answers_are_sanitised(ward):
    item = make_submission(
        ward, answer='<p onclick="x()">Có<script>alert(1)</script></p>'
    )
    assert item.answer == "<p>Có</p>"


def test_initials_read_tdp_and_reserved_slugs_move(ward):
    item = make_submission(ward, group="TDP 12, ngõ 5", slug="tra-cuu")
    assert item.initials == "Ông/bà N.V.A., tổ 12"
    assert item.slug == "tra-cuu-1"
