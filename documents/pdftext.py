"""The words of a PDF's own text layer, for search.

A scanned PDF has none and gives "": the document is still found by its
number and trích yếu. A damaged or hostile PDF gives "" too, never an error
that would stop staff saving the document: pypdf reads it with its limits on
decompression, and only the first MAX_PAGES pages are read.

Reading a page's text costs time by the size of its drawing instructions
(a few seconds a megabyte), and pages may share one huge stream: a small
hostile PDF could hold the upload for minutes. So a page whose instructions
are larger than MAX_PAGE_CONTENT is left out (a text page has tens of
kilobytes), and reading stops once MAX_CONTENT has been read or MAX_SECONDS
have passed: what was read so far is kept.
"""

import logging
import time

from pypdf import PdfReader

from vietnamese.text import nfc

logger = logging.getLogger(__name__)

MAX_PAGES = 300
MAX_PAGE_CONTENT = 512 * 1024
MAX_CONTENT = 8 * 1024 * 1024
MAX_SECONDS = 5.0


def extract(file) -> str:
    """The text of the PDF ``file`` (an open file or a FieldFile), NFC, one
    space between words."""
    try:
        file.seek(0)
        reader = PdfReader(file)
        if reader.is_encrypted:
            return ""
        parts = []
        read = 0
        started = time.monotonic()
        for page in reader.pages[:MAX_PAGES]:
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
            if size > MAX_PAGE_CONTENT:
                continue
            read += size
            if read > MAX_CONTENT or time.monotonic() - started > MAX_SECONDS:
                break
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
