"""A resident asks, reports and comments: what arrives is stored once, with
its code, and the door holds against what is not a person."""

import re
from datetime import timedelta

import altcha
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import redisclient
from questions import door
from questions.models import Kind, Status, Submission, SubmissionFile

from .conftest import png_bytes

ASK = "/hoi-dap/gui-cau-hoi/"
REPORT = "/hoi-dap/gui-phan-anh/"


@pytest.fixture(autouse=True)
def quick_door(settings, monkeypatch):
    """A proof of work a test solves at once, no wait before sending, and
    each test's own hour of limits."""
    settings.QUESTIONS_WORK_PREFIX = "0"
    monkeypatch.setattr(door, "TOKEN_MIN_AGE", 0)
    door.clear_local()
    yield
    door.clear_local()


def solved() -> str:
    challenge = altcha.Challenge.from_dict(door.new_challenge())
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def token_of(response) -> str:
    return re.search(r'name="ma_bieu_mau" value="([^"]+)"', response.content.decode())[
        1
    ]


def filled(client, url=ASK, work=True, **fields):
    data = {
        "name": "Nguyễn Văn An",
        "group": "Tổ 5",
        "phone": "0912 345 678",
        "email": "",
        "topic": "cu-tru",
        "title": "Hồ sơ đăng ký tạm trú",
        "body": "Hồ sơ đăng ký tạm trú cho người thuê trọ cần những giấy tờ gì?",
        "consent": "on",
        "trang_web": "",
        "ma_bieu_mau": token_of(client.get(url)),
    }
    if work:
        data["altcha"] = solved()
    data.update(fields)
    return data


def test_a_question_arrives_with_its_code(reader, ward):
    response = reader.post(ASK, filled(reader))
    assert response.status_code == 302
    item = Submission.objects.get()
    assert re.fullmatch(rf"HD-{timezone.localdate().year}-\d{{6}}", item.code)
    assert (item.kind, item.status, item.held) == (Kind.QUESTION, Status.NEW, False)
    assert item.phone == "0912 345 678" and item.consent_at is not None
    page = reader.get(response["Location"])
    assert item.code in page.content.decode()
    assert "/hoi-dap/tra-cuu/" in page.content.decode()


def test_the_form_page_is_never_kept(reader, ward):
    response = reader.get(ASK)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'name="altcha"' in response.content.decode()


def test_without_javascript_it_is_stored_but_held(reader, ward):
    response = reader.post(ASK, filled(reader, work=False))
    assert response.status_code == 302
    assert Submission.objects.get().held


def test_a_forged_proof_of_work_stores_nothing_and_keeps_the_text(reader, ward):
    data = filled(reader, altcha="eyJjaGFsbGVuZ2UiOnt9fQ==")
    response = reader.post(ASK, data)
    assert response.status_code == 400
    assert not Submission.objects.exists()
    assert "cần những giấy tờ gì" in response.content.decode()


def test_a_used_proof_of_work_is_not_taken_again(reader, ward):
    first = filled(reader)
    assert reader.post(ASK, first).status_code == 302
    again = filled(
        reader, altcha=first["altcha"], title="Khác", body="Nội dung khác hẳn"
    )
    assert reader.post(ASK, again).status_code == 400
    assert Submission.objects.count() == 1


def test_the_honeypot_stores_nothing(reader, ward):
    response = reader.post(ASK, filled(reader, trang_web="http://spam.example"))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_form_not_drawn_by_us_stores_nothing(reader, ward, second_reader):
    other_wards_token = token_of(second_reader.get(ASK))
    for token in ("", "abc", other_wards_token):
        response = reader.post(ASK, filled(reader, ma_bieu_mau=token))
        assert response.status_code == 400
    assert not Submission.objects.exists()


def test_a_form_sent_within_seconds_is_a_scripts(reader, ward, monkeypatch):
    monkeypatch.setattr(door, "TOKEN_MIN_AGE", 60)
    response = reader.post(ASK, filled(reader))
    assert response.status_code == 400
    assert "quá nhanh" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_double_click_stores_one(reader, ward):
    data = filled(reader)
    first = reader.post(ASK, data)
    data["altcha"] = solved()  # The widget's second solution, same form.
    second = reader.post(ASK, data)
    assert Submission.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_same_words_again_are_folded(reader, ward):
    reader.post(ASK, filled(reader))
    reader.post(
        ASK,
        filled(
            reader,
            body="  hồ sơ đăng ký tạm trú cho người thuê trọ cần những giấy tờ gì? ",
        ),
    )
    assert Submission.objects.count() == 1


