"""A flood of 1,000 scripted posts stores nothing and slows no reader page:
every post is refused before the database is written, and the ward's kept
pages are not made stale, so readers keep getting them without a query.
bench/questions_flood.py measures the same flood against gunicorn."""

import base64
import json
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from numbering.models import Counter
from pages import limits
from questions.models import CODE_SERIES, Submission

from .test_questions_forms import ASK, filled, quick_door, solved  # noqa: F401

FLOOD = 1000


def forged() -> str:
    """A payload that looks like the widget's, signed by nobody."""
    payload = json.loads(base64.b64decode(solved()))
    payload["challenge"]["signature"] = "0" * 64
    return base64.b64encode(json.dumps(payload).encode()).decode()


def flood_posts(reader):
    """What a spam script sends: blind posts without our form, forms with a
    forged proof of work, forms replaying a genuine resident's solution, and
    forms filling the honeypot."""
    genuine = filled(reader)
    assert reader.post(ASK, genuine).status_code == 302
    captured = filled(reader, work=False)
    fake = forged()
    kinds = [
        lambda n: {**genuine, "ma_bieu_mau": "", "altcha": "x", "title": f"Spam {n}"},
        lambda n: {**captured, "altcha": fake, "title": f"Spam {n}"},
        lambda n: {**captured, "altcha": genuine["altcha"], "title": f"Spam {n}"},
        lambda n: {**captured, "trang_web": "http://spam.example", "title": f"S {n}"},
    ]
    return [kinds[n % len(kinds)](n) for n in range(FLOOD)]


def test_a_flood_stores_nothing_and_readers_keep_their_pages(reader, ward):
    posts = flood_posts(reader)
    codes = Counter.objects.filter(series=CODE_SERIES)
    stored, counted = Submission.objects.count(), codes.get().last
    assert reader.get("/hoi-dap/").status_code == 200  # Kept from now on.

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        statuses = {reader.post(ASK, post).status_code for post in posts}
    seconds = time.perf_counter() - started

    assert statuses == {400}
    assert Submission.objects.count() == stored == 1
    assert codes.get().last == counted
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    # Refused cheaply: no proof of work is ever redone, no file decoded.
    assert seconds / FLOOD < 0.1, f"{seconds / FLOOD * 1000:.1f} ms a post"
    with CaptureQueriesContext(connection) as reading:
        assert reader.get("/hoi-dap/").status_code == 200
    assert len(reading) == 0, "the flood made the readers' kept page stale"


def test_a_flood_from_one_address_meets_the_cheap_429(reader, ward, settings):
    settings.RENDERS_PER_SECOND = 5
    posts = flood_posts(reader)
    try:
        statuses = [reader.post(ASK, post).status_code for post in posts]
    finally:
        limits.clear_local()  # The next tests' client starts afresh.
    assert set(statuses) <= {400, 429}
    assert statuses.count(429) > FLOOD * 0.9
    assert Submission.objects.count() == 1


def test_a_script_drawing_a_fresh_form_each_time_is_held_and_capped(reader, ward):
    """A script that draws the form each time but does no proof of work
    looks like a resident without JavaScript: what it gets through is held
    for staff to look at, at most the cap an hour from one address."""
    for n in range(100):
        reader.post(
            ASK, filled(reader, work=False, title=f"Spam {n}", body=f"Quảng cáo số {n}")
        )
    items = Submission.objects.all()
    assert items.count() == 2
    assert all(item.held for item in items)
