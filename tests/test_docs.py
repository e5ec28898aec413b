"""The README stays the front door, docs/ holds the rest, and every path the
docs and the code's comments name exists.

What counts as a repository path, in README.md and docs/*.md, in the
comments and docstrings of the Python files (migrations left out: they
record the past) and in template comments (`{# … #}`, `{% comment %}`):

1. A token that starts with one of the repository's top-level entries
   (`articles`, `wardnews`, `deploy`, `.ci`, `manage.py`…: the first part of
   every path `git ls-files --cached --others --exclude-standard` lists,
   i.e. what git tracks or would track; the folder's own listing without
   git), at the start of a word: not after a letter, digit, `/`, `.`, `~`,
   `@`, `:`, `$` or `-`. So URLs (`/van-ban/`, `/admin/…`,
   `https://…/wardnews.git`), absolute paths (`/usr/bin/chromium`,
   `/srv/wardnews/media`), relative ones (`../shared/…`) and dotted names
   (`wardnews.settings`) are not repository paths. It counts when it holds a
   `/` (`wards/`, `articles/models.py`) or is a top-level file with an
   extension (`manage.py`). It is made of letters, digits and `_ . + -`
   between the slashes, and loses a final `.` or `-` (a sentence's end).
2. A bare file name ending in `.py` or `.html` (`outage.py`, `base.html`),
   same word start: some file in the repository has that name.
3. In the layout maps (fenced blocks without a language in the Markdown
   files), also every word with a `/` that does not start with one
   (`richtext/`, `management/commands/`) and every bare `.py` or `.html`
   name, each found either from the repository's root or from the folder
   named at the start of the nearest line above that starts at its first
   column (so `formats/` and `settings.py` on the lines under `wardnews/`
   are `wardnews/formats/` and `wardnews/settings.py`).

A token followed at once by `*`, `<`, `{`, `[` or `…` is a pattern or a
placeholder (`templates/includes/*.html`, `articles/<slug>/`): not checked.
Git-ignored places (`.venv/node`, `media/…`) are never repository paths.
Such a path must exist in the working tree, as a file or a folder; a failure
lists every one that does not, with its file and line.

And docs/architecture.md's picture of the layers (its layout map) names
every top-level folder at the start of a line, and only those. A section
named in a comment (`README "Performance"`, `deploy/README.md, "TLS"`: a
Markdown file, then, after commas or spaces only, a title in quotes) is a
heading of that file: the words in quotes are in one of its headings.

Nothing here needs the database.
"""

import ast
import io
import re
import subprocess
import tokenize
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
ARCHITECTURE = DOCS / "architecture.md"

README_MAX_LINES = 250
# What a newcomer sees before scrolling: the commands and how to sign in.
FIRST_SCREEN = 30

# Never the repository's, whatever git says: made by make, tests or the site.
NOT_OURS = {".git", ".venv", "node_modules", "media", "staticfiles", "__pycache__"}
EXTENSION = re.compile(r"\.[A-Za-z0-9]+$")
WORD_START = r"(?<![\w./~@:$-])"
PLACEHOLDER = "*<{[…"


def markdown_files():
    return [README, *sorted(DOCS.glob("*.md"))]


@cache
def repository_files() -> tuple[str, ...]:
    """Every file git tracks or would track that is in the working tree."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        listed = [
            str(file.relative_to(ROOT))
            for file in ROOT.rglob("*")
            if file.is_file()
            and not NOT_OURS.intersection(file.relative_to(ROOT).parts)
            and file.name != "db.sqlite3"
        ]
    return tuple(
        line
        for line in listed
        if line
        and not NOT_OURS.intersection(line.split("/"))
        and (ROOT / line).exists()
    )


@cache
def top_level_entries() -> tuple[str, ...]:
    """The repository's top-level files and folders, longest first."""
    names = {path.split("/", 1)[0] for path in repository_files()}
    return tuple(sorted(names, key=len, reverse=True))


@cache
def top_level_folders() -> set[str]:
    return {path.split("/", 1)[0] for path in repository_files() if "/" in path}


@cache
def file_names() -> set[str]:
    return {path.rsplit("/", 1)[-1] for path in repository_files()}