def test_a_contact_is_needed_unless_only_a_public_answer(reader, ward):
    response = reader.post(ASK, filled(reader, phone=""))
    assert response.status_code == 400
    assert "số điện thoại hoặc thư điện tử" in response.content.decode()
    response = reader.post(ASK, filled(reader, phone="", public_only="on"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "A" * 101),
        ("group", "B" * 201),
        ("phone", "1" * 31),
        ("title", "T" * 201),
        ("body", "x" * 5001),
        ("email", "a" * 250 + "@b.vn"),
        ("topic", "khong-co"),
    ],
)
def test_every_field_has_a_limit(reader, ward, field, value):
    response = reader.post(ASK, filled(reader, **{field: value}))
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_the_limit_per_address_holds(reader, ward, settings):
    settings.QUESTIONS_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        assert reader.post(ASK, filled(reader, title=f"Câu {n}")).status_code == 302
    response = reader.post(ASK, filled(reader, title="Câu thứ ba"))
    assert response.status_code == 429
    assert "Câu thứ ba" in response.content.decode()
    assert Submission.objects.count() == 2


def test_the_limit_per_ward_holds(reader, ward, settings):
    settings.QUESTIONS_PER_WARD_PER_HOUR = 1
    reader.post(ASK, filled(reader))
    response = reader.post(ASK, filled(reader, title="Câu khác", phone="0987654321"))
    assert response.status_code == 429
    assert Submission.objects.count() == 1


def test_posts_without_proof_of_work_have_a_ward_cap_of_their_own(
    reader, ward, settings
):
    settings.QUESTIONS_HELD_PER_WARD_PER_HOUR = 2
    for n in range(3):
        data = filled(reader, work=False, title=f"Câu {n}", phone=f"090000000{n}")
        response = reader.post(ASK, data, REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert response.status_code == 429
    assert Submission.objects.filter(held=True).count() == 2
    # The residents who did the work still get through.
    resident = filled(reader, title="Đèn đường hỏng", phone="0987654321")
    assert reader.post(ASK, resident, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_limits_rest_open_when_redis_is_down(reader, ward, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # Nobody listens there.
    settings.QUESTIONS_PER_ADDRESS_PER_HOUR = 1
    try:
        for n in range(3):
            response = reader.post(ASK, filled(reader, title=f"Câu {n}"))
            assert response.status_code == 302
    finally:
        redisclient.wake()  # The next tests' Redis is not resting.
    assert Submission.objects.count() == 3


def test_a_report_keeps_its_place_and_photos_without_gps(reader, ward):
    photo = SimpleUploadedFile("den-hong.png", png_bytes(), content_type="image/png")
    data = filled(reader, REPORT, place="Trước số 12 ngõ 34", title="Đèn đường hỏng")
    data["files"] = [photo]
    response = reader.post(REPORT, data)
    assert response.status_code == 302
    item = Submission.objects.get()
    assert item.kind == Kind.REPORT and item.code.startswith("PA-")
    assert item.place == "Trước số 12 ngõ 34"
    stored = item.files.get()
    assert stored.file.name.startswith(f"attachments/questions/{ward.slug}/")
    assert stored.original_name == "den-hong.png"


def test_a_disguised_file_is_refused(reader, ward):
    fake = SimpleUploadedFile("anh.png", b"<script>alert(1)</script>", "image/png")
    data = filled(reader)
    data["files"] = fake
    response = reader.post(ASK, data)
    assert response.status_code == 400
    assert not SubmissionFile.objects.exists()
    assert "cần những giấy tờ gì" in response.content.decode()


def test_a_comment_while_the_period_is_open(reader, ward, make_document):
    today = timezone.localdate()
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=3),
        comment_ends_on=today + timedelta(days=3),
    )
    url = f"/van-ban/{draft.slug}/gop-y/"
    data = filled(
        reader, url, phone="", title="", body="Đề nghị bổ sung điều 5 về vỉa hè."
    )
    response = reader.post(url, data)
    assert response.status_code == 302
    item = Submission.objects.get()
    assert item.kind == Kind.COMMENT and item.document == draft
    assert item.code.startswith("GY-") and item.title.startswith("Góp ý quyết định")
    sent = reader.get(response["Location"]).content.decode()
    assert item.code in sent and draft.get_absolute_url() in sent
    page = reader.get(draft.get_absolute_url()).content.decode()
    assert "Đã nhận 1 ý kiến góp ý" in page


@pytest.mark.parametrize("days", [(-10, -2), (2, 10)])
def test_comments_are_refused_outside_the_period(reader, ward, make_document, days):
    today = timezone.localdate()
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today + timedelta(days=days[0]),
        comment_ends_on=today + timedelta(days=days[1]),
    )
    url = f"/van-ban/{draft.slug}/gop-y/"
    page = reader.get(url)
    assert 'name="body"' not in page.content.decode()
    data = filled(reader, ASK, body="Ý kiến gửi muộn về điều 5.")
    response = reader.post(url, data)
    assert response.status_code == 403
    assert "Ý kiến gửi muộn về điều 5." in response.content.decode()
    assert not Submission.objects.exists()


