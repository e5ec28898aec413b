"""`make bench`: how fast the reader pages are, against bare Django on the
same machine in the same run, at 1,000 and 100,000 articles, and the
documents registry's at 1,000 and 100,000 documents (bench/README.md).

Run with the project's virtualenv Python from the project root:

    .venv/bin/python -m bench.run [--quick] [--sizes 1000,100000]
                                  [--only articles|documents]
                                  [--database NAME] [--redis-db N]
                                  [--server-variants] [--output FILE]

It drops and recreates the PostgreSQL database wardnews_bench (or --database)
and, for the documents, wardnews_bench_documents_<size>, one a size (left
after the run, for EXPLAIN ANALYZE); it flushes Redis database 13 (or
--redis-db) when it measures the articles. It touches nothing else.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "wardnews_bench"
REDIS_DB = 13
HOST = "phucloi.bench.localhost"
BROWSER = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
)
# What a phone's browser sends with a page load (the counter counts it).
HEADERS = {
    "User-Agent": BROWSER,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate",
}
SCALE_TARGET = 1.25
# The documents registry's pages: the list, a filtered list (one kind, the
# year before last), a number search and a word search for two words most
# documents hold ("công tác": nearly half of what generate_documents writes).
# 125/QĐ-UBND's words are also in other decisions (125/2024/QĐ-UBND of the
# city, "tại số 125 phố …"), more of them the more documents there are; no
# other document holds 125/TB-UBND's: the number search with one row shown
# at every size, for comparison.
DOCUMENT_PAGES = {
    "list": "/van-ban/",
    "filtered list": f"/van-ban/?loai=quyet-dinh&nam={date.today().year - 2}",
    "number search": f"/van-ban/?q={quote('125/QD-UBND')}",
    "number search, one match": f"/van-ban/?q={quote('125/TB-UBND')}",
    "word search": f"/van-ban/?q={quote('công tác')}",
}
THROUGHPUT_PAGES = ["home", "category", "article"]
PLAIN_SYNC = ["--workers", "2", "--worker-class", "sync"]
# Over gunicorn.conf.py, from the command line (which wins over the file).
SERVER_VARIANTS = [
    ("gunicorn.conf.py as it is", []),
    ("sync, 2 workers", ["-k", "sync", "-w", "2", "--threads", "1"]),
    ("sync, 3 workers", ["-k", "sync", "-w", "3", "--threads", "1"]),
    ("sync, 4 workers", ["-k", "sync", "-w", "4", "--threads", "1"]),
    ("gthread, 2 workers × 2 threads", ["-k", "gthread", "-w", "2", "--threads", "2"]),
    ("gthread, 3 × 2", ["-k", "gthread", "-w", "3", "--threads", "2"]),
    ("gthread, 4 × 4", ["-k", "gthread", "-w", "4", "--threads", "4"]),
    (
        "gthread, 3 × 2, keep-alive off",
        ["-k", "gthread", "-w", "3", "--threads", "2", "--keep-alive", "0"],
    ),
]


class BenchError(Exception):
    pass


@dataclass
class Plan:
    sizes: list[int]
    run_seconds: int
    rush_seconds: int
    warmups: int
    samples: int
    document_samples: int
    output: Path | None
    database: str = DATABASE
    redis_db: int = REDIS_DB
    sections: tuple[str, ...] = ("articles", "documents")


FULL = {"run_seconds": 10, "rush_seconds": 20, "warmups": 5, "samples": 30}
FULL["document_samples"] = 25
QUICK = {"run_seconds": 3, "rush_seconds": 5, "warmups": 2, "samples": 10}
QUICK["document_samples"] = 10


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def say(self, text=""):
        """A line of the report: printed now and kept for the file."""
        print(text, flush=True)
        self.lines.append(text)

    def table(self, headers, rows):
        self.say("| " + " | ".join(headers) + " |")
        self.say("|" + "|".join(" --- " for _ in headers) + "|")
        for row in rows:
            self.say("| " + " | ".join(str(cell) for cell in row) + " |")
        self.say()


def progress(text):
    print(f"  … {text}", file=sys.stderr, flush=True)


# --- The machine and the bench's own environment ------------------------------


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def versions() -> str:
    import django
    import gunicorn as gunicorn_package

    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0].split()[0]
    finally:
        connection.close()
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    wrk_version = (wrk.stdout or wrk.stderr).split()[1]
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn_package.__version__}, PostgreSQL {postgres}, "
        f"wrk {wrk_version}"
    )


def load() -> str:
    return "/".join(f"{n:.2f}" for n in os.getloadavg())


def bench_env(tmp: Path, database: str, redis_db: int = REDIS_DB) -> dict:
    """The app servers' environment: production settings on the bench
    database, nothing of the caller's own configuration."""
    own = ("DJANGO_", "GUNICORN_", "DATABASE_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="false",
        DATABASE_URL=f"{POSTGRES}/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        DJANGO_ALLOWED_HOSTS=f"{HOST},127.0.0.1,localhost",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_STATIC_ROOT=str(tmp / "static"),
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        # wrk asks from one address, as fast as it can: measure, not refuse.
        DJANGO_RENDERS_PER_SECOND="0",
        DJANGO_SEARCHES_PER_SECOND="0",
    )
    return env


