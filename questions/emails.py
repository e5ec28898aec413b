"""What the ward's emails say: the answer to a resident, and the editors'
daily digest. Written here, sent through outbox (which queues and retries).

The answer goes out twice in one message: as plain text (what every mail
app shows) and as HTML built only from the answer as the allow-list left it
(richtext/sanitize.py) and the resident's own words escaped, so nothing a
resident or a staff member typed arrives in a mail app as code.
"""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from richtext.sanitize import sanitize

# Blocks after which plain text starts a new paragraph.
_BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "table", "ul", "ol", "figure"}
_LINE_BREAKS = {"br", "tr", "li", "figcaption", "hr"}


class _PlainText(HTMLParser):
    """Sanitised rich text as a plain-text email shows it: paragraphs apart,
    list items as "- …", a link's address after its words."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in _LINE_BREAKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith("#"):
                self.parts.append(f" ({href.removeprefix('mailto:')})")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data.replace("\n", " "))

    def text(self) -> str:
        lines = ("".join(self.parts)).split("\n")
        lines = [" ".join(line.split()) if line.strip() else "" for line in lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(html: str) -> str:
    """Rich text as paragraphs of plain text."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _absolute(html: str, origin: str) -> str:
    """Our own pictures and pages (written "/media/…") as full addresses:
    a mail app has no page they are relative to."""
    return re.sub(r'(\s(?:src|href))="/(?!/)', rf'\1="{origin}/', html)


def one_line(text: str) -> str:
    """A header's text on one line (a subject never carries a line break)."""
    return " ".join(text.split())


def answer_message(submission, *, status_url: str, origin: str) -> dict:
    """The email telling the resident their item is answered: subject,
    message (text) and html_message, for outbox.send_mail."""
    answer = sanitize(submission.answer)
    context = {
        "submission": submission,
        "ward": submission.ward,
        "kind": submission.get_kind_display().lower(),
        "received": timezone.localtime(submission.received_at),
        "answer_text": plain_text(answer),
        "answer_html": _absolute(answer, origin),
        "status_url": status_url,
    }
    return {
        "subject": one_line(
            f"{submission.ward.name} trả lời {context['kind']} {submission.code}"
        ),
        "message": render_to_string("emails/answer.txt", context),
        "html_message": render_to_string("emails/answer.html", context),
    }


def digest_message(ward, *, new: list, late: list, inbox_url: str) -> dict:
    """The editors' daily digest of what waits in the ward's inbox."""
    context = {"ward": ward, "new": new, "late": late, "inbox_url": inbox_url}
    counts = []
    if new:
        counts.append(f"{len(new)} mới")
    if late:
        counts.append(f"{len(late)} quá hạn")
    return {
        "subject": one_line(
            f"Hỏi đáp {ward.name}, {timezone.localdate():%d/%m/%Y}: "
            + ", ".join(counts)
        ),
        "message": render_to_string("emails/digest.txt", context),
    }


def site_url(ward, path: str) -> str:
    """A full address on the ward's own site, for an email sent without a
    request (the digest): its first host name, over HTTPS where staff log in
    over it (secure cookies), at the public port if the deployment names one."""
    host = next((h.host for h in ward.hosts.all()), None) or _installation_host()
    scheme = "https" if settings.SESSION_COOKIE_SECURE else "http"
    if settings.PUBLIC_PORT and settings.PUBLIC_PORT not in (80, 443):
        host = f"{host}:{settings.PUBLIC_PORT}"
    return f"{scheme}://{host}{path}"


def _installation_host() -> str:
    """For a ward with no host name of its own (the default ward): the
    installation's first allowed host that is a name, not a pattern."""
    names = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
    return names[0] if names else "localhost"
