"""The admin's file input for a document."""

from django.contrib import admin

from .checks import ACCEPT


class _DownloadLink:
    """What the file input shows of the stored file: its display name,
    linked to the download (the stored file's own address is not served)."""

    def __init__(self, url, text):
        self.url = url
        self.text = text

    def __str__(self):
        return self.text


class DocumentFileInput(admin.widgets.AdminFileWidget):
    """A file input that offers only the documents we take, and shows a
    stored one by its name, linked to ``link(instance)``: its owner's
    download address."""

    def __init__(self, attrs=None, *, link, shown_name):
        super().__init__({"accept": ACCEPT, **(attrs or {})})
        self.link = link
        self.shown_name = shown_name

    def format_value(self, value):
        if not self.is_initial(value):
            return None
        return _DownloadLink(self.link(value.instance), self.shown_name(value.instance))
