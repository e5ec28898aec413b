"""A reader page's query parameters in one spelling each.

`?p=2` of a sitemap may also be written `?p=02`, `?p=+2` or `?p=2%20`: each
would be a page of its own in the page cache, rendered and stored again.
for_readers() (decorators.py) sends every other spelling of a declared
parameter to its canonical one (301). A canonical form is a function of the
value as sent: the value to use, None to leave the parameter out (the first
page, an empty value), or the value unchanged when it means nothing (the
view answers 404 for it, as before).
"""


def _number(value: str) -> str | None:
    """The whole number as Python (and so Django's paginator) reads it, in
    ASCII digits: int() also takes other scripts' digits ("１", "١") and
    underscores ("1_0"), each else a page of its own. None: not a number."""
    try:
        number = int(value.strip())
    except ValueError:  # Not a number, or of thousands of digits.
        return None
    return str(number) if 0 <= number < 10**18 else None


def page_number(value: str) -> str | None:
    """A page number: "2" for "02", "+2" or " 2 "; the first page has none."""
    if not value.strip():
        return None
    number = _number(value)
    if number is None:
        return value
    return None if number == "1" else number


def object_id(value: str) -> str | None:
    """An id in a cursor: "42" for "042" or "+42"; nothing for nothing."""
    if not value.strip():
        return None
    number = _number(value)
    return value if number is None else number


def one_of(*choices: str):
    """A word from a short list, in lower case."""

    def canonical(value: str) -> str | None:
        word = value.strip().lower()
        if not word:
            return None
        return word if word in choices else value

    return canonical


def as_sent(value: str) -> str | None:
    """Any value, as it is: for a parameter no other spelling can reach."""
    return value
