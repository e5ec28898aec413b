"""Sending one email, and trying again while the mail server is away.

A try that cannot reach the server, or that the server answers with a
temporary refusal (4xx), queues the next try and fails (the worker logs it):
the first 6 tries wait 1, 2, 4, 8, 16 and 32 minutes after the one before,
then one an hour, TRIES in all, over some two days. A permanent refusal
(5xx: a wrong password, a sender the server will not relay for, every
recipient unknown) is not tried again. Either way the email stays in the
task table, failed with `Undelivered`, and `manage.py resend_mail` queues
it again once the cause is fixed: nothing is dropped.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

TRIES = 50
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


class Undelivered(Exception):
    """The email was not sent and will not be tried again by itself
    (resend_mail queues it again)."""


class TryingAgain(Exception):
    """The email was not sent this time; its next try is queued."""


def wait_before(attempt: int) -> timedelta:
    """How long after try `attempt` the next one runs: doubling from a
    minute, an hour at most."""
    # Capped before multiplying: 2**41 minutes is past what a date holds.
    return min(FIRST_WAIT * 2 ** min(attempt - 1, 16), LONGEST_WAIT)


@task()
def deliver(
    *,
    subject: str,
    message: str,
    recipients: list[str],
    html_message: str | None,
    message_id: str,
    attempt: int = 1,
) -> int:
    """Sends the email; the number of recipients the server took."""
    email = EmailMultiAlternatives(
        subject, message, to=recipients, headers={"Message-ID": message_id}
    )
    if html_message is not None:
        email.attach_alternative(html_message, "text/html")
    try:
        _send(email)
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise Undelivered(
                f"The mail server refused the email ({error.smtp_code}); "
                "fix the cause, then run resend_mail."
            ) from error
        _try_again(email, attempt, error)
    except smtplib.SMTPRecipientsRefused as error:
        raise Undelivered(
            f"The mail server refused every recipient: {error.recipients}"
        ) from error
    except OSError as error:  # Refused, unreachable, timed out, dropped.
        _try_again(email, attempt, error)
    return len(recipients)


def _send(email: EmailMultiAlternatives) -> None:
    """Sends through a connection of its own, so that a failure once the
    server has taken the email (on QUIT) is not taken for a failed send
    and the email sent twice."""
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([email])
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("The mail server dropped the line after the email.")


def _try_again(email: EmailMultiAlternatives, attempt: int, error: Exception):
    if attempt >= TRIES:
        raise Undelivered(
            f"Not sent after {TRIES} tries; run resend_mail once the mail "
            "server answers."
        ) from error
    if not deliver.get_backend().supports_defer:
        # A backend that runs tasks at once (the tests') cannot wait.
        raise Undelivered(f"Not sent, and this task backend cannot wait: {error}")
    deliver.using(run_after=timezone.now() + wait_before(attempt)).enqueue(
        subject=email.subject,
        message=email.body,
        recipients=email.to,
        html_message=email.alternatives[0][0] if email.alternatives else None,
        message_id=email.extra_headers["Message-ID"],
        attempt=attempt + 1,
    )
    raise TryingAgain(
        f"Try {attempt} of {TRIES} failed ({error}); the next in "
        f"{wait_before(attempt)}."
    ) from error
