"""The stylesheets as browsers read them: a block left open swallows every
rule after it (a merge once dropped the brace that closed a wide-screen
media query, and the procedures', organisation's and footer's phone layout
went with it)."""

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEETS = sorted(STATIC.rglob("*.css"))


def without_comments_and_strings(css: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return re.sub(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", '""', css)


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_every_block_is_closed_where_it_should_be(path):
    depth = 0
    for number, line in enumerate(
        without_comments_and_strings(path.read_text()).splitlines(), 1
    ):
        for character in line:
            depth += {"{": 1, "}": -1}.get(character, 0)
            assert depth >= 0, f"{path.name}:{number}: a brace closes nothing"
        # Only an @media or @supports block holds rules: a rule's own block
        # never opens another (which a missing brace makes happen).
        assert depth <= 2, f"{path.name}:{number}: a block inside a rule"
    assert depth == 0, f"{path.name}: {depth} block(s) left open"
    assert "<<<<<<<" not in path.read_text()
