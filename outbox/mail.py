"""What the rest of the site calls to send an email."""

from collections.abc import Iterable
from email.utils import make_msgid

from django.conf import settings

from .tasks import deliver


def configured() -> bool:
    """Whether email goes anywhere: an SMTP server is set
    (DJANGO_EMAIL_HOST). Without one, emails are printed (DEBUG) or
    dropped, and pages that promise one should say it will not come."""
    return bool(settings.EMAIL_HOST)


def send_mail(
    subject: str,
    message: str,
    recipients: Iterable[str],
    html_message: str | None = None,
) -> None:
    """Queues one email (plain text, with an HTML alternative if given) to
    the recipients, from DEFAULT_FROM_EMAIL. Inside a transaction it is
    queued only if the transaction commits. No recipients, no email."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    deliver.enqueue(
        subject=str(subject),
        message=str(message),
        recipients=recipients,
        html_message=None if html_message is None else str(html_message),
        # One Message-ID for every try: should a server take the email and
        # then drop the line before saying so, the copy a retry delivers is
        # the same message to the recipient's mail program.
        message_id=make_msgid(domain=_domain()),
    )


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rstrip(">")
    return address.rpartition("@")[2] or "localhost"
