"""`make bench`: how fast the reader pages are, against bare Django on the
same machine in the same run, at 1,000 and 100,000 articles (bench/README.md).

Run with the project's virtualenv Python from the project root:

    .venv/bin/python -m bench.run [--quick] [--sizes 1000,100000]
                                  [--server-variants] [--output FILE]

It drops and recreates the PostgreSQL database wardnews_bench and flushes
Redis database 13; it touches nothing else.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

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
    output: Path | None


FULL = {"run_seconds": 10, "rush_seconds": 20, "warmups": 5, "samples": 30}
QUICK = {"run_seconds": 3, "rush_seconds": 5, "warmups": 2, "samples": 10}


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


def bench_env(tmp: Path) -> dict:
    """The app servers' environment: production settings on the bench
    database, nothing of the caller's own configuration."""
    own = ("DJANGO_", "GUNICORN_", "DATABASE_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="false",
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
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


def flush_redis() -> str:
    if shutil.which("redis-cli"):
        done = subprocess.run(
            ["redis-cli", "-n", str(REDIS_DB), "flushdb"], capture_output=True
        )
        if done.returncode == 0:
            return f"Redis db {REDIS_DB} flushed"
    return f"Redis db {REDIS_DB} NOT flushed (no redis-cli, or no Redis)"


def set_up(env, size, report) -> dict:
    """A fresh bench database holding `size` articles of the default ward,
    which answers HOST; the pages to measure in it."""
    progress(f"database {DATABASE}: {size:,} articles")
    sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    sql(f"CREATE DATABASE {DATABASE}")
    manage(env, "migrate", "--no-input", "-v0")
    inproc(env, "prepare", HOST)
    out = manage(env, "generate_articles", "--count", str(size), "--seed", str(size))
    report.say(f"- {out.strip()}")
    # What autovacuum does soon after a bulk load: planner statistics.
    sql("VACUUM ANALYZE", DATABASE)
    # The bulk load's dirty pages written now, not by the checkpointer in
    # the middle of a timed run.
    sql("CHECKPOINT", DATABASE)
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


def median_time(server, path, plan) -> float:
    times = []
    for n in range(plan.warmups + plan.samples):
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
        last = set_up(env, size, report)
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
    parser.add_argument("--sizes", help="article counts, e.g. 1000,100000")
    parser.add_argument(
        "--server-variants",
        action="store_true",
        help="compare gunicorn settings instead (at the largest size)",
    )
    parser.add_argument("--output", type=Path, help="the markdown report's file")
    options = parser.parse_args(argv)
    timing = QUICK if options.quick else FULL
    sizes = [1000, 5000] if options.quick else [1000, 100_000]
    if options.sizes:
        sizes = [int(size.replace("_", "")) for size in options.sizes.split(",")]
    output = options.output
    if output is None and not options.quick:
        name = "server-variants.md" if options.server_variants else "results.md"
        output = BENCH / name
    return Plan(sizes=sizes, output=output, **timing), options.server_variants


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
        env = bench_env(tmp)
        report.say(f"- {flush_redis()}")
        report.say()
        report.say("### Set-up")
        report.say()
        progress("collectstatic")
        manage(env, "collectstatic", "--no-input", "-v0")
        if variants:
            pages = set_up(env, plan.sizes[-1], report)["pages"]
            server_variants(env, tmp, plan, pages, report)
            passed = True
        else:
            last, page_queries = scale(env, tmp, plan, report)
            throughput(env, tmp, plan, last["pages"], page_queries, report)
            passed = rush(
                env, tmp, plan, last["article_id"], last["pages"]["article"], report
            )
    minutes = (time.monotonic() - started) / 60
    report.say(f"Took {minutes:.1f} min; load average at the end {load()}.")
    if plan.output:
        plan.output.write_text("\n".join(report.lines) + "\n")
        print(f"Written to {plan.output.relative_to(ROOT)}", file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"bench: {error}")
