"""The locks: every package pinned with hashes, made from the current inputs,
installed as locked, and audited (docs/security.md, "Dependencies and
audit").

The locks are checked offline, against the files `make lock` writes from; the
audit is run against a stand-in vulnerability service on 127.0.0.1, so these
tests show `make audit` failing on a known vulnerability even where the real
service cannot be reached.
"""

import json
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {
    "requirements.txt": "requirements.in",
    "requirements-dev.txt": "requirements-dev.in",
}
PINNED = re.compile(
    r"(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)"
    r"(?P<hashes>(?:\s+--hash=sha256:[0-9a-f]{64})+)"
)


def read_lock(name: str) -> dict[str, dict]:
    """Each locked package: its version, hashes and what it is there for."""
    packages: dict[str, dict] = {}
    entry = ""
    current = None
    for line in (ROOT / name).read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            via = stripped.lstrip("#").strip().removeprefix("via").strip()
            if current is not None and via and not line.startswith("#"):
                current["via"].add(via)
            continue
        entry += " " + stripped.removesuffix("\\")
        if stripped.endswith("\\") or not entry.strip():
            continue
        match = PINNED.fullmatch(entry.strip())
        assert match, f"{name}: not pinned with == and hashes: {entry.strip()}"
        current = {
            "version": match["version"],
            "hashes": set(re.findall(r"sha256:\w+", match["hashes"])),
            "via": set(),
        }
        packages[canonicalize_name(match["name"])] = current
        entry = ""
    assert not entry.strip(), f"{name} ends inside an entry"
    return packages


def read_inputs(name: str) -> dict[str, str]:
    """The hand-edited pins of an input file and of the files it includes."""
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-c "):
            continue
        if line.startswith("-r "):
            pins |= read_inputs(line.removeprefix("-r ").strip())
            continue
        package, sep, version = line.partition("==")
        assert sep, f"{name}: pin {line!r} to one version with =="
        pins[canonicalize_name(package)] = version.strip()
    return pins


@pytest.mark.parametrize("lock", LOCKS)
def test_every_locked_package_is_pinned_with_its_hashes(lock):
    packages = read_lock(lock)

    assert "django" in packages and "sqlparse" in packages, "indirect ones too"
    assert all(package["hashes"] for package in packages.values())


@pytest.mark.parametrize(("lock", "inputs"), LOCKS.items())
def test_the_lock_was_made_from_the_current_pins(lock, inputs):
    pins = read_inputs(inputs)
    packages = read_lock(lock)

    locked = {name: packages[name]["version"] for name in pins if name in packages}
    assert locked == pins, f"run `make lock`: {inputs} and {lock} differ"
    # A package dropped from the inputs still says why it was locked.
    wanted = {
        name
        for name, package in packages.items()
        if any(via.startswith("-r ") for via in package["via"])
    }
    assert wanted == set(pins), f"run `make lock`: {inputs} and {lock} differ"


def test_tests_run_on_the_production_lock():
    production = read_lock("requirements.txt")
    development = read_lock("requirements-dev.txt")

    for name, package in production.items():
        assert development[name]["version"] == package["version"], name
        assert development[name]["hashes"] == package["hashes"], name


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def test_the_environment_is_the_locked_one():
    wrong = {
        name: installed_version(name)
        for name, package in read_lock("requirements-dev.txt").items()
        if installed_version(name) != package["version"]
    }

    assert not wrong, (
        f"installed, not as locked: {wrong}; `make clean test` installs the lock"
    )


class FakeAdvisories(BaseHTTPRequestHandler):
    """Answers like the OSV API: the advisories in `self.server.advisories`."""

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name = query["package"]["name"]
        vulns = [
            {
                "id": advisory,
                "summary": "stand-in advisory for the test",
                "affected": [{"package": {"name": name, "ecosystem": "PyPI"}}],
            }
            for advisory in self.server.advisories.get(name, [])
        ]
        body = json.dumps({"vulns": vulns} if vulns else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def advisories():
    """Run `make audit` against advisories served from 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAdvisories)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def audit(published: dict[str, list[str]], ignore: str | None = None):
        server.advisories = published
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
        command = [
            "make",
            "--silent",
            # The environment is installed already; never reinstall from here.
            "--old-file=.venv/.installed",
            "--old-file=.venv/.installed-dev",
            "audit",
            f"AUDIT_ARGS=--strict --vulnerability-service osv --osv-url {url}",
        ]
        if ignore is not None:
            command.append(f"AUDIT_IGNORE={ignore}")
        return subprocess.run(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=120,
        )

    yield audit
    server.shutdown()
    server.server_close()


def test_audit_fails_on_a_vulnerability_of_an_indirect_dependency(advisories):
    result = advisories({"sqlparse": ["GHSA-test-sqlp-arse"]})

    assert result.returncode != 0
    assert "GHSA-test-sqlp-arse" in result.stdout
    assert "sqlparse" in result.stdout


def test_audit_excuses_only_the_advisories_it_lists(advisories):
    ckeditor = {"django-ckeditor": ["GHSA-test-cked-itor"]}

    assert advisories(ckeditor).returncode != 0
    assert advisories(ckeditor, ignore="GHSA-test-cked-itor").returncode == 0
    both = advisories(
        ckeditor | {"django": ["PYSEC-test-django"]}, ignore="GHSA-test-cked-itor"
    )
    assert both.returncode != 0
    assert "PYSEC-test-django" in both.stdout


def test_audit_passes_when_nothing_is_known(advisories):
    result = advisories({})

    assert result.returncode == 0, result.stdout
    assert "No known vulnerabilities found" in result.stdout