def run(args, env, quiet=False) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def manage(env, *args) -> str:
    return run([PYTHON, "manage.py", *args], env)


def inproc(env, *args):
    """A question to the bench database (bench/inproc.py)."""
    out = run([PYTHON, "-m", "bench.inproc", *args], env)
    line = next(x for x in reversed(out.splitlines()) if x.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))


def has_command(env, name) -> bool:
    done = subprocess.run(
        [PYTHON, "manage.py", name, "--help"], cwd=ROOT, env=env, capture_output=True
    )
    return done.returncode == 0


def sql(statement, database="postgres"):
    connection = psycopg2.connect(f"{POSTGRES}/{database}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def flush_redis(db=REDIS_DB) -> str:
    if shutil.which("redis-cli"):
        done = subprocess.run(
            ["redis-cli", "-n", str(db), "flushdb"], capture_output=True
        )
        if done.returncode == 0:
            return f"Redis db {db} flushed"
    return f"Redis db {db} NOT flushed (no redis-cli, or no Redis)"


def fresh_database(env, database):
    """The database dropped, made again and migrated; its default ward
    answers HOST."""
    sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    sql(f"CREATE DATABASE {database}")
    manage(env, "migrate", "--no-input", "-v0")
    inproc(env, "prepare", HOST)


def set_up(env, size, report, database=DATABASE) -> dict:
    """A fresh bench database holding `size` articles of the default ward,
    which answers HOST; the pages to measure in it."""
    progress(f"database {database}: {size:,} articles")
    fresh_database(env, database)
    out = manage(env, "generate_articles", "--count", str(size), "--seed", str(size))
    report.say(f"- {out.strip()}")
    # What autovacuum does soon after a bulk load: planner statistics.
    sql("VACUUM ANALYZE", database)
    # The bulk load's dirty pages written now, not by the checkpointer in
    # the middle of a timed run.
    sql("CHECKPOINT", database)
    return inproc(env, "pages", HOST)


# --- Servers and clients -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size

    def failures(self, since: int) -> str:
        """What the log says went wrong since that size: the statuses of
        failed requests (access log) and the first error's last line."""
        statuses, first_error = Counter(), None
        with open(self.log, "rb") as log:
            log.seek(since)
            for line in log:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                status = entry.get("status") or 0
                if entry.get("message") == "request" and status >= 400:
                    statuses[status] += 1
                if entry.get("level") == "ERROR" and first_error is None:
                    exc = (entry.get("exc") or "").strip().splitlines()
                    first_error = exc[-1] if exc else entry.get("message")
        found = ", ".join(f"{n:,} × {status}" for status, n in statuses.items())
        if first_error:
            found += f"; first error: {first_error[:200]}"
        return found


@contextmanager
def gunicorn(name, args, env, tmp, extra_env=None):
    """A gunicorn of ours on a free port, stopped (by its pid) at the end."""
    port = free_port()
    log_path = tmp / f"{name}.log"
    env = {**env, **(extra_env or {}), "GUNICORN_BIND": f"127.0.0.1:{port}"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [GUNICORN, *args, "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(port, process, log_path)
        yield Server(port, log_path)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(port, process, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise BenchError(f"gunicorn stopped at start:\n{tail}")
        try:
            get(port, "/robots.txt")
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer in 60 s (log: {log_path})")


def get(port, path, host=HOST):
    """One request as a phone's browser makes it: (status, seconds)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": host, **HEADERS})
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        location = response.getheader("Location")
    finally:
        connection.close()
    if response.status in (301, 302, 303, 307, 308) and location:
        status, more = get(
            port, urlsplit(location)._replace(scheme="", netloc="").geturl()
        )
        return status, elapsed + more
    return response.status, elapsed


SCALE_ROUNDS = 3
# The documents' rounds are short (a few seconds, both sizes in turn): more
# of them, so that a neighbour's minute of load leaves a clean one.
DOCUMENT_ROUNDS = 5


def median_time(server, path, plan, samples=None) -> float:
    times = []
    for n in range(plan.warmups + (samples or plan.samples)):
        since = server.log_size()
        status, seconds = get(server.port, path)
        if status != 200:
            raise BenchError(f"{path} answered {status}: {server.failures(since)}")
        if n >= plan.warmups:
            times.append(seconds)
    return statistics.median(times)


def wrk(server, path, seconds, host=HOST, script="report.lua", script_args=()):
    """wrk's figures for the run; with what the server's log says of the
    failures, if any ("why")."""
    args = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s"]
    args += ["-s", str(BENCH / script)]
    for name, value in {"Host": host, **HEADERS}.items():
        args += ["-H", f"{name}: {value}"]
    args.append(f"http://127.0.0.1:{server.port}{path}")
    if script_args:
        args += ["--", *map(str, script_args)]
    since = server.log_size()
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise BenchError(f"wrk printed no figures:\n{out}")
    result = json.loads(line.removeprefix("WRK "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = result["non2xx"] + result["socket_errors"] + result["timeouts"]
    result["errors"] = max(result["errors"], result.get("not_200", 0))
    result["why"] = server.failures(since) if result["errors"] else ""
    return result


def ms(microseconds) -> str:
    return f"{microseconds / 1000:.1f}"


# --- The sections ----------------------------------------------------------------


def scale(env, tmp, plan, report):
    """Each page's median time at each size, one worker, no page cache."""
    results, queries, last = {}, {}, None
    for size in plan.sizes:
        last = set_up(env, size, report, plan.database)
        urls = last["pages"]
        counts = inproc(env, "queries", HOST, *urls.values())
        queries[size] = {name: counts[url] for name, url in urls.items()}
        one_worker = {"GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "1"}
        one_worker["DJANGO_PAGE_CACHE"] = "false"
        args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
        with gunicorn(f"scale-{size}", args, env, tmp, one_worker) as server:
            # Three rounds over the pages, each page's best median: a moment
            # when the machine is busy elsewhere costs one round, not the
            # figure (the same for every size).
            for round_ in range(1, SCALE_ROUNDS + 1):
                for name, url in urls.items():
                    progress(f"{size:,}: {name} {url} (round {round_})")
                    median = median_time(server, url, plan)
                    best = results.get((size, name), median)
                    results[(size, name)] = min(best, median)
    first, final = plan.sizes[0], plan.sizes[-1]
    report.say()
    report.say(
        f"### Scale: median of {plan.samples} sequential requests (after "
        f"{plan.warmups}), best of {SCALE_ROUNDS} rounds, one worker, "
        "page cache off"
    )
    report.say()
    headers = ["page", *(f"{size:,} articles" for size in plan.sizes)]
    headers += [f"{final:,} / {first:,}", f"≤ {SCALE_TARGET}", "queries"]
    rows = []
    for name, url in last["pages"].items():
        times = [results[(size, name)] for size in plan.sizes]
        ratio = times[-1] / times[0]
        counts = "/".join(str(queries[size][name]) for size in plan.sizes)
        rows.append(
            [
                f"{name} `{url}`",
                *(f"{t * 1000:.1f} ms" for t in times),
                f"{ratio:.2f}",
                "yes" if ratio <= SCALE_TARGET else "**no**",
                counts,
            ]
        )
    report.table(headers, rows)
    return last, queries[final]


def documents_database(plan, size) -> str:
    return f"{plan.database}_documents_{size}"


def set_up_documents(env, size, report, database) -> dict:
    """A fresh database holding `size` documents of the default ward (and
    no articles), ANALYZEd by generate_documents as it ends: measured right
    after the bulk load. What each page finds in it."""
    progress(f"database {database}: {size:,} documents")
    fresh_database(env, database)
    out = manage(
        env,
        "generate_documents",
        "--count",
        str(size),
        "--ward",
        HOST,
        "--seed",
        str(size),
    )
    report.say(f"- `{database}`: {out.strip()}")
    # The load's dirty pages written now, not in the middle of a timed run.
    sql("CHECKPOINT", database)
    return inproc(env, "documents", HOST, *DOCUMENT_PAGES.values())


def documents_scale(tmp, plan, report) -> bool:
    """The registry's pages at each size: each page's best median of
    DOCUMENT_ROUNDS rounds, one worker, no page cache, and the queries each
    runs. Every size's database is loaded first and served by a worker of
    its own; the rounds then go page by page, size by size, so that a
    moment when this shared machine is busy falls on every size alike, not
    on the one measured then. True if each page runs as many queries at
    every size (a time over SCALE_TARGET is reported, as the articles' are:
    a busy moment is no failure of the code)."""
    results, queries, found, envs = {}, {}, {}, {}
    for size in plan.sizes:
        database = documents_database(plan, size)
        envs[size] = env = bench_env(tmp, database, plan.redis_db)
        found[size] = set_up_documents(env, size, report, database)
        counts = inproc(env, "queries", HOST, *DOCUMENT_PAGES.values())
        queries[size] = {name: counts[url] for name, url in DOCUMENT_PAGES.items()}
    one_worker = {"GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "1"}
    one_worker["DJANGO_PAGE_CACHE"] = "false"
    args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
    with ExitStack() as stack:
        servers = {
            size: stack.enter_context(
                gunicorn(f"documents-{size}", args, envs[size], tmp, one_worker)
            )
            for size in plan.sizes
        }
        for round_ in range(1, DOCUMENT_ROUNDS + 1):
            for name, url in DOCUMENT_PAGES.items():
                for size, server in servers.items():
                    progress(f"{size:,} documents: {name} {url} (round {round_})")
                    median = median_time(server, url, plan, plan.document_samples)
                    best = results.get((size, name), median)
                    results[(size, name)] = min(best, median)
    first, final = plan.sizes[0], plan.sizes[-1]
    report.say()
    report.say(
        f"### Documents: median of {plan.document_samples} sequential requests "
        f"(after {plan.warmups}), best of {DOCUMENT_ROUNDS} rounds, one worker a "
        "size, sizes alternated, page cache off"
    )
    report.say()
    headers = ["page", *(f"{size:,} documents" for size in plan.sizes)]
    headers += [f"{final:,} / {first:,}", f"≤ {SCALE_TARGET}", "queries"]
    headers += ["rows shown", f"found at {final:,}"]
    rows, passed = [], True
    for name, url in DOCUMENT_PAGES.items():
        times = [results[(size, name)] for size in plan.sizes]
        ratio = times[-1] / times[0]
        counts = [queries[size][name] for size in plan.sizes]
        fixed = len(set(counts)) == 1 and counts[0] > 0
        passed = passed and fixed
        rows.append(
            [
                f"{name} `{url}`",
                *(f"{t * 1000:.1f} ms" for t in times),
                f"{ratio:.2f}",
                "yes" if ratio <= SCALE_TARGET else "**no**",
                "/".join(map(str, counts)) + ("" if fixed else " **grows**"),
                "/".join(str(found[size]["rows"][url]) for size in plan.sizes),
                found[final]["matches"][url],
            ]
        )
    report.table(headers, rows)
    report.say(
        "Published documents: "
        + ", ".join(f"{found[size]['published']:,}" for size in plan.sizes)
        + '. "rows shown" is the documents the page lists at each size (at '
        "most 20): a page listing more costs more to render (some 0.3 ms a "
        'row on this machine) whatever the data\'s size. "found" is what '
        "the page matches: a list's rows, a search's matches ranked (at most "
        "500, the newest) of all it matches."
    )
    return passed


def ceiling(env, tmp, plan) -> tuple[str, list[str], dict]:
    """The faster of bare Django under gunicorn.conf.py and under plain sync
    workers, one per core."""
    best = None
    for label, args in [
        ("gunicorn.conf.py", ["-c", "gunicorn.conf.py"]),
        ("sync, 2 workers", PLAIN_SYNC),
    ]:
        with gunicorn("bare", [*args, "bench.bare:application"], env, tmp) as bare:
            progress(f"bare Django, {label}")
            result = wrk(bare, "/", plan.run_seconds, host="127.0.0.1")
        if best is None or result["rps"] > best[2]["rps"]:
            best = (label, args, result)
    return best


def throughput(env, tmp, plan, pages, page_queries, report):
    """wrk on the bare page and each reader page, alternately."""
    label, bare_args, first = ceiling(env, tmp, plan)
    bare_runs = [first]
    results = {}
    app_args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
    with (
        gunicorn("bare", [*bare_args, "bench.bare:application"], env, tmp) as bare,
        gunicorn("app", app_args, env, tmp) as app,
    ):
        # Every worker renders each page once before anything is timed.
        for name in THROUGHPUT_PAGES:
            wrk(app, pages[name], 2)
        # Twice round, each page's best run against the best bare run: a
        # machine that is busy for a moment (this one has neighbours) costs
        # the page and the ceiling alike.
        for round_ in (1, 2):
            for name in THROUGHPUT_PAGES:
                progress(f"wrk: bare, then {name} (round {round_})")
                bare_runs.append(wrk(bare, "/", plan.run_seconds, host="127.0.0.1"))
                run = wrk(app, pages[name], plan.run_seconds)
                if name not in results or run["rps"] > results[name]["rps"]:
                    results[name] = run
    top = max(bare_runs, key=lambda r: r["rps"])
    spread = ", ".join(f"{r['rps']:.0f}" for r in bare_runs)
    report.say()
    report.say(
        f"### Throughput: wrk -t2 -c8, {plan.run_seconds} s a run, "
        f"{plan.sizes[-1]:,} articles, gunicorn.conf.py, page cache as deployed"
    )
    report.say()
    rows = [
        [
            f"bare Django, 20 KB ({label}): the ceiling",
            f"{top['rps']:.0f}",
            ms(top["p50_us"]),
            ms(top["p99_us"]),
            "1.00",
            "0",
            top["errors"],
        ]
    ]
    for name in THROUGHPUT_PAGES:
        result = results[name]
        rows.append(
            [
                f"{name} `{pages[name]}`",
                f"{result['rps']:.0f}",
                ms(result["p50_us"]),
                ms(result["p99_us"]),
                f"{result['rps'] / top['rps']:.2f}",
                page_queries[name],
                f"{result['errors']} ({result['why']})" if result["errors"] else 0,
            ]
        )
    headers = ["page", "requests/s", "p50 ms", "p99 ms", "vs ceiling"]
    report.table([*headers, "queries", "errors"], rows)
    report.say(
        f"The ceiling is the best of {len(bare_runs)} bare runs taken between "
        f"the pages ({spread} requests/s); each page's row is the better of "
        "its two runs. The article page counts a view for every request (a "
        "new reader each time)."
    )


def rush(env, tmp, plan, article_id, article_url, report):
    """Every view of a rush on one article counted, exactly."""
    flush = has_command(env, "flush_views")
    if flush:
        manage(env, "flush_views")
    before = inproc(env, "views", str(article_id))
    seconds = plan.rush_seconds
    with gunicorn(
        "rush", ["-c", "gunicorn.conf.py", "wardnews.wsgi"], env, tmp
    ) as server:
        progress(f"rush: {seconds} s on {article_url}")
        result = wrk(
            server, article_url, seconds + 2, script="rush.lua", script_args=[seconds]
        )
    if flush:
        manage(env, "flush_views")
    after = inproc(env, "views", str(article_id))
    answered = result["answered"]
    grew = after["view_count"] - before["view_count"]
    days = after["days"] - before["days"]
    passed = result["not_200"] == 0 and grew == answered == days
    report.say()
    report.say(f"### The counter under a rush: wrk -t2 -c8, {seconds} s on one article")
    report.say()
    if flush:
        report.say("- `manage.py flush_views` run before and after.")
    else:
        report.say("- `manage.py flush_views` does not exist yet: step skipped.")
    report.say(
        f"- **{'PASS' if passed else 'FAIL'}**: {answered:,} article requests "
        f"completed ({answered / seconds:.0f}/s), {result['not_200']} answers "
        f"not 200; view_count {before['view_count']:,} → "
        f"{after['view_count']:,} (+{grew:,}), days' sum +{days:,}."
    )
    if result["not_200"]:
        report.say(f"- Not 200: {result['why']}.")
    lost = result["sent"] - answered
    if lost:
        report.say(
            f"- Article requests sent on a kept-alive connection that the "
            f"server closed before answering (a worker restarting after "
            f"max_requests): {lost}. wrk, like a browser, asked again on a new "
            "connection; not counted, rightly."
        )
    report.say(
        f"- wrk asked for the article for {seconds} s, then for /robots.txt "
        "(never counted) for 2 s, so that every article request had its "
        "answer before wrk stopped."
    )
    return passed


def server_variants(env, tmp, plan, pages, report):
    """The home page and the counted article page under each variant, each
    after a run of the bare page (the ratios are to that run: a machine
    busy with other work slows both)."""
    label, bare_args, _top = ceiling(env, tmp, plan)
    rows = []
    with gunicorn("bare", [*bare_args, "bench.bare:application"], env, tmp) as bare:
        for name, extra in SERVER_VARIANTS:
            progress(f"{name}: bare")
            top = wrk(bare, "/", plan.run_seconds, host="127.0.0.1")
            cells = [name, f"{top['rps']:.0f}"]
            args = ["-c", "gunicorn.conf.py", *extra, "wardnews.wsgi"]
            with gunicorn("variant", args, env, tmp) as server:
                for page in ("home", "article"):
                    progress(f"{name}: {page}")
                    result = wrk(server, pages[page], plan.run_seconds)
                    cells += [
                        f"{result['rps']:.0f} ({result['rps'] / top['rps']:.2f})"
                        + (f", errors: {result['why']}" if result["errors"] else ""),
                        ms(result["p99_us"]),
                    ]
            rows.append(cells)
    report.say()
    report.say(
        f"### Server variants: wrk -t2 -c8, {plan.run_seconds} s a run, "
        f"{plan.sizes[-1]:,} articles"
    )
    report.say()
    report.table(
        [
            "gunicorn",
            f"bare req/s ({label})",
            "home req/s (vs bare)",
            "home p99 ms",
            "article req/s (vs bare)",
            "article p99 ms",
        ],
        rows,
    )
    report.say(
        "Options given on the command line over gunicorn.conf.py; the bare "
        "page is run just before each variant. nginx (deploy/nginx) talks "
        "HTTP/1.0 to gunicorn: no keep-alive there."
    )


# --- Main ----------------------------------------------------------------------------


def parse(argv) -> tuple[Plan, bool]:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s runs, 1k/5k")
    parser.add_argument("--sizes", help="article and document counts, e.g. 1000,100000")
    parser.add_argument(
        "--server-variants",
        action="store_true",
        help="compare gunicorn settings instead (at the largest size)",
    )
    parser.add_argument(
        "--only",
        choices=["articles", "documents"],
        help="one part: the articles' (scale, throughput, the counter) or "
        "the documents registry's; written to a file only if --output",
    )
    parser.add_argument(
        "--database",
        default=DATABASE,
        help="the bench database's name, and the documents' databases' "
        "prefix (default: %(default)s)",
    )
    parser.add_argument(
        "--redis-db",
        type=int,
        default=REDIS_DB,
        help="the Redis database the servers use, flushed first (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, help="the markdown report's file")
    options = parser.parse_args(argv)
    timing = QUICK if options.quick else FULL
    sizes = [1000, 5000] if options.quick else [1000, 100_000]
    if options.sizes:
        sizes = [int(size.replace("_", "")) for size in options.sizes.split(",")]
    output = options.output
    if output is None and not options.quick and not options.only:
        name = "server-variants.md" if options.server_variants else "results.md"
        output = BENCH / name
    sections = (options.only,) if options.only else Plan.sections
    plan = Plan(
        sizes=sizes,
        output=output,
        database=options.database,
        redis_db=options.redis_db,
        sections=sections,
        **timing,
    )
    return plan, options.server_variants


def main(argv=None):
    plan, variants = parse(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    if not Path(GUNICORN).exists():
        sys.exit(f"gunicorn is missing ({GUNICORN}): make $(VENV)/.installed")
    started = time.monotonic()
    report = Report()
    report.say(f"## Bench {datetime.now():%Y-%m-%d %H:%M}")
    report.say()
    report.say(f"- Machine: {machine()}; load average at start {load()}")
    report.say(f"- {versions()}")
    with tempfile.TemporaryDirectory(prefix="wardnews-bench-") as directory:
        tmp = Path(directory)
        env = bench_env(tmp, plan.database, plan.redis_db)
        articles = variants or "articles" in plan.sections
        if articles:
            report.say(f"- {flush_redis(plan.redis_db)}")
            report.say()
            report.say("### Set-up")
            report.say()
        progress("collectstatic")
        manage(env, "collectstatic", "--no-input", "-v0")
        passed = True
        if variants:
            pages = set_up(env, plan.sizes[-1], report, plan.database)["pages"]
            server_variants(env, tmp, plan, pages, report)
        elif articles:
            last, page_queries = scale(env, tmp, plan, report)
            throughput(env, tmp, plan, last["pages"], page_queries, report)
            passed = rush(
                env, tmp, plan, last["article_id"], last["pages"]["article"], report
            )
        if not variants and "documents" in plan.sections:
            report.say()
            report.say("### Set-up: documents")
            report.say()
            passed = documents_scale(tmp, plan, report) and passed
    minutes = (time.monotonic() - started) / 60
    report.say(f"Took {minutes:.1f} min; load average at the end {load()}.")
    if plan.output:
        plan.output.write_text("\n".join(report.lines) + "\n")
        shown = plan.output.resolve()
        if shown.is_relative_to(ROOT):
            shown = shown.relative_to(ROOT)
        print(f"Written to {shown}", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"bench: {error}")
