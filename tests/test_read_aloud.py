""" "Nghe bài viết": the browser reads an article, a document or an answer
aloud in a Vietnamese voice of its own (static/js/read-aloud.js,
templates/includes/read_aloud.html), and shows the button only where it
has one.

Debian's Chromium has no Vietnamese voice: the tests see the button stay
hidden there, then give the page a Vietnamese voice (speechSynthesis
stubbed before the page's scripts run) and use the button as a resident
would: read, pause, go on, stop."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from .test_accessibility import AXE, AXE_OPTIONS, DESKTOP, RUN_AXE
from .test_questions_pages import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-queue")

# The page's speechSynthesis, as a browser with these voices has it: the
# voices arrive a moment after the page (as in Chrome), what is spoken is
# recorded in window.spoken, and window.finishSpeaking() ends the current
# utterance as the voice reaching its end would.
VOICES = """(voices) => {
    const synth = window.speechSynthesis;
    let known = [];
    window.spoken = [];
    window.cancelled = 0;
    synth.getVoices = () => known;
    setTimeout(() => {
        known = voices;
        synth.dispatchEvent(new Event('voiceschanged'));
    }, 200);
    window.SpeechSynthesisUtterance = function (text) { this.text = text; };
    synth.speak = (utterance) => {
        window.spoken.push({text: utterance.text, lang: utterance.lang,
                            voice: utterance.voice && utterance.voice.name});
        window.current = utterance;
    };
    synth.cancel = () => { window.cancelled += 1; window.current = null; };
    window.finishSpeaking = () => {
        const utterance = window.current;
        window.current = null;
        if (utterance && utterance.onend) utterance.onend();
    };
}"""
VIETNAMESE = [
    {"name": "Google US English", "lang": "en-US", "localService": False},
    {"name": "Linh", "lang": "vi-VN", "localService": True},
]
ENGLISH_ONLY = [{"name": "Samantha", "lang": "en-US", "localService": True}]


def with_voices(context, voices):
    context.add_init_script(f"({VOICES})({__import__('json').dumps(voices)})")


def spoken(page):
    return page.evaluate("window.spoken")


@pytest.fixture
def article(make_article):
    return make_article(
        title="Phường ra quân tổng vệ sinh môi trường",
        lead="Sáng Chủ nhật, hơn 500 người dân đã tham gia.",
        body="<p>Các tổ dân phố dọn rác, khơi thông cống rãnh. "
        "Đoàn thanh niên trồng thêm 200 cây xanh.</p>",
    )


def test_without_a_vietnamese_voice_the_button_stays_hidden(
    new_context, live_server, article
):
    # Debian's Chromium as it is: no voice at all.
    page = new_context(phone=True).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator(".article-tools")).to_be_visible()  # Scripts ran.
    page.wait_for_timeout(500)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    assert page.get_by_role("button", name="Nghe bài viết").count() == 0

    # A browser with voices, none of them Vietnamese.
    context = new_context(phone=True)
    with_voices(context, ENGLISH_ONLY)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_timeout(500)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()


def test_a_resident_listens_pauses_goes_on_and_stops(new_context, live_server, article):
    context = new_context(phone=True)
    with_voices(context, VIETNAMESE)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    listen = page.get_by_role("button", name="Nghe bài viết")
    expect(listen).to_be_visible()  # Once the voices arrived.
    expect(page.get_by_role("button", name="Dừng đọc", exact=True)).to_be_hidden()
    page.screenshot(path=SHOTS / "read-aloud-article-phone.png")

    listen.tap()
    [first] = spoken(page)
    assert first == {
        "text": "Phường ra quân tổng vệ sinh môi trường",
        "lang": "vi-VN",
        "voice": "Linh",
    }
    pause = page.get_by_role("button", name="Tạm dừng")
    expect(pause).to_be_visible()
    expect(page.get_by_role("button", name="Dừng đọc", exact=True)).to_be_visible()
    page.screenshot(path=SHOTS / "read-aloud-speaking-phone.png")

    page.evaluate("window.finishSpeaking()")
    assert spoken(page)[-1]["text"] == "Sáng Chủ nhật, hơn 500 người dân đã tham gia."

    pause.tap()
    expect(page.get_by_role("button", name="Đọc tiếp")).to_be_visible()
    assert page.evaluate("window.cancelled") >= 2  # Before reading, and now.
    page.get_by_role("button", name="Đọc tiếp").tap()
    # The sentence it was reading, again from its start.
    assert spoken(page)[-1]["text"] == "Sáng Chủ nhật, hơn 500 người dân đã tham gia."

    page.evaluate("window.finishSpeaking()")
    assert spoken(page)[-1]["text"] == "Các tổ dân phố dọn rác, khơi thông cống rãnh."
    page.get_by_role("button", name="Dừng đọc", exact=True).tap()
    expect(listen).to_be_visible()
    expect(listen).to_be_focused()
    expect(page.get_by_role("button", name="Dừng đọc", exact=True)).to_be_hidden()

    # Read again from the top, to the end: the button is back as it was.
    listen.tap()
    assert spoken(page)[-1]["text"] == "Phường ra quân tổng vệ sinh môi trường"
    for _ in range(3):
        page.evaluate("window.finishSpeaking()")
    assert [part["text"] for part in spoken(page)[-4:]] == [
        "Phường ra quân tổng vệ sinh môi trường",
        "Sáng Chủ nhật, hơn 500 người dân đã tham gia.",
        "Các tổ dân phố dọn rác, khơi thông cống rãnh.",
        "Đoàn thanh niên trồng thêm 200 cây xanh.",
    ]
    page.evaluate("window.finishSpeaking()")
    expect(listen).to_be_visible()
    expect(page.get_by_role("button", name="Dừng đọc", exact=True)).to_be_hidden()


def test_a_long_sentence_is_read_in_parts(new_context, live_server, make_article):
    clause = "người dân tổ dân phố số năm đóng góp ý kiến về việc sửa đường"
    article = make_article(
        title="Tin", lead="", body=f"<p>{', '.join([clause] * 8)}.</p>"
    )
    context = new_context()
    with_voices(context, VIETNAMESE)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("button", name="Nghe bài viết").click()
    for _ in range(6):
        page.evaluate("window.finishSpeaking()")
    parts = [part["text"] for part in spoken(page)][1:]
    assert len(parts) > 2
    assert all(len(part) <= 200 for part in parts)
    assert " ".join(parts) == ", ".join([clause] * 8) + "."


def test_the_document_page_reads_the_document(new_context, live_server, make_document):
    document = make_document()
    context = new_context(viewport=DESKTOP)
    with_voices(context, VIETNAMESE)
    page = context.new_page()
    page.goto(live_server.url + document.get_absolute_url())
    page.get_by_role("button", name="Nghe bài viết").click()
    assert document.number in spoken(page)[0]["text"]
    page.screenshot(path=SHOTS / "read-aloud-document-desktop.png")


def test_the_answer_page_reads_question_and_answer(new_context, live_server, ward):
    item = published(
        ward,
        title="Đăng ký tạm trú cần những gì?",
        body="Tôi thuê trọ ở tổ 5, cần giấy tờ gì để đăng ký tạm trú?",
        answer="<p>Mang theo căn cước và hợp đồng thuê nhà.</p>",
    )
    context = new_context(viewport=DESKTOP)
    with_voices(context, VIETNAMESE)
    page = context.new_page()
    page.goto(live_server.url + item.get_absolute_url())
    page.get_by_role("button", name="Nghe bài viết").click()
    for _ in range(10):
        page.evaluate("window.finishSpeaking()")
    heard = " ".join(part["text"] for part in spoken(page))
    assert "cần giấy tờ gì để đăng ký tạm trú" in heard
    assert "Mang theo căn cước và hợp đồng thuê nhà" in heard


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_axe_finds_nothing_with_the_button_shown_and_speaking(
    new_context, live_server, article, viewport
):
    options = {"phone": True} if viewport == "phone" else {"viewport": DESKTOP}
    context = new_context(bypass_csp=True, **options)
    with_voices(context, VIETNAMESE)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("button", name="Nghe bài viết").click()
    expect(page.get_by_role("button", name="Dừng đọc", exact=True)).to_be_visible()
    page.screenshot(path=SHOTS / f"read-aloud-article-{viewport}.png", full_page=True)
    page.add_script_tag(path=AXE)
    assert page.evaluate(RUN_AXE, AXE_OPTIONS) == []


def test_the_page_sends_no_script_of_its_own_inline(reader, article):
    """The strict CSP allows no inline script: the button's is a file."""
    page = reader.get(article.get_absolute_url()).content.decode()
    assert '<script src="/static/js/read-aloud.js" defer></script>' in page
    assert "speechSynthesis" not in page
