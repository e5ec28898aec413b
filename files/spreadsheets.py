"""Cells of a CSV that staff open in Excel or LibreOffice: whatever text
went in (an article's title, what a stranger typed into a resident's form)
comes out as text, never as a formula the spreadsheet runs."""

# A cell starting with one of these is a formula to Excel and LibreOffice
# ("=HYPERLINK(...)" in a title would run on the editor's computer).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_text(value) -> str:
    """Text as a CSV cell that spreadsheets show as text, never evaluate:
    a leading apostrophe marks it as text, as OWASP advises."""
    text = str(value)
    if text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START):
        return "'" + text
    return text
