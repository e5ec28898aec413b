"""Defects found walking the Hỏi đáp feature as a resident on a phone and as
a ward's editor working the inbox (probe2, December 2026). Each test says
what the person saw; each failed when it was written."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from questions.models import CommentReport, Submission

from .conftest import png_bytes
from .inbox import (
    change_url,
    editor_client_fixture,  # noqa: F401 - a fixture.
    item_form,
    make_item,
)
from .test_questions_forms import ASK, filled, quick_door  # noqa: F401 - fixture.
from .test_questions_pages import published

REQUESTS = "/admin/questions/submission/du-lieu-ca-nhan/"


# --- A person's data on request --------------------------------------------


def test_erasing_a_persons_data_removes_the_phone_they_wrote_in_the_question(
    editor_client, ward
):
    """The clerk is told "số điện thoại … đã xóa", yet the number the
    resident typed in their question ("Gọi tôi 0912 345 678") stays in the
    database, and in any later export."""
    item = make_item(
        ward,
        phone="0912 345 678",
        body="Xin hỏi đăng ký tạm trú cần giấy tờ gì? Gọi tôi 0912 345 678.",
    )
    editor_client.post(REQUESTS, {"phone": "0912 345 678", "erase": ""})
    item.refresh_from_db()
    assert item.phone == ""
    assert "0912 345 678" not in item.body


def test_after_erasure_the_public_page_still_hides_the_residents_full_name(
    editor_client, reader, ward
):
    """The public page hides the asker's full name by matching the stored
    name; erasure replaces that name with initials, so afterwards the full
    name the resident wrote in the question appears on the public page."""
    published(
        ward,
        slug="tam-tru-cho-con",
        phone="0912345678",
        body="Tôi là Nguyễn Văn An, xin hỏi đăng ký tạm trú cho con thế nào?",
    )
    editor_client.post(REQUESTS, {"phone": "0912345678", "erase": ""})
    assert Submission.objects.get().name == "N.V.A."
    after = reader.get("/hoi-dap/tam-tru-cho-con/").content.decode()
    assert "Nguyễn Văn An" not in after


# --- What the public page shows ----------------------------------------------


def test_a_citizen_id_number_in_a_question_is_hidden_on_the_public_page(reader, ward):
    """Residents asking about tạm trú or hộ tịch often write their căn cước
    number; it is personal data (Decree 13) and reached the public page."""
    published(
        ward,
        slug="cccd",
        body="Căn cước của tôi số 001089012345 bị sai ngày sinh, sửa ở đâu ạ?",
    )
    page = reader.get("/hoi-dap/cccd/").content.decode()
    assert "001089012345" not in page


def test_the_wards_own_hotline_stays_in_a_published_answer(reader, ward):
    """A clerk answers "gọi đường dây nóng của phường 024 3875 0000"; the
    public page prints "gọi đường dây nóng của phường [đã ẩn]", and the
    form's preview never showed the answer that way."""
    ward.hotline = "024 3875 0000"
    ward.save()
    published(
        ward,
        slug="duong-day-nong",
        answer="<p>Xin gọi đường dây nóng của phường 024 3875 0000.</p>",
    )
    page = reader.get("/hoi-dap/duong-day-nong/").content.decode()
    answer = page.split("Trả lời của", 1)[1]
    assert "024 3875 0000" in answer.split("</article>", 1)[0]


def test_erasure_scrubs_the_name_email_and_id_written_in_every_text(
    editor_client, ward
):
    """What the export would hand on after erasure: the stored title,
    question, text for publication and answer, none with the resident's
    name, email or căn cước number; the ward's hotline in the answer stays."""
    ward.hotline = "024 3875 0000"
    ward.save()
    item = make_item(
        ward,
        phone="0912 345 678",
        title="Nguyễn Văn An hỏi về tạm trú",
        body="Thư cho tôi: an.nguyen@example.com, căn cước 001089012345.",
        public_question="Ông Nguyễn Văn An hỏi: tạm trú cần gì?",
        answer="<p>Gửi Nguyễn Văn An: gọi 024 3875 0000 hoặc 0912 345 678.</p>",
    )
    editor_client.post(REQUESTS, {"phone": "0912345678", "erase": ""})
    item.refresh_from_db()
    stored = " ".join([item.title, item.body, item.public_question, item.answer])
    for personal in ("Nguyễn Văn An", "an.nguyen@example.com", "001089012345"):
        assert personal not in stored
    assert "0912 345 678" not in item.answer
    assert "024 3875 0000" in item.answer
    assert "N.V.A." in item.title


@pytest.mark.parametrize("number", ["025189012", "001089012345"])
def test_a_cmnd_or_can_cuoc_number_is_hidden_but_an_amount_stays(reader, ward, number):
    published(
        ward,
        slug="giay-to",
        body=f"Số {number}, lệ phí 100.000.000 đồng hay 150000 đồng?",
    )
    page = reader.get("/hoi-dap/giay-to/").content.decode()
    assert number not in page
    assert "100.000.000 đồng" in page
    assert "150000 đồng" in page


