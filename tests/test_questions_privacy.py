"""What the public pages' scrubber (questions/privacy.py) hides of a
resident however it is typed, and what it must leave: the ordinary words,
numbers and places every answer is made of."""

import unicodedata

import pytest

from questions.privacy import HIDDEN, scrub, scrub_html

KNOWN = {
    "name": "Nguyễn Văn An",
    "address": "Tổ 5, số 12 ngõ 34 Trần Phú",
    "initials": "N.V.A.",
}

KEPT = [
    "Quyết định số 125/QĐ-UBND ngày 05/12/2026 về đường Trần Phú.",
    "Các hộ tổ 5 được hỗ trợ 100.000.000 đồng.",
    "Anh An ăn cơm; văn an; Nguyễn Văn Anh.",
    "Tổng đài 1900 1234; năm 2020 - 2025 có 12 người; Điều 12 khoản 34.",
    "Nước lũ về ồ ạt vào đợt 2.",
]


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_words_numbers_and_places_stay(text):
    assert scrub(text, **KNOWN) == text


HIDDEN_TEXTS = {
    "zero-width": "Gọi 0912\u200b345\u00ad678.",
    "ideographic-spaces": "Gọi 0912\u3000345\u3000678.",
    "email-brackets": "Thư: an [at] gmail [dot] com.",
    "address-partial": "Nhà tôi ở 34 Trần Phú.",
    "address-decomposed": unicodedata.normalize("NFD", "Ở số 12 ngõ 34 Trần Phú."),
    "name-upper-unaccented": "Tôi là NGUYEN VAN AN.",
    "name-without-middle": "Tôi là Nguyễn An.",
}


@pytest.mark.parametrize("text", HIDDEN_TEXTS.values(), ids=HIDDEN_TEXTS.keys())
def test_the_resident_is_hidden_however_typed(text):
    shown = scrub(text, **KNOWN)
    assert not any(c.isdigit() for c in shown.replace("tổ 5", ""))
    assert "an" not in shown.lower().replace("ẩn", "").split()
    assert "trần phú" not in shown.lower()


def test_an_email_ends_where_its_sentence_does():
    shown = scrub("Thư an@gmail.com. Xin hỏi; an at gmail dot com. Cảm ơn.")
    assert shown == f"Thư {HIDDEN}. Xin hỏi; {HIDDEN}. Cảm ơn."


def test_a_number_split_by_bold_keeps_the_html_whole():
    shown = scrub_html(
        "<p>Gọi <strong>0912</strong> 345 678 hoặc <em>Nguyễn</em> Văn An.</p>", **KNOWN
    )
    assert shown == (f"<p>Gọi <strong>{HIDDEN}</strong> hoặc <em>N.V.A.</em>.</p>")


def test_two_numbers_in_two_paragraphs_are_not_one_phone():
    html = "<p>Điều 0</p><p>12345678</p>"
    assert scrub_html(html, **KNOWN) == html


def test_initials_are_not_taken_for_a_name():
    text = "Phụ lục A, mục B: a b c."
    assert scrub(text, name="A.B.C.", initials="Ông/bà A.B.C.") == text


def test_a_name_in_running_text_becomes_its_letters_not_the_attribution():
    """ "Chào ông Nguyễn Văn An" reads "Chào ông N.V.A." on the public page,
    never "Chào ông Ông/bà N.V.A., tổ 5"."""
    shown = scrub_html("<p>Chào ông Nguyễn Văn An, mời ông lên phường.</p>", **KNOWN)
    assert shown == "<p>Chào ông N.V.A., mời ông lên phường.</p>"
