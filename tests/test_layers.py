"""The layers hold: import-linter's contracts (pyproject.toml) pass on the
code as it is, and fail, naming the import, when a building block reaches up
into a domain app or two modules of a package import each other.

Each case runs `lint-imports` on a copy of the first-party packages with one
import added, as `make lint` would on a change that adds it."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the first-party packages and the contracts."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "locale"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(tree: Path, module: str, statement: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{statement}\n")


def test_every_first_party_package_is_under_the_contracts():
    on_disk = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert on_disk == set(PACKAGES)


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "contract", "named"),
    [
        (
            "richtext.sanitize",
            "from wards.models import Ward",
            "Building blocks import no domain app and not the shell",
            "richtext.sanitize -> wards.models",
        ),
        (
            "wards.hosts",
            "from wardnews import pagecache",
            "Imports run downward: shell, domain apps, building blocks",
            "wards.hosts -> wardnews.pagecache",
        ),
    ],
    ids=["building-block-to-app", "app-to-shell"],
)
def test_an_upward_import_fails_the_lint(tree, module, statement, contract, named):
    add_import(tree, module, statement)
    result = lint_imports(tree)
    assert result.returncode == 1
    assert f"{contract} BROKEN" in result.stdout
    assert named in result.stdout


def test_two_modules_of_an_app_importing_each_other_fail_the_lint(tree):
    # The circle the files building block broke: models -> attachments ->
    # workflow -> models, here made again inside a function, as it was.
    add_import(
        tree,
        "articles.attachments",
        "def _may(u, a):\n    from .workflow import may_preview",
    )
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "No circles between the modules of a package BROKEN" in result.stdout
    assert ".models -> .attachments" in result.stdout
