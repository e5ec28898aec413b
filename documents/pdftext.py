"""The words of a PDF's own text layer, for search.

A scanned PDF has none and gives "": the document is still found by its
number and trích yếu. A damaged or hostile PDF gives "" too, never an error
that would stop staff saving the document: pypdf reads it with its limits on
decompression, and only the first MAX_PAGES pages are read.
"""

import logging

from pypdf import PdfReader

from vietnamese.text import nfc

logger = logging.getLogger(__name__)

MAX_PAGES = 300


def extract(file) -> str:
    """The text of the PDF ``file`` (an open file or a FieldFile), NFC, one
    space between words."""
    try:
        file.seek(0)
        reader = PdfReader(file)
        if reader.is_encrypted:
            return ""
        parts = []
        for page in reader.pages[:MAX_PAGES]:
            parts.append(page.extract_text() or "")
        return " ".join(nfc(" ".join(parts)).split())
    except Exception as error:  # Damaged files fail in many ways.
        logger.info("No text read from %s: %s", getattr(file, "name", "?"), error)
        return ""
    finally:
        try:
            file.seek(0)
        except Exception:  # noqa: S110 - a closed file has nothing to rewind.
            pass