@cache
def path_pattern() -> re.Pattern:
    names = "|".join(re.escape(name) for name in top_level_entries())
    return re.compile(
        rf"{WORD_START}(?P<path>(?:{names})(?![\w-])(?:/[\w.+-]*)*)(?P<next>.?)"
    )


BARE_NAME = re.compile(rf"{WORD_START}(?P<path>[\w-]+\.(?:py|html))(?![\w/-])")
LAYOUT_WORD = re.compile(
    rf"{WORD_START}(?P<path>[A-Za-z_.][\w.-]*/[\w.+/-]*)(?P<next>.?)"
)


def paths_in(text: str):
    """(offset, path) of every repository path named in text (rules 1, 2)."""
    found = {}
    for match in path_pattern().finditer(text):
        if match["next"] and match["next"] in PLACEHOLDER:
            continue
        path = match["path"].rstrip(".-")
        is_file = path in top_level_entries() and EXTENSION.search(path)
        if "/" in path or is_file:
            found[match.start()] = path
    for match in BARE_NAME.finditer(text):
        found.setdefault(match.start(), match["path"])
    return sorted(found.items())


def layout_paths_in(text: str):
    """(offset, path) of every path in a layout map (rule 3), the path as
    found from the folder the line belongs to when not from the root."""
    offset, folder = 0, ""
    for line in text.splitlines(keepends=True):
        heading = re.match(r"[\w.-]+/", line)
        if heading:
            folder = heading[0]
        words = [
            (match.start(), match["path"].rstrip(".-"))
            for match in LAYOUT_WORD.finditer(line)
            if not (match["next"] and match["next"] in PLACEHOLDER)
        ]
        words += [(match.start(), match["path"]) for match in BARE_NAME.finditer(line)]
        for start, path in sorted(words):
            if path.split("/")[0] in NOT_OURS:
                continue
            if (
                folder
                and not (ROOT / path).exists()
                and (ROOT / folder / path).exists()
            ):
                path = folder + path
            yield offset + start, path
        offset += len(line)


def missing(path: str) -> bool:
    if "/" not in path and path.endswith((".py", ".html")):
        return path not in file_names() and not (ROOT / path).exists()
    return not (ROOT / path).exists()


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def stale_paths_in(file: Path, text: str, first_line: int = 1, found=paths_in):
    """'file:line: path' for each path named in text that does not exist."""
    name = file.relative_to(ROOT)
    return [
        f"{name}:{first_line + line_of(text, offset) - 1}: {path}"
        for offset, path in found(text)
        if missing(path)
    ]


def by_place(stale):
    """Sorted by file, then line number."""

    def place(entry):
        file, line, _ = entry.split(":", 2)
        return file, int(line), entry

    return sorted(set(stale), key=place)


# -- the README: the front door -----------------------------------------


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < README_MAX_LINES, (
        f"README.md has {len(lines)} lines; keep it under {README_MAX_LINES} "
        "and move the detail into docs/."
    )