def test_a_document_not_for_comment_has_no_form(reader, ward, make_document):
    document = make_document()
    assert reader.get(f"/van-ban/{document.slug}/gop-y/").status_code == 404


def test_many_links_are_held_for_a_look(reader, ward):
    body = "Mua ngay http://a.example http://b.example www.c.example giá rẻ"
    assert reader.post(ASK, filled(reader, body=body)).status_code == 302
    item = Submission.objects.get()
    assert item.held and item.held_reason == "Nhiều đường link trong nội dung"


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_store_one(ward):
    import threading

    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one at a time anyway.")
    first = Client()
    data = filled(first)
    posts = [{**data, "altcha": solved()} for _ in range(4)]
    answers = []

    def send(post):
        try:
            answers.append(Client().post(ASK, post)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(post,)) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Submission.objects.count() == 1
    assert len(set(answers)) == 1 and len(answers) == 4


def test_a_photo_loses_its_gps_and_is_never_served_publicly(reader, ward):
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Điện thoại của tôi"  # Make.
    exif[0x8825] = {1: "N", 2: (21.0, 2.0, 30.0), 3: "E", 4: (105.0, 54.0, 10.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    photo = SimpleUploadedFile("hien-truong.jpg", buffer.getvalue(), "image/jpeg")
    data = filled(reader, REPORT, place="Ngõ 12", title="Rác thải")
    data["files"] = [photo]
    assert reader.post(REPORT, data).status_code == 302
    stored = SubmissionFile.objects.get()
    with stored.file.open("rb") as file, Image.open(file) as image:
        assert not image.getexif()
    assert reader.get(f"/media/{stored.file.name}").status_code == 404


def test_four_photos_or_a_large_file_are_refused(reader, ward):
    data = filled(reader, REPORT, place="Ngõ 12")
    data["files"] = [
        SimpleUploadedFile(f"anh-{n}.png", png_bytes(), "image/png") for n in range(4)
    ]
    assert reader.post(REPORT, data).status_code == 400
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))
    data = filled(reader)
    data["files"] = big
    response = reader.post(ASK, data)
    assert response.status_code == 400
    assert "quá lớn" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_question_sent_while_the_database_is_away_gets_the_503(ward, monkeypatch):
    """The resident gets the Vietnamese 503 page (their browser keeps the
    text: test_questions_browser.py); sent again once the database is back,
    the same form stores one item."""
    from django.db import connection
    from django.test import Client

    from .conftest import PHONE_UA
    from .test_outage import OUTAGE_HEADING, take_away

    served = Client(headers={"user-agent": PHONE_UA}, raise_request_exception=False)
    data = filled(served)
    with monkeypatch.context() as away:
        take_away(away)
        response = served.post(ASK, data)
        assert response.status_code == 503
        assert OUTAGE_HEADING in response.text
        connection.close()
    assert not Submission.objects.exists()
    again = served.post(ASK, {**data, "altcha": solved()})
    assert again.status_code == 302
    assert Submission.objects.count() == 1
