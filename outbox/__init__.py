"""Email that leaves after the request and is never lost.

`send_mail()` stores the email as a task in the database, in the caller's
transaction: a resident's question and the email about it are kept
together or not at all, and the page answers without waiting for the mail
server. The worker (`manage.py db_worker`) sends it through Django's SMTP
backend, and while the server is down tries again later (tasks.py says how
often, and what happens after the last try). `configured()` says whether
there is an SMTP server to send through at all.
"""

from .mail import configured, send_mail

__all__ = ["configured", "send_mail"]