def test_readme_opens_with_the_two_commands():
    """The house rule: the first lines are what a newcomer runs."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"^```\w*\n(.*?)^```", text, re.S | re.M)
    assert block, "README.md has no code block"
    assert line_of(text, block.start()) <= 10, (
        "README.md's first code block (make run, make test) starts after line 10"
    )
    commands = [line.split("#")[0].strip() for line in block[1].splitlines()]
    assert "make run" in commands and "make test" in commands, block[1]


def test_readme_first_screen_says_how_to_sign_in():
    lines = README.read_text(encoding="utf-8").splitlines()
    first = "\n".join(lines[:FIRST_SCREEN])
    for needed in ("make run", "make test", "make superuser", "/admin/"):
        assert needed in first, f"{needed!r} is not in README.md's first screen"
    # The password rule, as the validators say it.
    (length,) = [
        validator["OPTIONS"]["min_length"]
        for validator in settings.AUTH_PASSWORD_VALIDATORS
        if validator["NAME"].endswith("MinimumLengthValidator")
    ]
    assert f"{length} characters" in first, (
        f"README.md's first screen does not say passwords need {length} characters"
    )


# -- docs/: linked, and links that lead somewhere ----------------------------

LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<target>[^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.M)
FENCE = re.compile(r"^```(?P<language>[\w-]*)\n(?P<body>.*?)^```", re.S | re.M)


def without_fences(text: str) -> str:
    """The text with its fenced blocks blanked, lines kept."""
    return FENCE.sub(lambda fence: "\n" * fence[0].count("\n"), text)


def anchors(file: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings."""
    found = set()
    for match in HEADING.finditer(without_fences(file.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", match["title"].strip().lower())
        slug = slug.replace(" ", "-")
        candidate, n = slug, 1
        while candidate in found:
            candidate, n = f"{slug}-{n}", n + 1
        found.add(candidate)
    return found


def test_there_are_docs():
    assert len(list(DOCS.glob("*.md"))) >= 5


@pytest.mark.parametrize("doc", sorted(DOCS.glob("*.md")), ids=lambda doc: doc.name)
def test_every_doc_is_linked_from_the_readme(doc):
    targets = {
        (ROOT / match["target"].split("#")[0]).resolve()
        for match in LINK.finditer(README.read_text(encoding="utf-8"))
    }
    assert doc.resolve() in targets, f"README.md does not link to docs/{doc.name}"


def test_relative_links_resolve():
    broken = []
    for file in markdown_files():
        text = without_fences(file.read_text(encoding="utf-8"))
        for match in LINK.finditer(text):
            target = match["target"]
            if re.match(r"[a-z][a-z+.-]*:", target):  # https:, mailto:
                continue
            path, _, anchor = target.partition("#")
            linked = (file.parent / path).resolve() if path else file
            where = f"{file.relative_to(ROOT)}:{line_of(text, match.start())}"
            if not linked.exists():
                broken.append(f"{where}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{where}: {target} (no such heading)")
    assert not broken, "Links that lead nowhere:\n" + "\n".join(broken)


# -- every path named exists -------------------------------------------------


def test_paths_in_the_docs_exist():
    stale = []
    for file in markdown_files():
        text = file.read_text(encoding="utf-8")
        layouts = [fence for fence in FENCE.finditer(text) if not fence["language"]]
        # Rules 1 and 2 outside the layout maps, rule 3 (which holds them) in.
        outside = FENCE.sub(
            lambda fence: (
                fence[0] if fence["language"] else "\n" * fence[0].count("\n")
            ),
            text,
        )
        stale += stale_paths_in(file, outside)
        for fence in layouts:
            first = line_of(text, fence.start("body"))
            stale += stale_paths_in(file, fence["body"], first, layout_paths_in)
    stale = by_place(stale)
    assert not stale, (
        f"The docs name {len(stale)} paths that do not exist:\n" + "\n".join(stale)
    )


def test_the_layer_picture_names_every_top_level_folder():
    pictures = [
        fence["body"]
        for fence in FENCE.finditer(ARCHITECTURE.read_text(encoding="utf-8"))
        if not fence["language"]
    ]
    assert pictures, "docs/architecture.md has no picture of the layers"
    named = set(re.findall(r"^([\w.-]+)/", "\n".join(pictures), re.M))
    assert named == top_level_folders(), (
        "docs/architecture.md's picture does not match the tree: "
        f"missing {sorted(top_level_folders() - named)}, "
        f"no such folder {sorted(named - top_level_folders())}"
    )


def first_party_python():
    for path in repository_files():
        parts = path.split("/")
        if path.endswith(".py") and "migrations" not in parts:
            yield ROOT / path


def python_comments(source: str):
    """(first line, text) of every comment and docstring."""
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError) as error:
        pytest.fail(f"cannot read the comments of a file: {error}")
    for token in tokens:
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    lines = source.splitlines()
    docstring_owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(tree):
        if isinstance(node, docstring_owners) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                text = "\n".join(lines[first.lineno - 1 : first.end_lineno])
                yield first.lineno, text


TEMPLATE_COMMENT = re.compile(
    r"\{#.*?#\}|\{%\s*comment\b.*?\{%\s*endcomment\s*%\}", re.S
)


def template_comments(source: str):
    for match in TEMPLATE_COMMENT.finditer(source):
        yield line_of(source, match.start()), match[0]


def text_of(file: Path) -> str | None:
    """A file's text; None for one that is not text, or went away since git
    listed it (someone else's edit in progress)."""
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def test_paths_in_comments_exist():
    stale = []
    for file in first_party_python():
        if (source := text_of(file)) is None:
            continue
        for line, text in python_comments(source):
            stale += stale_paths_in(file, text, line)
    for file in sorted((ROOT / "templates").rglob("*.html")):
        if (source := text_of(file)) is None:
            continue
        for line, text in template_comments(source):
            stale += stale_paths_in(file, text, line)
    stale = by_place(stale)
    assert not stale, (
        f"{len(stale)} comments name paths that do not exist:\n" + "\n".join(stale)
    )


SECTION = re.compile(
    r"(?P<file>(?<![\w/.-])README(?:\.md)?|[\w.-]+(?:/[\w.-]+)*\.md)(?![\w\"])"
    r"(?:'s)?[\s#,]+[\"“](?P<title>[^\"”]{1,80})[\"”]"
)


def section_references(text: str):
    """(offset, Markdown file, title) of each section a text names."""
    for match in SECTION.finditer(text):
        file = "README.md" if match["file"] == "README" else match["file"]
        title = re.sub(r"\s*#\s*|\s+", " ", match["title"]).strip()
        if any(character.isalpha() for character in title):
            yield match.start(), file, title


# README.md and docs/ link instead; this file's examples are no references.
OWN_REFERENCES = {"README.md", "tests/test_docs.py"}


@cache
def headings(file: Path) -> tuple[str, ...]:
    text = without_fences(file.read_text(encoding="utf-8"))
    return tuple(match["title"].lower() for match in HEADING.finditer(text))


def test_sections_named_in_comments_exist():
    """Comments, docstrings and the kit's files point at a doc's section by
    its title; the section is there (README.md and docs/ use links, checked
    above; migrations record the past)."""
    stale = []
    for path in repository_files():
        file = ROOT / path
        if path in OWN_REFERENCES or path.startswith("docs/") or "migrations" in path:
            continue
        if (text := text_of(file)) is None:
            continue
        for offset, named, title in section_references(text):
            doc = ROOT / named
            if doc.suffix == ".md" and doc.is_file():
                if not any(title.lower() in heading for heading in headings(doc)):
                    stale.append(f'{path}:{line_of(text, offset)}: {named} "{title}"')
    stale = by_place(stale)
    assert not stale, (
        f"{len(stale)} references to sections that are not there:\n" + "\n".join(stale)
    )


# -- the rule itself ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, paths",
    [
        ("see `articles/models.py`.", ["articles/models.py"]),
        (
            "(wardnews/pagecache.py, deploy/nginx/wardnews.conf)",
            ["wardnews/pagecache.py", "deploy/nginx/wardnews.conf"],
        ),
        ("`wards/` and manage.py", ["wards/", "manage.py"]),
        ("the wards and the articles", []),
        ("/van-ban/ and /admin/articles/ and /srv/wardnews/app", []),
        ("https://git.example.vn/wardnews.git", []),
        ("../shared/articles/x.py and ~/wardnews/x", []),
        ("templates/includes/*.html, articles/<slug>/", []),
        ("wardnews.settings and articles.Article", []),
        ("wardnews-20260101.tar and .venv/node", []),
        ("the 503 page (outage.py), base.html", ["outage.py", "base.html"]),
    ],
)
def test_what_counts_as_a_path(text, paths):
    assert [path for _, path in paths_in(text)] == paths


def test_what_counts_as_a_path_in_a_layout_map():
    text = (
        "wardnews/  settings.py, formats/ and wards/\n"
        "           .venv/node  media/x  /srv/x  a/<b>  no/such.py\n"
        "articles/  the news, the ward's robots.txt"
    )
    found = [path for _, path in layout_paths_in(text)]
    assert found == [
        "wardnews/",
        "wardnews/settings.py",
        "wardnews/formats/",
        "wards/",
        "no/such.py",
        "articles/",
    ]


def test_what_counts_as_a_section_reference():
    text = (
        '(README "Performance") and README,\n# "Staff accounts" and '
        'deploy/README.md, "TLS"; "ckeditor/README.md", "x"; README section'
    )
    assert [(file, title) for _, file, title in section_references(text)] == [
        ("README.md", "Performance"),
        ("README.md", "Staff accounts"),
        ("deploy/README.md", "TLS"),
    ]
