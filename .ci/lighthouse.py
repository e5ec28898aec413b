"""Lighthouse's four scores for the main reader pages, as a phone sees them.

`make lighthouse` runs this with the venv's Python. It serves the demo content
(`load_demo`) through the real gunicorn with DEBUG off on a throwaway SQLite
database, runs Lighthouse (the npm package, pinned in the Makefile; mobile,
its default) in Debian's Chromium against every kind of reader page (the
home page, a category, an article with a photo, search results, the
documents and a document, the schedule's week and reception days, the
procedures and a procedure, the organisation and its English page, "Tin
RSS", and a ward page: PICK_PAGES below), prints the scores and each audit that cost
points, and exits 1 if any score is under 100.

LIGHTHOUSE_CLI: Lighthouse's cli/index.js (the Makefile sets it);
CHROME_PATH: the browser (/usr/bin/chromium); LIGHTHOUSE_REPORTS: where the
JSON and HTML reports go (/tmp/wardnews-lighthouse).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = Path(
    os.environ.get("LIGHTHOUSE_CLI")
    or PROJECT / ".venv/node/node_modules/lighthouse/cli/index.js"
)
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
REPORTS = Path(os.environ.get("LIGHTHOUSE_REPORTS", "/tmp/wardnews-lighthouse"))
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run"
    " --disable-background-networking --disable-component-update --disable-sync"
)
# Informative audits shown when performance is under 100: they say why.
EXPLAINERS = {"layout-shifts", "largest-contentful-paint-element"}
# The ward pages, the first one that answers 200 is checked.
WARD_PAGES = ["/gioi-thieu/", "/lien-he/"]

# Picks the pages from the demo content (run by `manage.py shell`): prints
# {name: path} as JSON.
PICK_PAGES = """
import json
from urllib.parse import quote
from django.db.models import Count, Q
from articles.models import Article, Category
from documents.models import Document
from wards.hosts import default_ward

ward = default_ward()
published = Article.objects.published(ward)
category = (
    Category.objects.filter(ward=ward)
    .annotate(n=Count("articles", filter=Q(articles__in=published)))
    .order_by("-n", "menu_order")
    .first()
)
pictured = published.exclude(featured_image="").first()
word = next(w for w in pictured.title.split() if len(w) >= 4 and w.isalpha())
print(json.dumps({
    "home": "/",
    "category": category.get_absolute_url(),
    "article": pictured.get_absolute_url(),
    "search": "/tim-kiem/?q=" + quote(word.lower()),
    # Hỏi đáp (questions/demo_content.py, loaded by load_demo).
    "questions": "/hoi-dap/",
    "question-form": "/hoi-dap/gui-cau-hoi/",
    "answer": "/hoi-dap/ho-so-dang-ky-tam-tru/",
    "status": "/hoi-dap/tra-cuu/",
    "documents": "/van-ban/",
    "document": Document.objects.published(ward)
    .filter(files__isnull=False).first().get_absolute_url(),
    "schedule": "/lich-cong-tac/",
    "receptions": "/lich-tiep-cong-dan/",
    "procedures": "/thu-tuc-hanh-chinh/",
    "procedure": "/thu-tuc-hanh-chinh/dang-ky-khai-sinh/",
    "organisation": "/co-cau-to-chuc/",
    "english": "/en/",
    "feeds": "/tin-rss/",
}))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def start_gunicorn(env, port, log):
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "wardnews.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start: see {log.name}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer within 30 s")


