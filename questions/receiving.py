"""Storing what a resident sent: in one transaction, before anything else
happens (an email, a notice to staff), so nothing is lost half-way; the
same form sent twice (a double click, a second tab) or the same words sent
again within a day with the same contact are the item already stored."""

import mimetypes
from datetime import timedelta
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from files.checks import document_problem
from files.names import display_name
from pictures.checks import prepare_picture

from .models import Submission, SubmissionFile, fingerprint

# The same words from the same person within this are one item.
DUPLICATE_WINDOW = timedelta(days=1)


def prepared_files(uploads) -> list:
    """The uploads as they will be stored: pictures upright and without
    EXIF, GPS and the like; PDFs checked for what acts on a reader's
    computer. ValidationError with the resident's message."""
    prepared = []
    for uploaded in uploads:
        if PurePath(uploaded.name).suffix.lower() == ".pdf":
            problem = document_problem(uploaded)
            if problem:
                raise ValidationError(problem)
            prepared.append(uploaded)
        else:
            prepared.append(prepare_picture(uploaded))
    return prepared


def receive(*, ward, fields, files=(), document=None, token="", held_reason=""):
    """The stored submission and whether it is new (False: it was stored
    before, by this same form or with these same words and contact)."""
    contact = fields.get("phone") or fields.get("email") or ""
    # Without a contact (a comment, a question for a public answer only)
    # the same name and words are two people as often as one sent twice:
    # "Nguyễn Văn Hùng: Tôi đồng ý với dự thảo." in any ward. Only the form's
    # own token (a double click, a second tab) folds those.
    print_ = (
        fingerprint(
            ward.pk,
            fields["kind"],
            document.pk if document else None,
            fields["name"],
            contact,
            fields["title"],
            fields["body"],
        )
        if contact.strip()
        else ""
    )
    earlier = _earlier(ward, token, print_)
    if earlier is not None:
        return earlier, False
    now = timezone.now()
    submission = Submission(
        ward=ward,
        document=document,
        consent_at=now,
        received_at=now,
        held=bool(held_reason),
        held_reason=held_reason,
        fingerprint=print_,
        submit_token=token or None,
        **fields,
    )
    try:
        with transaction.atomic():
            submission.save()
            for upload in files:
                name = display_name(PurePath(upload.name).name)
                SubmissionFile.objects.create(
                    submission=submission,
                    file=upload,
                    original_name=name,
                    size=upload.size,
                    content_type=mimetypes.guess_type(name)[0] or "",
                )
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request
        # stored it.
        earlier = _earlier(ward, token, print_)
        if earlier is None:
            raise
        return earlier, False
    return submission, True


def _earlier(ward, token, print_):
    if token:
        found = Submission.objects.filter(ward=ward, submit_token=token).first()
        if found is not None:
            return found
    if not print_:
        return None
    return (
        Submission.objects.filter(
            ward=ward,
            fingerprint=print_,
            received_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .order_by("received_at")
        .first()
    )
