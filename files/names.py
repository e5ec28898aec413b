"""The names a document is shown, stored and saved under."""

from pathlib import PurePath

from vietnamese.text import nfc, vietnamese_slugify

# The longest name readers are shown (the name fields' max_length).
MAX_NAME_LENGTH = 200
# Stored names are ASCII slugs this long at most (plus the extension): a
# Vietnamese name of 300 characters is some 450 bytes, past the 255 bytes a
# file name may have on disk, and past the 255 characters of the field.
MAX_STORED_STEM = 80
FALLBACK_STEM = "tep-dinh-kem"


def display_name(name: str) -> str:
    """The name readers see: NFC, on one line, at most 200 characters with
    its extension kept."""
    name = " ".join(nfc(name).split())
    if len(name) <= MAX_NAME_LENGTH:
        return name
    suffix = PurePath(name).suffix
    if len(suffix) > 10:  # Not an extension: a dot somewhere in the text.
        suffix = ""
    return name[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix


def storage_name(filename: str) -> str:
    """The name a file is stored under: an ASCII slug of its own name, short
    enough for any disk ("Quyết định số 12.pdf" -> "quyet-dinh-so-12.pdf").
    Applying it twice changes nothing."""
    path = PurePath(filename)
    stem = vietnamese_slugify(path.stem)[:MAX_STORED_STEM].strip("-")
    return f"{stem or FALLBACK_STEM}{path.suffix.lower()}"


def download_name(shown: str, stored: str) -> str:
    """The name the reader's browser saves a file under: the name it is
    shown under, on one line, no folders, ending with the stored file's
    real extension."""
    name = display_name(shown).replace("/", "-").replace("\\", "-")
    name = name.strip(" .") or FALLBACK_STEM
    extension = PurePath(stored).suffix.lower()
    if not name.lower().endswith(extension):
        name += extension
    return name
