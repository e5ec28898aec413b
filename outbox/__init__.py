"""Email to residents and staff, through Django's email framework.

The interface every caller uses: ``send_mail(subject, message, recipients,
html_message=None)`` and ``configured()``. This version sends at once, in
the caller's request, once the caller's transaction has committed (an
answer rolled back sends nothing); the task queue's version keeps the same
two names and sends from the queue, retried while the SMTP server is down.
"""

import logging
import smtplib

from django.conf import settings
from django.core import mail
from django.db import transaction

logger = logging.getLogger(__name__)


def configured() -> bool:
    """Whether email goes anywhere: an SMTP server is set
    (DJANGO_EMAIL_HOST), and the SMTP backend sends through it."""
    return bool(settings.EMAIL_HOST) and settings.EMAIL_BACKEND.endswith(
        "smtp.EmailBackend"
    )


def send_mail(
    subject: str, message: str, recipients: list[str], html_message: str | None = None
) -> None:
    """Send the message to the recipients once the current transaction
    commits; nothing at all without an SMTP server configured."""
    if not configured() or not recipients:
        return
    recipients = list(recipients)

    def send():
        try:
            mail.send_mail(
                subject,
                message,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
                html_message=html_message,
            )
        except (smtplib.SMTPException, OSError):
            # What was saved stays saved: the staff member's page is not an
            # error page because the mail server is away.
            logger.exception("Email not sent: %s", subject)

    transaction.on_commit(send)