def lighthouse(url, name, tries=6):
    """Runs Lighthouse on the url; returns its JSON report, or None if it
    failed every time. It sometimes loses the trace of a page load (its
    NO_NAVSTART, "Please run Lighthouse again"), seen on up to 3 of 5 first
    tries with Chromium 156: such a run is tried again, up to 6 times."""
    output = REPORTS / name
    report = output.with_name(name + ".report.json")
    for attempt in range(1, tries + 1):
        report.unlink(missing_ok=True)
        result = subprocess.run(
            [
                shutil.which("node") or "node",
                str(CLI),
                url,
                "--output=json",
                "--output=html",
                f"--output-path={output}",
                "--quiet",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            env={**os.environ, "CHROME_PATH": CHROME},
            capture_output=True,
            text=True,
            timeout=300,
        )
        parsed = json.loads(report.read_text()) if report.is_file() else None
        if not result.returncode and parsed and not parsed.get("runtimeError"):
            return parsed
        why = " ".join((result.stdout + result.stderr).split())[-400:]
        if parsed and parsed.get("runtimeError"):
            why = parsed["runtimeError"].get("message", why)
        print(f"Lighthouse failed on {url} (try {attempt} of {tries}): {why}")
    return None


def lost_points(report, category):
    """The audits of the category that did not score full marks, with the
    first few elements or files each names."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if not worth_showing(ref, audit):
            continue
        if audit.get("scoreDisplayMode") == "error":
            lines.append(
                f"    {category}: {audit['id']} failed: {audit['errorMessage']}"
            )
            continue
        score = "-" if audit.get("score") is None else f"{audit['score']:.2f}"
        value = audit.get("displayValue", "")
        lines.append(
            f"    {category}: {audit['id']} ({score}, weight {ref.get('weight', 0):g})"
            f" {audit['title']}" + (f" - {value}" if value else "")
        )
        items = (audit.get("details") or {}).get("items", [])
        # A list of tables (largest-contentful-paint-element): their rows.
        items = [row for item in items for row in item.get("items", [item])]
        for item in items[:5]:
            node = item.get("node") or {}
            source = item.get("source")
            if isinstance(source, dict) and source.get("type") == "node":
                node, source = source, None
            if isinstance(source, dict):
                source = source.get("url")
            where = node.get("selector") or item.get("url") or source
            if where:
                snippet = " ".join(str(node.get("snippet", "")).split())[:100]
                lines.append(f"        {where}" + (f"  {snippet}" if snippet else ""))
    return lines


def worth_showing(ref, audit):
    if audit.get("scoreDisplayMode") == "error":
        # Lighthouse 12.2.3 cannot read all of Chromium 156's trace: a few
        # diagnostics (layout-shifts, render-blocking-resources...) fail.
        # They weigh nothing; one that weighs leaves its category unscored.
        return bool(ref.get("weight"))
    if ref["id"] in EXPLAINERS:
        return bool((audit.get("details") or {}).get("items"))
    if audit.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
        return False
    return audit.get("score") is not None and audit["score"] < 1


def main():
    for need, hint in (
        (CLI, "make lighthouse installs it"),
        (Path(CHROME), "apt-get install chromium"),
    ):
        if not Path(need).is_file():
            sys.exit(f"missing {need}: {hint}")
    if not shutil.which("node"):
        sys.exit("missing node: apt-get install nodejs npm")
    REPORTS.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="wardnews-lighthouse-") as folder:
        folder = Path(folder)
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="wardnews.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="lighthouse-only-" + os.urandom(24).hex(),
            DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
            DJANGO_STATIC_ROOT=str(folder / "static"),
            DJANGO_MEDIA_ROOT=str(folder / "media"),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_COOKIES="false",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
        )
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo")
        # The photos' renditions, as the worker beside a real site makes them.
        manage(env, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
        manage(env, "collectstatic", "--no-input")
        # The last line: `shell` may say first what it imported.
        pages = json.loads(manage(env, "shell", "-c", PICK_PAGES).splitlines()[-1])

        log_file = REPORTS / "gunicorn.log"
        with log_file.open("w") as log:
            server = start_gunicorn(env, port, log)
            try:
                return run_pages(f"http://127.0.0.1:{port}", pages)
            finally:
                server.terminate()
                server.wait(timeout=30)


def audit_page(url, name):
    """Lighthouse on one page: its four scores (as text) and what cost
    points. Performance is measured, and varies from run to run: under 100,
    the page gets two more runs and their median counts, as Lighthouse's own
    documentation advises."""
    report = lighthouse(url, name)
    if report is None:
        return ["--"] * 4, []
    lost = []
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    for category, score in scores.items():
        if score is None or score < 1:
            lost += lost_points(report, category)
    performance = scores["performance"]
    if performance is not None and performance < 1:
        runs = [performance]
        for n in (2, 3):
            again = lighthouse(url, f"{name}-{n}")
            runs.append(again and again["categories"]["performance"]["score"])
        if None not in runs:
            scores["performance"] = sorted(runs)[1]
        lost.append(
            "    performance in three runs: "
            + ", ".join("--" if r is None else str(round(r * 100)) for r in runs)
            + " (the median counts)"
        )
    lost += [f"    warning: {' '.join(w.split())}" for w in report["runWarnings"]]
    return ["--" if s is None else str(round(s * 100)) for s in scores.values()], lost


def run_pages(base, pages):
    answers = {path: status_of(base + path) for path in WARD_PAGES}
    ward_page = next((p for p, status in answers.items() if status == 200), None)
    if ward_page:
        pages["ward"] = ward_page
    else:
        tried = ", ".join(f"{path} {status}" for path, status in answers.items())
        print(f"note: no ward page answers 200 ({tried}): skipped")
    broken = {path: status_of(base + path) for path in pages.values()}
    broken = {path: status for path, status in broken.items() if status != 200}
    if broken:
        for path, status in broken.items():
            print(f"{path} answers {status}")
        print(f"gunicorn's log: {REPORTS / 'gunicorn.log'}")
        return 1

    rows, details, failed = [], [], False
    for name, path in pages.items():
        started = time.monotonic()
        scores, lost = audit_page(base + path, name)
        failed = failed or any(score != "100" for score in scores)
        if lost:
            details += [f"{name} {path}", *lost]
        rows.append((name, path, scores))
        print(f"  {name}: {time.monotonic() - started:.0f} s", file=sys.stderr)

    width = max(len(f"{name} {path}") for name, path, _ in rows)
    print()
    print(f"{'page':<{width}}  " + "  ".join(f"{c:>14}" for c in CATEGORIES))
    for name, path, scores in rows:
        print(f"{name + ' ' + path:<{width}}  " + "  ".join(f"{s:>14}" for s in scores))
    if details:
        print("\nWhat cost points:")
        print("\n".join(details))
    print(f"\nReports: {REPORTS}/<page>.report.html")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