def test_the_public_preview_in_the_admin_shows_the_answer_as_published(
    editor_client, ward
):
    ward.hotline = "024 3875 0000"
    ward.save()
    item = make_item(
        ward,
        answer="<p>Gọi đường dây nóng 024 3875 0000, không gọi 0987 654 321.</p>",
    )
    page = editor_client.get(change_url(item)).content.decode()
    preview = page.split('class="inbox-public"', 1)[1].split("</div></div>", 1)[0]
    assert "024 3875 0000" in preview
    assert "0987 654 321" not in preview
    assert "[đã ẩn]" in preview


# --- The resident's forms ----------------------------------------------------


def test_no_contact_given_the_sent_page_does_not_promise_a_lookup(reader, ward):
    """A resident who ticked "chỉ cần câu trả lời đăng công khai" and gave no
    phone or email is told to look the item up "cùng với số điện thoại hoặc
    thư điện tử bạn đã ghi": they wrote neither, so the look-up can never
    find it."""
    data = filled(reader, phone="", email="", public_only="on")
    response = reader.post(ASK, data, follow=True)
    assert Submission.objects.count() == 1
    assert "số điện thoại hoặc thư điện tử bạn đã ghi" not in (
        response.content.decode()
    )


def test_no_contact_given_the_sent_page_says_where_the_answer_will_be(reader, ward):
    data = filled(reader, phone="", email="", public_only="on")
    page = reader.post(ASK, data, follow=True).content.decode()
    assert "không tra cứu trực tuyến được" in page
    assert 'href="/hoi-dap/">Hỏi đáp</a>' in page


def test_a_photo_dropped_by_a_form_error_is_asked_for_again(reader, ward):
    """The resident attaches a photo, forgets the phone: the form comes back
    saying "Nội dung bạn nhập vẫn được giữ nguyên" while the photo is gone
    (browsers never keep a file input). Nothing tells them to choose it
    again, so the question arrives without it."""
    photo = SimpleUploadedFile("giay-to.png", png_bytes(), content_type="image/png")
    data = filled(reader, phone="", email="")
    data["files"] = photo
    response = reader.post(ASK, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "giay-to.png" in page or "chọn lại" in page


def test_the_photo_to_choose_again_is_named_beside_its_field(reader, ward):
    photo = SimpleUploadedFile("giay-to.png", png_bytes(), content_type="image/png")
    data = filled(reader, phone="", email="")
    data["files"] = photo
    page = reader.post(ASK, data).content.decode()
    assert "trừ ảnh/tệp đính kèm: hãy chọn lại" in page
    notice = page.split('id="id_files_again">', 1)[1].split("</p>", 1)[0]
    assert "Hãy chọn lại ảnh/tệp: giay-to.png" in notice
    assert 'aria-describedby="id_files_again id_files_helptext"' in page


def test_the_too_short_message_counts_what_it_measures(reader, ward):
    """ "ít nhất 10 chữ" reads as ten words to a Vietnamese reader; the check
    counts ten characters, so "Cho hỏi ạ!" passes and "ngắn" is told to
    write ten words."""
    response = reader.post(ASK, filled(reader, body="ngắn"))
    page = response.content.decode()
    assert "ít nhất 10 chữ)" not in page
    assert "ít nhất 10 ký tự" in page


# --- Comment reports ---------------------------------------------------------


@pytest.mark.django_db
def test_no_comment_report_while_the_draft_still_takes_comments(
    editor_client, make_document
):
    """The docs and the model say the report is written once the period
    has closed; the admin takes and publishes one while residents are still
    commenting, so the draft's page shows a summary that misses them."""
    today = timezone.localdate()
    draft = make_document(
        number="12/DT-UBND",
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=3),
        comment_ends_on=today + timedelta(days=20),
    )
    editor_client.post(
        "/admin/questions/commentreport/add/",
        {
            "document": draft.pk,
            "body": "<p>Phường nhận 1 ý kiến.</p>",
            "published": "on",
            "published_at_0": "",
            "published_at_1": "",
        },
    )
    assert not CommentReport.objects.exists()


@pytest.mark.django_db
def test_the_editor_is_told_why_the_report_cannot_be_published_yet(
    editor_client, make_document
):
    today = timezone.localdate()
    draft = make_document(
        number="12/DT-UBND",
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=3),
        comment_ends_on=today + timedelta(days=20),
    )
    fields = {
        "document": draft.pk,
        "body": "<p>Phường nhận 1 ý kiến.</p>",
        "published_at_0": "",
        "published_at_1": "",
    }
    add = "/admin/questions/commentreport/add/"
    page = editor_client.post(add, {**fields, "published": "on"}).content.decode()
    ends = today + timedelta(days=20)
    assert f"dự thảo vẫn đang nhận góp ý đến hết ngày {ends:%d/%m/%Y}" in page
    # Written ahead, unpublished, it is kept.
    assert editor_client.post(add, fields).status_code == 302
    assert not CommentReport.objects.get().published


