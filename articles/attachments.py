"""Documents attached to articles: the address each is downloaded at, the
list under an article, and how the admin takes them. What a document may
be, and how it is served, is the files building block's."""

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.urls import reverse

from files import names
from files.checks import HELP_TEXT, readable_size, type_label
from files.widgets import DocumentFileInput


def download_name(attachment) -> str:
    """The name the reader's browser saves the file under."""
    return names.download_name(attachment.name, attachment.file.name)


def url_filename(attachment) -> str:
    """The last part of the download address: it only reads well in the
    browser's list of downloads; the number finds the file."""
    return names.storage_name(download_name(attachment))


def attachment_url(attachment) -> str:
    return reverse(
        "articles:attachment",
        kwargs={"pk": attachment.pk, "filename": url_filename(attachment)},
    )


@dataclass(frozen=True)
class AttachmentLink:
    """What the list under an article shows of one file."""

    name: str
    url: str
    type_label: str
    size_label: str


def links(article) -> list[AttachmentLink]:
    """The article's files for includes/attachments.html (one query)."""
    return [
        AttachmentLink(
            name=attachment.name,
            url=attachment_url(attachment),
            type_label=type_label(attachment.file.name),
            size_label=readable_size(attachment.size),
        )
        for attachment in article.attachments.all()
    ]


class AttachmentForm(forms.ModelForm):
    """An attachment as staff upload it: the file checked by the model's
    validator; stored under a short ASCII name, shown under its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file_field = self.fields["file"]
        # A 300-character name is stored shortened, not refused; an empty
        # file gets the validator's message, which names it.
        file_field.max_length = None
        file_field.allow_empty_file = True
        file_field.help_text = HELP_TEXT
        # Linked on the admin's own host, where staff are logged in: the
        # download view lets them have a draft's file there.
        file_field.widget = DocumentFileInput(
            link=attachment_url, shown_name=lambda attachment: attachment.name
        )
        file_field.widget.is_required = file_field.required

    def clean_name(self):
        return names.display_name(self.cleaned_data.get("name", ""))

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if upload and not cleaned_data.get("name") and _is_new_upload(upload):
            cleaned_data["name"] = names.display_name(PurePath(upload.name).name)
        return cleaned_data

    def save(self, commit=True):
        stored = self.instance.file
        if stored and not stored._committed:
            stored.name = names.storage_name(stored.name)
        return super().save(commit=commit)


def _is_new_upload(value) -> bool:
    return not getattr(value, "_committed", False) and hasattr(value, "size")
