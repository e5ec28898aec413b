"""`make bench`: what each reader page costs to render at 1,000, 100,000 and
1,000,000 articles, right after the bulk load; a ward among 100 against the
same ward alone; throughput against bare Django on the same machine in the
same run; a list page's expiry under load; backup and restore of the
largest database; the documents registry at 1,000 and 100,000 documents
(bench/README.md).

Run with the project's virtualenv Python from the project root:

    .venv/bin/python -m bench.run [--quick] [--sizes 1000,100000,1000000]
                                  [--city | --no-city] [--wards N]
                                  [--ward-articles N]
                                  [--only articles|documents|city]
                                  [--database NAME] [--redis-db N]
                                  [--server-variants] [--output FILE]
                                  [--docs | --no-docs]

It drops and recreates the PostgreSQL database wardnews_bench (or --database),
wardnews_bench_city and wardnews_bench_alone (the many wards' comparison),
and, for the documents, wardnews_bench_documents_<size>, one a size (all
left after the run, for EXPLAIN ANALYZE), and wardnews_bench_restored (the
restore's, dropped after); it flushes Redis database 13 (or --redis-db). It touches
nothing else in the project but docs/performance.md's section "Bench tables"
(a full run, or --docs).
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
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg2

from pages.decorators import LIST_SECONDS

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "wardnews_bench"
REDIS_DB = 13
HOST = "phucloi.bench.localhost"
# Every ward of the bench answers a host under this one.
HOSTS = ".bench.localhost"
DOCS = ROOT / "docs" / "performance.md"
SEED_ARTICLE = ROOT / "articles" / "demo" / "cong-tac-dang-2022-01-24.txt"
DOCS_SECTION = "## Bench tables"
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
# Each size's database also holds documents and published questions, a
# tenth as many as its articles: a ward's registry and Hỏi đáp grow with it.
# The procedures are a fixed catalogue (the national list a ward publishes),
# the same at every size.
OTHERS_PER_ARTICLE = 10
# The documents registry's own section goes up to this many documents (a
# ward issues a thousand or two a year: a million is no ward's).
DOCUMENT_SECTION_MAX = 100_000
THROUGHPUT_PAGES = ["home", "category", "article", "documents list"]
# Issue 19's targets: requests/s of each page over bare Django's.
THROUGHPUT_TARGETS = {
    "home": 1.0,
    "category": 1.0,
    "article": 0.85,
    "documents list": 0.9,
}
# A list page's expiry under load: p99 with an expiry in the run over p99
# without, at most this.
EXPIRY_TARGET = 2.0
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
    expiry_seconds: int
    scale_rounds: int
    rounds: int
    document_rounds: int
    throughput_rounds: int
    wards: int
    ward_articles: int
    output: Path | None
    database: str = DATABASE
    redis_db: int = REDIS_DB
    sections: tuple[str, ...] = ("articles", "documents", "city")
    docs: bool = False


FULL = {"run_seconds": 10, "rush_seconds": 20, "warmups": 5, "samples": 30}
FULL |= {"document_samples": 25, "expiry_seconds": 30, "scale_rounds": 3}
# The documents' rounds are short (a few seconds, both sizes in turn): more
# of them, so that a neighbour's minute of load leaves a clean one.
FULL |= {"rounds": 2, "document_rounds": 5, "throughput_rounds": 3}
FULL |= {"wards": 100, "ward_articles": 10_000}
QUICK = {"run_seconds": 3, "rush_seconds": 5, "warmups": 2, "samples": 10}
QUICK |= {"document_samples": 10, "expiry_seconds": 8, "scale_rounds": 1}
QUICK |= {"rounds": 1, "document_rounds": 2, "throughput_rounds": 1}
QUICK |= {"wards": 2, "ward_articles": 300}


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    # What goes into docs/performance.md: the run's line, and a title and a
    # table a question.
    header: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    def say(self, text=""):
        """A line of the report: printed now and kept for the file."""
        print(text, flush=True)
        self.lines.append(text)

    def table(self, headers, rows, title=None, note=None):
        """A table of the report; with a title, of the docs' too (with the
        note under it, which the report says after the table)."""
        lines = ["| " + " | ".join(headers) + " |"]
        lines.append("|" + "|".join(" --- " for _ in headers) + "|")
        lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
        for line in lines:
            self.say(line)
        self.say()
        if note:
            self.say(note)
        if title:
            self.tables += [f"### {title}", "", *lines, ""]
            if note:
                self.tables += [note, ""]


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
        DJANGO_ALLOWED_HOSTS=f"{HOSTS},127.0.0.1,localhost",
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
    return _inproc_answer(run([PYTHON, "-m", "bench.inproc", *args], env))


@contextmanager
def inproc_started(env, *args):
    """inproc() running while the block runs; its answer in the dict
    yielded, once the block and it are done."""
    args = [PYTHON, "-m", "bench.inproc", *args]
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    answer = {}
    try:
        yield answer
    finally:
        out, err = process.communicate()
    if process.returncode != 0:
        raise BenchError(f"{' '.join(args)} failed:\n{out.decode()}{err.decode()}")
    answer |= _inproc_answer(out.decode())


def _inproc_answer(out):
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
    which answers HOST, and a tenth as many documents and published
    questions; the pages to measure in it. Measured right after the bulk
    load: the generators' own ANALYZE is all the planner knows (the bench
    runs none)."""
    progress(f"database {database}: {size:,} articles")
    started = time.monotonic()
    fresh_database(env, database)
    fill_ward(env, HOST, size, seed=size, report=report)
    seconds = time.monotonic() - started
    report.say(f"- `{database}`: {size:,} articles loaded in {seconds / 60:.1f} min.")
    # The bulk load's dirty pages written now, not by the checkpointer in
    # the middle of a timed run.
    sql("CHECKPOINT", database)
    return inproc(env, "pages", HOST)