def test_a_comment_on_an_article_names_its_draft_in_the_inbox(
    reader, ward, make_document
):
    """A commenter fills "Điều, khoản được góp ý" with "Điều 3": the inbox,
    the digest email and the personal-data list then show "GY-… Điều 3",
    with no word of which draft, while an empty box gives "Góp ý quy chế
    12/DT-UBND"."""
    today = timezone.localdate()
    draft = make_document(
        number="12/DT-UBND",
        is_draft_for_comment=True,
        comment_starts_on=today - timedelta(days=3),
        comment_ends_on=today + timedelta(days=3),
    )
    url = f"/van-ban/{draft.slug}/gop-y/"
    data = filled(
        reader, url, phone="", title="Điều 3", body="Đề nghị ghi rõ giờ sinh hoạt."
    )
    assert reader.post(url, data).status_code == 302
    title = Submission.objects.get().title
    assert title.startswith("Góp ý ") and title.endswith(" 12/DT-UBND: Điều 3")


@pytest.mark.parametrize(
    "typed",
    ["hd 2026 000001", "HD2026000001", "HD–2026–000001", " hd—2026—000001 "],
)
def test_a_code_typed_without_its_dashes_is_still_found(reader, ward, typed):
    """A resident who copied the code by hand, or had it read out over the
    phone, types "hd 2026 000001" (a phone keyboard hides the dash, and
    some keyboards put an en dash): the page says only "Xin ghi mã tra cứu
    (ví dụ HD-2026-000123)…", as if they had left the box empty."""
    item = make_item(ward, phone="0912 345 678")
    assert item.code.endswith("-000001")
    typed = typed.replace("2026", item.code[3:7])
    response = reader.post("/hoi-dap/tra-cuu/", {"ma": typed, "lien_he": "0912345678"})
    assert response.status_code == 200
    assert item.title in response.content.decode()


def test_an_items_history_names_staff_surname_first(client, ward, ward_editor):
    """ "Cán bộ" stores "Phạm Thu Hà" as given name "Hà" and family name
    "Phạm Thu"; the item's "Lịch sử" prints Django's full name, given name
    first: "bientapphuong (Hà Phạm Thu)", a name nobody in the ward has."""
    ward_editor.first_name, ward_editor.last_name = "Hà", "Phạm Thu"
    ward_editor.save()
    client.force_login(ward_editor)
    item = make_item(ward)
    client.post(change_url(item), item_form(item, title="Tạm trú cho người thuê"))
    response = client.get(f"/admin/questions/submission/{item.pk}/history/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hà Phạm Thu" not in page
    assert "Phạm Thu Hà" in page
    assert "Phạm Thu Hà (bientapphuong)" in page


def test_a_commenter_without_phone_or_email_can_have_their_data_erased(
    editor_client, ward
):
    """The privacy notice tells residents to come "kèm mã tra cứu nếu có" to
    see or erase their data; a draft's commenter need give no phone or
    email, and "Dữ liệu cá nhân theo yêu cầu" finds items by phone or email
    only: the clerk cannot export or erase that resident's name and address
    with the tool the docs point to."""
    make_item(ward, kind=Submission.Kind.COMMENT, phone="", email="")
    page = editor_client.get(REQUESTS).content.decode()
    # The search form, not the header's logout form.
    form = page.split('<form method="post" action="" novalidate id="person-request"')
    assert "Mã tra cứu" in form[1].split("</form>", 1)[0]


def test_a_commenters_data_is_found_and_erased_by_their_code(editor_client, ward):
    item = make_item(
        ward,
        kind=Submission.Kind.COMMENT,
        phone="",
        email="",
        name="Trần Thị Bình",
        group="Tổ 3, số 8 ngõ 12",
    )
    other = make_item(ward, kind=Submission.Kind.COMMENT, phone="", email="")
    typed = item.code.lower().replace("-", " ")
    page = editor_client.post(REQUESTS, {"code": typed}).content.decode()
    assert "1 mục của người này" in page
    assert item.code in page and other.code not in page
    editor_client.post(REQUESTS, {"code": item.code, "erase": ""})
    item.refresh_from_db()
    other.refresh_from_db()
    assert (item.name, item.group) == ("T.T.B.", "Tổ 3")
    assert other.personal_data_removed_at is None


def test_a_mistyped_code_is_told_in_the_personal_data_tool(editor_client, ward):
    page = editor_client.post(REQUESTS, {"code": "GY-26-1"}).content.decode()
    assert "Mã tra cứu gồm HD, PA hoặc GY" in page


def test_assigning_an_item_says_once_whom_it_was_given_to(editor_client, ward, writer):
    writer.first_name, writer.last_name = "Hà", "Phạm Thu"
    writer.save()
    item = make_item(ward)
    response = editor_client.post(
        change_url(item), item_form(item, assignee=writer.pk), follow=True
    )
    told = [str(m) for m in response.context["messages"] if m.level_tag == "success"]
    assert told == [f"Đã giao {item.code} cho Phạm Thu Hà."]
