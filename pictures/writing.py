"""Storing a rendition under its exact name, whole (renditions.py makes
them): on a disk by writing aside and renaming, on object storage by one
upload."""

import os
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def write(name: str, data: bytes) -> None:
    """Stores a rendition under its exact name, whole: a reader never gets
    half a file, and two workers making the same one leave one file."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:  # Object storage: an upload is whole or absent.
        _save_exactly(name, data)
    else:
        _replace(path, data)


def _replace(path: str, data: bytes) -> None:
    """On a disk, FileSystemStorage.save() would write into the final name
    while readers (a web server, another worker seeing the widest rendition
    and taking all as made) may read it, and would never replace a stale
    rendition: the file is written aside and renamed over the name instead."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as tmp:
        try:
            tmp.write(data)
            tmp.close()
            os.chmod(tmp.name, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
            os.replace(tmp.name, path)
        except BaseException:
            os.unlink(tmp.name)
            raise


def _save_exactly(name: str, data: bytes) -> None:
    """save() under the name; a storage that keeps the file already there
    (file_overwrite=False) saves ours under another name, which nothing
    would ever show, so that copy goes. The same picture always makes the
    same bytes: only a rendition left by a deleted picture of the same name
    differs, and is replaced."""
    saved = default_storage.save(name, ContentFile(data))
    if saved == name:
        return
    try:
        with default_storage.open(name) as existing:
            stale = existing.read() != data
        if stale:
            default_storage.delete(name)
            again = default_storage.save(name, ContentFile(data))
            if again != name:  # Another worker stored it meanwhile.
                default_storage.delete(again)
    finally:
        default_storage.delete(saved)