def fill_ward(env, host, articles, seed, report=None):
    """The ward at `host` given `articles` articles and a tenth as many
    documents and published questions, by the commands an operator runs."""
    others = max(1, articles // OTHERS_PER_ARTICLE)
    seed_args = ["--ward", host, "--seed", str(seed)]
    for command, count in [
        ("generate_articles", articles),
        ("generate_documents", others),
        ("generate_questions", others),
    ]:
        out = manage(env, command, "--count", str(count), *seed_args)
        if report is not None:
            report.say(f"- {out.strip()}")
    if host == HOST:
        # The real article of ../shared/seed, in every measured ward: its
        # words ("Hội LHPN") are the rare phrase, one match at every size.
        out = manage(env, "import_articles", "--ward", host, str(SEED_ARTICLE))
        if report is not None:
            report.say(f"- {out.strip()}")


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
    with wrk_started(server, path, seconds, host, script, script_args) as result:
        pass
    return result


@contextmanager
def wrk_started(server, path, seconds, host=HOST, script="report.lua", script_args=()):
    """wrk running while the block runs; its figures (wrk()'s) in the dict
    yielded once the block and wrk are done."""
    args = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s"]
    args += ["-s", str(BENCH / script)]
    for name, value in {"Host": host, **HEADERS}.items():
        args += ["-H", f"{name}: {value}"]
    args.append(f"http://127.0.0.1:{server.port}{path}")
    if script_args:
        args += ["--", *map(str, script_args)]
    since = server.log_size()
    result = {}
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        yield result
    finally:
        out = process.communicate()[0]
    if process.returncode != 0:
        raise BenchError(f"wrk failed ({process.returncode}):\n{out}")
    result |= _wrk_figures(out, server, since)


def _wrk_figures(out, server, since) -> dict:
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


ONE_WORKER = {
    "GUNICORN_WORKERS": "1",
    "GUNICORN_THREADS": "1",
    "DJANGO_PAGE_CACHE": "false",
}


def page_queries(env, pages) -> dict:
    """The queries each page ({name: url}) runs: {name: count}."""
    counts = inproc(env, "queries", HOST, *pages.values())
    return {name: counts[url] for name, url in pages.items()}


@contextmanager
def one_worker_each(envs, tmp, name):
    """A server of one worker and one thread, page cache off, for each
    environment ({key: env}): {key: Server}."""
    args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
    with ExitStack() as stack:
        yield {
            key: stack.enter_context(
                gunicorn(f"{name}-{key}", args, env, tmp, ONE_WORKER)
            )
            for key, env in envs.items()
        }


def best_medians(servers, pages, plan, rounds, samples=None) -> dict:
    """Each page's best median of `rounds` rounds on each server (`pages`:
    the server's key to {name: url}), the servers taken in turn page by
    page, so that a moment when this shared machine is busy falls on all of
    them alike: {(key, name): seconds}."""
    results = {}
    for round_ in range(1, rounds + 1):
        for name in pages[next(iter(servers))]:
            for key, server in servers.items():
                url = pages[key][name]
                progress(f"{key}: {name} {url} (round {round_})")
                median = median_time(server, url, plan, samples)
                results[(key, name)] = min(results.get((key, name), median), median)
    return results


def ratio_cells(times, target=SCALE_TARGET) -> list[str]:
    """Each time over the one before it, and whether each is within target."""
    ratios = [later / earlier for earlier, later in pairwise(times)]
    return [
        *(f"{r:.2f}" for r in ratios),
        " / ".join("yes" if r <= target else "**no**" for r in ratios),
    ]


def scale(env, tmp, plan, report):
    """Each page's median time at each size, one worker, no page cache,
    right after each size's bulk load."""
    results, queries, pages, last = {}, {}, {}, None
    for size in plan.sizes:
        last = set_up(env, size, report, plan.database)
        pages[size] = last["pages"]
        queries[size] = page_queries(env, pages[size])
        with one_worker_each({size: env}, tmp, "scale") as servers:
            # Rounds over the pages, each page's best median: a moment when
            # the machine is busy elsewhere costs one round, not the figure
            # (the same for every size).
            results |= best_medians(servers, pages, plan, plan.scale_rounds)
    sizes = plan.sizes
    title = (
        "Render cost: "
        + " / ".join(f"{size:,}" for size in sizes)
        + " articles, right after the bulk load"
    )
    report.say()
    report.say(
        f"### {title}: median of {plan.samples} sequential requests (after "
        f"{plan.warmups}), best of {plan.scale_rounds} rounds, one worker, "
        "page cache off"
    )
    report.say()
    headers = ["page", *(f"{size:,} articles" for size in sizes)]
    headers += [f"{b:,} / {a:,}" for a, b in pairwise(sizes)]
    headers += [f"≤ {SCALE_TARGET}", "queries"]
    rows = []
    for name, url in pages[sizes[-1]].items():
        if any(name not in pages[size] for size in sizes):
            continue
        times = [results[(size, name)] for size in sizes]
        counts = "/".join(str(queries[size][name]) for size in sizes)
        rows.append(
            [
                f"{name} `{unquote(url)}`",
                *(f"{t * 1000:.1f} ms" for t in times),
                *ratio_cells(times),
                counts,
            ]
        )
    note = (
        f"Median of {plan.samples} sequential requests to one worker, page "
        f"cache off, best of {plan.scale_rounds} rounds; each size's database "
        "measured right after its bulk load (no ANALYZE but the generators' "
        "own). Each holds a tenth as many documents and published questions "
        "as articles; the procedures are a fixed catalogue. A sitemap page "
        "lists the articles of 1,000 numbers (numbering/sitemaps.py), so it "
        "grows until the ward has made that many. Queries: per page at each "
        "size."
    )
    report.table(headers, rows, title=title, note=note)
    return last, queries[sizes[-1]]


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
    plan.document_rounds rounds, one worker, no page cache, and the queries each
    runs. Every size's database is loaded first and served by a worker of
    its own; the rounds then go page by page, size by size, so that a
    moment when this shared machine is busy falls on every size alike, not
    on the one measured then. True if each page runs as many queries at
    every size (a time over SCALE_TARGET is reported, as the articles' are:
    a busy moment is no failure of the code)."""
    queries, found, envs = {}, {}, {}
    sizes = [size for size in plan.sizes if size <= DOCUMENT_SECTION_MAX]
    for size in sizes:
        database = documents_database(plan, size)
        envs[size] = env = bench_env(tmp, database, plan.redis_db)
        found[size] = set_up_documents(env, size, report, database)
        queries[size] = page_queries(env, DOCUMENT_PAGES)
    pages = dict.fromkeys(sizes, DOCUMENT_PAGES)
    with one_worker_each(envs, tmp, "documents") as servers:
        results = best_medians(
            servers, pages, plan, plan.document_rounds, plan.document_samples
        )
    first, final = sizes[0], sizes[-1]
    report.say()
    report.say(
        f"### Documents: median of {plan.document_samples} sequential requests "
        f"(after {plan.warmups}), best of {plan.document_rounds} "
        "rounds, one worker a "
        "size, sizes alternated, page cache off"
    )
    report.say()
    headers = ["page", *(f"{size:,} documents" for size in sizes)]
    headers += [f"{final:,} / {first:,}", f"≤ {SCALE_TARGET}", "queries"]
    headers += ["rows shown", f"found at {final:,}"]
    rows, passed = [], True
    for name, url in DOCUMENT_PAGES.items():
        times = [results[(size, name)] for size in sizes]
        ratio = times[-1] / times[0]
        counts = [queries[size][name] for size in sizes]
        fixed = len(set(counts)) == 1 and counts[0] > 0
        passed = passed and fixed
        rows.append(
            [
                f"{name} `{url}`",
                *(f"{t * 1000:.1f} ms" for t in times),
                f"{ratio:.2f}",
                "yes" if ratio <= SCALE_TARGET else "**no**",
                "/".join(map(str, counts)) + ("" if fixed else " **grows**"),
                "/".join(str(found[size]["rows"][url]) for size in sizes),
                found[final]["matches"][url],
            ]
        )
    report.table(headers, rows)
    report.say(
        "Published documents: "
        + ", ".join(f"{found[size]['published']:,}" for size in sizes)
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
    """wrk on the bare page and each reader page, alternately: issue 19's
    method, each page's ratio in a round against the bare run just before
    it, the median of the rounds' ratios."""
    # The run that chose the ceiling's settings is not one of the rounds'.
    label, bare_args, _ = ceiling(env, tmp, plan)
    bare_runs = []
    pairs = {name: [] for name in THROUGHPUT_PAGES}
    app_args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
    with (
        gunicorn("bare", [*bare_args, "bench.bare:application"], env, tmp) as bare,
        gunicorn("app", app_args, env, tmp) as app,
    ):
        # Every worker renders each page once before anything is timed.
        for name in THROUGHPUT_PAGES:
            wrk(app, pages[name], 2)
        # A machine busy for a moment (this one has neighbours) costs the
        # page and the bare run beside it alike, not a run of another time.
        for round_ in range(1, plan.throughput_rounds + 1):
            for name in THROUGHPUT_PAGES:
                progress(f"wrk: bare, then {name} (round {round_})")
                bare_run = wrk(bare, "/", plan.run_seconds, host="127.0.0.1")
                bare_runs.append(bare_run)
                pairs[name].append((wrk(app, pages[name], plan.run_seconds), bare_run))
    spread = ", ".join(f"{r['rps']:.0f}" for r in bare_runs)
    title = (
        f"Throughput: wrk -t2 -c8, {plan.run_seconds} s a run, "
        f"{plan.sizes[-1]:,} articles, page cache on"
    )
    report.say()
    report.say(f"### {title} (gunicorn.conf.py as deployed)")
    report.say()
    bare_rps = statistics.median(r["rps"] for r in bare_runs)
    rows = [
        [
            f"bare Django, 20 KB ({label}): the ceiling, median",
            f"{bare_rps:.0f}",
            "",
            "",
            "1.00",
            "",
            "",
            "",
            "0",
            sum(r["errors"] for r in bare_runs),
        ]
    ]
    for name in THROUGHPUT_PAGES:
        ranked = sorted(pairs[name], key=lambda pair: pair[0]["rps"] / pair[1]["rps"])
        result, beside = ranked[(len(ranked) - 1) // 2]  # The median (lower).
        ratio = result["rps"] / beside["rps"]
        target = THROUGHPUT_TARGETS[name]
        errors = sum(run["errors"] for run, _ in pairs[name])
        rows.append(
            [
                f"{name} `{pages[name]}`",
                f"{result['rps']:.0f}",
                ms(result["p50_us"]),
                ms(result["p99_us"]),
                f"{ratio:.2f}",
                ", ".join(f"{run['rps'] / b['rps']:.2f}" for run, b in pairs[name]),
                f"≥ {target:.2f}",
                "yes" if ratio >= target else "**no**",
                page_queries[name],
                f"{errors} ({result['why']})" if errors else 0,
            ]
        )
    headers = ["page", "requests/s", "p50 ms", "p99 ms", "vs bare, median"]
    headers.append("each round")
    note = (
        f"Each round runs bare Django, then the page, {plan.run_seconds} s "
        "each; a page's ratio is the median of its rounds' (its run over the "
        "bare run just before it), and its row shows that round's run. The "
        f"bare runs: {spread} requests/s, their median above. The article "
        "page counts a view for every request (a new reader each time)."
    )
    report.table(
        [*headers, "target", "met", "queries", "errors"], rows, title=title, note=note
    )


def transactions(database) -> int:
    """The transactions PostgreSQL has counted in the database (each query
    of a request is one: Django runs them in autocommit). A backend reports
    its own when it ends, so read this with no server running."""
    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                "WHERE datname = %s",
                [database],
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def expiry(env, tmp, plan, home_queries, report):
    """The home page under wrk for expiry_seconds with the page cache on,
    without an expiry and then with one: mid-run, the bench makes the
    ward's kept pages stale as a publish does (pages/generations.py; kept
    list pages live LIST_SECONDS, and no setting shortens that), so that
    every worker misses the page at once. Each run has a server of its own,
    its renders counted from the database's transactions (home_queries a
    render) against the run without expiry."""
    seconds = plan.expiry_seconds
    args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
    runs = []
    for round_ in range(1, plan.rounds + 1):
        pair = {}
        for expires in (False, True):
            before = transactions(plan.database)
            with gunicorn("expiry", args, env, tmp) as server:
                # A page rendered now, kept for LIST_SECONDS: no expiry of
                # its own within the run.
                inproc(env, "bump", HOST)
                wrk(server, "/", 2)
                label = "with" if expires else "without"
                progress(f"expiry: home, {seconds} s {label} expiry (round {round_})")
                # The bump's process starts with wrk, so that it is ready
                # by the run's middle.
                started = time.time()
                at = started + seconds / 2 if expires else None
                with ExitStack() as stack:
                    if expires:
                        bump = stack.enter_context(
                            inproc_started(env, "bump", HOST, str(at))
                        )
                    result = stack.enter_context(wrk_started(server, "/", seconds))
                bumped = bump["at"] - started if expires else None
            # The server's backends have ended: their transactions counted.
            time.sleep(1)
            result["transactions"] = transactions(plan.database) - before
            result["bumped"] = bumped
            pair[expires] = result
        runs.append(pair)
    title = (
        f"Expiry under load: home, wrk -t2 -c8, {seconds} s, page cache on, "
        f"{plan.sizes[-1]:,} articles"
    )
    report.say()
    report.say(f"### {title}")
    report.say()
    rows = []
    for round_, pair in enumerate(runs, start=1):
        plain, expired = pair[False], pair[True]
        ratio = expired["p99_us"] / plain["p99_us"]
        renders = (expired["transactions"] - plain["transactions"]) / home_queries
        rows.append(
            [
                round_,
                f"{plain['rps']:.0f} / {expired['rps']:.0f}",
                f"{ms(plain['p99_us'])} / {ms(expired['p99_us'])}",
                f"{ms(plain['max_us'])} / {ms(expired['max_us'])}",
                f"{ratio:.2f}",
                "yes" if ratio <= EXPIRY_TARGET else "**no**",
                f"{renders:+.1f}",
                f"{plain['errors']} / {expired['errors']}",
            ]
        )
    headers = ["round", "requests/s", "p99 ms", "max ms", "p99 ratio"]
    headers += [f"≤ {EXPIRY_TARGET:g}", "renders from the expiry", "errors"]
    bumped = ", ".join(f"{pair[True]['bumped']:.1f} s" for pair in runs)
    note = (
        "Each cell: without expiry / with it. The expiry: the ward's pages "
        f"made stale mid-run (at {bumped}: pages.generations.changed(), what a "
        "publish does), a fresh server each run (gunicorn.conf.py as "
        f"deployed, Redis). Kept list pages live {LIST_SECONDS} s, with no "
        "setting to shorten it. Renders from the expiry: the run's database "
        "transactions beyond the run without expiry, over the home page's "
        f"{home_queries} queries (1 is one render for the installation)."
    )
    report.table(headers, rows, title=title, note=note)


def backup_restore(env, tmp, plan, report):
    """`manage.py backup` of the largest database, and `manage.py restore`
    of it into a fresh one, timed."""
    restored = f"{plan.database}_restored"
    folder = tmp / "backups"
    folder.mkdir()
    progress(f"backup of {plan.database}")
    size = database_size(plan.database)
    started = time.monotonic()
    manage(env, "backup", "--dir", str(folder))
    backup_seconds = time.monotonic() - started
    archive = next(folder.glob("wardnews-*.tar"))
    archive_size = archive.stat().st_size
    progress(f"restore into {restored}")
    sql(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
    sql(f"CREATE DATABASE {restored}")
    restore_env = {**env, "DATABASE_URL": f"{POSTGRES}/{restored}"}
    started = time.monotonic()
    out = manage(restore_env, "restore", str(archive))
    restore_seconds = time.monotonic() - started
    # A copy of the bench database, some 10 GB at a million articles.
    archive.unlink()
    sql(f"DROP DATABASE {restored} WITH (FORCE)")
    title = f"Backup and restore: {plan.sizes[-1]:,} articles"
    report.say()
    report.say(f"### {title}")
    report.say()
    rows = [
        ["`manage.py backup`", f"{backup_seconds / 60:.1f} min", gb(size)],
        ["`manage.py restore`", f"{restore_seconds / 60:.1f} min", gb(archive_size)],
    ]
    note = (
        f"The database was {gb(size)} on disk, the archive {gb(archive_size)}; "
        f"restored into an empty database (`{restored}`, dropped after), which "
        f"the restore checks against the backup's counts: "
        f"{out.strip().splitlines()[0]}"
    )
    report.table(["step", "took", "of"], rows, title=title, note=note)


def database_size(database) -> int:
    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(%s)", [database])
            return cursor.fetchone()[0]
    finally:
        connection.close()


def gb(size) -> str:
    return f"{size / 1e9:.2f} GB" if size >= 1e8 else f"{size / 1e6:.0f} MB"


# --- Many wards ---------------------------------------------------------------


def ward_host(n) -> str:
    return f"p{n:03d}{HOSTS}"


# Issue 19's bulk set-up: generate_articles fills 100 wards with 1,000,000
# articles in under this many minutes.
BULK_TARGET_MINUTES = 15


def fill_city(env, wards, per_ward, report):
    """`wards` other wards of `per_ward` articles each, in one
    `generate_articles --wards` (timed: the bulk set-up target), then the
    measured ward (HOST) as fill_ward makes it, and a tenth as many
    documents and questions for each of the others, in one process."""
    count = wards * per_ward
    started = time.monotonic()
    out = manage(env, "generate_articles", "--wards", str(wards), "--count", str(count))
    minutes = (time.monotonic() - started) / 60
    report.say(f"- {out.strip()}")
    verdict = "met" if minutes < BULK_TARGET_MINUTES else "**not met**"
    report.say(
        f"- `generate_articles --wards {wards} --count {count}`: {minutes:.1f} "
        f"min (issue 19: 100 wards, 1,000,000 articles in under "
        f"{BULK_TARGET_MINUTES} min: {verdict}"
        + ("" if (wards, count) == (100, 1_000_000) else ", at another size")
        + ")."
    )
    fill_ward(env, HOST, per_ward, seed=per_ward, report=report)
    others = max(1, per_ward // OTHERS_PER_ARTICLE)
    inproc(env, "fill", HOST, str(others), str(others))


def city(tmp, plan, report):
    """A ward of ward_articles among `wards` wards of as many against the
    same ward alone on an installation: every reader page's best median, one
    worker each, the two taken in turn page by page."""
    wards, per_ward = plan.wards, plan.ward_articles
    databases = {"alone": f"{plan.database}_alone", "city": f"{plan.database}_city"}
    envs, pages, queries, took = {}, {}, {}, {}
    for key, database in databases.items():
        envs[key] = env = bench_env(tmp, database, plan.redis_db)
        progress(f"database {database}")
        started = time.monotonic()
        fresh_database(env, database)
        report.say(f"- `{database}`:")
        if key == "alone":
            fill_ward(env, HOST, per_ward, seed=per_ward, report=report)
        else:
            fill_city(env, wards, per_ward, report)
        took[key] = time.monotonic() - started
        sql("CHECKPOINT", database)
        pages[key] = inproc(env, "pages", HOST)["pages"]
        queries[key] = page_queries(env, pages[key])
    with one_worker_each(envs, tmp, "city") as servers:
        results = best_medians(servers, pages, plan, plan.scale_rounds)
    title = (
        f"Many wards: a ward of {per_ward:,} articles among {wards} others "
        f"({(wards + 1) * per_ward:,} articles), against it alone"
    )
    report.say()
    report.say(f"### {title}")
    report.say()
    headers = ["page", "alone", f"among {wards} others", "ratio"]
    headers.append(f"≤ {SCALE_TARGET}")
    rows = []
    for name, url in pages["city"].items():
        if name not in pages["alone"]:
            continue
        times = [results[("alone", name)], results[("city", name)]]
        rows.append(
            [
                f"{name} `{unquote(url)}`",
                *(f"{t * 1000:.1f} ms" for t in times),
                *ratio_cells(times),
                f"{queries['alone'][name]}/{queries['city'][name]}",
            ]
        )
    note = (
        f"Median of {plan.samples} sequential requests to one worker each, "
        f"page cache off, best of {plan.scale_rounds} rounds, the two "
        "installations taken in turn page by page, right after their bulk "
        "loads. Every ward holds a tenth as many documents and published "
        "questions as articles. Loading took "
        f"{took['city'] / 60:.1f} min for the {wards + 1} wards "
        f"(`generate_articles --wards {wards}`, then the measured ward, then "
        f"the others' documents and questions), {took['alone'] / 60:.1f} min "
        "alone."
    )
    report.table([*headers, "queries"], rows, title=title, note=note)


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
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 1k/5k, short runs, 2 wards of 300 articles",
    )
    parser.add_argument(
        "--sizes", help="article counts, e.g. 1000,100000,1000000 (the default)"
    )
    parser.add_argument(
        "--city",
        action=argparse.BooleanOptionalAction,
        help="the many wards' comparison (on unless --only names another part)",
    )
    parser.add_argument(
        "--wards", type=int, help="wards in the many wards' case (default 100)"
    )
    parser.add_argument(
        "--ward-articles",
        type=int,
        help="articles of each ward in the many wards' case (default 10000)",
    )
    parser.add_argument(
        "--server-variants",
        action="store_true",
        help="compare gunicorn settings instead (at the largest size)",
    )
    parser.add_argument(
        "--only",
        choices=["articles", "documents", "city"],
        help="one part: the articles' (render cost, throughput, the counter, "
        "expiry, backup), the documents registry's or the many wards'; "
        "written to a file only if --output",
    )
    parser.add_argument(
        "--database",
        default=DATABASE,
        help="the bench database's name, and the others' prefix (default: %(default)s)",
    )
    parser.add_argument(
        "--redis-db",
        type=int,
        default=REDIS_DB,
        help="the Redis database the servers use, flushed first (default: %(default)s)",
    )
    parser.add_argument("--output", type=Path, help="the markdown report's file")
    parser.add_argument(
        "--docs",
        action=argparse.BooleanOptionalAction,
        help='write the tables into docs/performance.md\'s "Bench tables" '
        "(a full run does)",
    )
    options = parser.parse_args(argv)
    timing = dict(QUICK if options.quick else FULL)
    sizes = [1000, 5000] if options.quick else [1000, 100_000, 1_000_000]
    if options.sizes:
        try:
            sizes = [int(size.replace("_", "")) for size in options.sizes.split(",")]
        except ValueError:
            parser.error(
                f"--sizes: whole numbers separated by commas, not {options.sizes!r}"
            )
        if any(size < 1 for size in sizes):
            parser.error("--sizes: each size 1 or more")
    for name in ("wards", "ward_articles"):
        value = getattr(options, name)
        if value is not None:
            if value < 1:
                parser.error(f"--{name.replace('_', '-')} must be 1 or more")
            timing[name] = value
    full = not (options.quick or options.only or options.sizes)
    output = options.output
    if output is None and full:
        name = "server-variants.md" if options.server_variants else "results.md"
        output = BENCH / name
    sections = (options.only,) if options.only else ("articles", "documents")
    if options.city or (options.city is None and not options.only):
        sections = tuple(dict.fromkeys((*sections, "city")))
    plan = Plan(
        sizes=sizes,
        output=output,
        database=options.database,
        redis_db=options.redis_db,
        sections=sections,
        docs=options.docs if options.docs is not None else full,
        **timing,
    )
    return plan, options.server_variants


def write_docs(report):
    """The run's tables into docs/performance.md, under DOCS_SECTION, in
    place of the last run's: the sections before and after it (others'
    among them) as they are."""
    text = DOCS.read_text()
    block = [
        DOCS_SECTION,
        "",
        "Written by `make bench` (bench/run.py); what each table measures and "
        "how is in [bench/README.md](../bench/README.md).",
        "",
        *report.header,
        "",
        *report.tables,
    ]
    new = "\n".join(block).rstrip() + "\n"
    lines = text.splitlines(keepends=True)
    start = next(
        (n for n, line in enumerate(lines) if line.rstrip() == DOCS_SECTION), None
    )
    if start is None:
        DOCS.write_text(text.rstrip() + "\n\n" + new)
        return
    end = next(
        (
            n
            for n in range(start + 1, len(lines))
            if lines[n].startswith("## ") or lines[n].startswith("# ")
        ),
        len(lines),
    )
    after = "".join(lines[end:])
    DOCS.write_text("".join(lines[:start]) + new + ("\n" + after if after else ""))


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
    report.header = [
        f"Run of {datetime.now():%Y-%m-%d %H:%M}. Machine: {machine()}; load "
        f"average at start {load()}. {versions()}."
    ]
    report.say(f"- Machine: {machine()}; load average at start {load()}")
    report.say(f"- {versions()}")
    with tempfile.TemporaryDirectory(prefix="wardnews-bench-") as directory:
        tmp = Path(directory)
        env = bench_env(tmp, plan.database, plan.redis_db)
        articles = variants or "articles" in plan.sections
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
            expiry(env, tmp, plan, page_queries["home"], report)
            backup_restore(env, tmp, plan, report)
        if not variants and "city" in plan.sections:
            report.say()
            report.say("### Set-up: many wards")
            report.say()
            city(tmp, plan, report)
        if not variants and "documents" in plan.sections:
            report.say()
            report.say("### Set-up: documents")
            report.say()
            passed = documents_scale(tmp, plan, report) and passed
    minutes = (time.monotonic() - started) / 60
    report.say(f"Took {minutes:.1f} min; load average at the end {load()}.")
    report.header.append(f"The run took {minutes:.0f} min in all.")
    if plan.output:
        plan.output.write_text("\n".join(report.lines) + "\n")
        shown = plan.output.resolve()
        if shown.is_relative_to(ROOT):
            shown = shown.relative_to(ROOT)
        print(f"Written to {shown}", file=sys.stderr)
    if plan.docs and not variants:
        write_docs(report)
        print(f"Tables written to {DOCS.relative_to(ROOT)}", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"bench: {error}")
