"""A flood of 1,000 scripted posts at the question form, against gunicorn
with production settings: what it stores, and how long a reader waits for
the home page, /hoi-dap/ and the form itself before and during the flood.

    .venv/bin/python -m bench.questions_flood [--posts 1000] [--threads 8]
                                              [--database NAME] [--redis-db N]

Needs PostgreSQL and Redis as bench/run.py does. It drops and recreates the
database wardnews_bench_questions (or --database) and flushes Redis database
12 (or --redis-db); it touches nothing else. The flood is what a spam
script sends after drawing the form once (its CSRF cookie and form token
copied): forged proofs of work, no proof of work, a filled honeypot, and no
form token at all, from one address, as fast as its threads can.
"""

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import psycopg2

from bench.run import (
    HEADERS,
    HOST,
    BenchError,
    bench_env,
    flush_redis,
    fresh_database,
    get,
    gunicorn,
    manage,
    sql,
)

DATABASE = "wardnews_bench_questions"
REDIS_DB = 12
FORM = "/hoi-dap/gui-cau-hoi/"
READER_PAGES = ["/", "/hoi-dap/", FORM]


def draw_form(port) -> tuple[str, dict]:
    """The form as a script reads it once: its cookie and fields."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    plain = {k: v for k, v in HEADERS.items() if k != "Accept-Encoding"}
    connection.request("GET", FORM, headers={"Host": HOST, **plain})
    response = connection.getresponse()
    page = response.read().decode(errors="replace")
    connection.close()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    token = re.search(r'name="ma_bieu_mau" value="([^"]+)"', page)
    if not (csrf and token):
        raise BenchError("the form page has no CSRF field or form token")
    return cookie, {"csrfmiddlewaretoken": csrf[1], "ma_bieu_mau": token[1]}


def flood_bodies(fields, count) -> list[bytes]:
    base = {
        "name": "Nguyễn Văn Spam",
        "group": "Tổ 1",
        "phone": "0912345678",
        "topic": "khac",
        "consent": "on",
        **fields,
    }
    kinds = [
        {"altcha": "eyJjaGFsbGVuZ2UiOnsicGFyYW1ldGVycyI6e319fQ=="},  # Forged.
        {"trang_web": "http://spam.example"},  # The honeypot.
        {"ma_bieu_mau": ""},  # No form of ours.
        {"altcha": "x" * 300},  # Garbage.
    ]
    bodies = []
    for n in range(count):
        data = {
            **base,
            **kinds[n % len(kinds)],
            "title": f"Quảng cáo {n}",
            "body": f"Mua hàng giá rẻ số {n}, liên hệ ngay hôm nay.",
        }
        bodies.append(urlencode(data).encode())
    return bodies


def flood(port, cookie, bodies, threads, path=FORM):
    """The posts sent from `threads` threads at once (GETs of `path` where a
    body is None); (start, statuses, threads)."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(bodies)

    def worker():
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            headers = {
                "Host": HOST,
                **HEADERS,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}{FORM}",
                "Origin": f"http://{HOST}",
            }
            try:
                if body is None:
                    connection.request("GET", path, headers=headers)
                else:
                    connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                connection.close()
                connection = HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    return started, statuses, workers


def reader_times(port, path, rounds) -> list[float]:
    times = []
    for _ in range(rounds):
        status, seconds = get(port, path)
        if status != 200:
            raise BenchError(f"{path} answered {status}")
        times.append(seconds)
    return times


def stored(database) -> int:
    connection = psycopg2.connect(f"postgres://postgres@127.0.0.1:5432/{database}")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM questions_submission")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--redis-db", type=int, default=REDIS_DB)
    args = parser.parse_args(argv)
    print(f"- {flush_redis(args.redis_db)}")
    with tempfile.TemporaryDirectory(prefix="wardnews-flood-") as directory:
        tmp = Path(directory)
        env = bench_env(tmp, args.database, args.redis_db)
        # As in production: each client's allowance of rendered pages holds.
        del env["DJANGO_RENDERS_PER_SECOND"], env["DJANGO_SEARCHES_PER_SECOND"]
        manage(env, "collectstatic", "--no-input", "-v0")
        fresh_database(env, args.database)
        server_args = ["-c", "gunicorn.conf.py", "wardnews.wsgi"]
        with gunicorn("questions-flood", server_args, env, tmp) as server:
            for path in READER_PAGES:
                reader_times(server.port, path, 5)  # Warm, and kept.
            before = {p: reader_times(server.port, p, 20) for p in READER_PAGES}
            cookie, fields = draw_form(server.port)
            # The same number of requests for the cheapest thing the site
            # answers (robots.txt): what any flood costs this machine.
            plain = measure_during(
                server.port, cookie, [None] * args.posts, args.threads, "/robots.txt"
            )
            forms = measure_during(
                server.port, cookie, flood_bodies(fields, args.posts), args.threads
            )
    count = stored(args.database)
    sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    print()
    for name, (seconds, statuses, _) in (("robots.txt", plain), ("the form", forms)):
        answers = dict(sorted(statuses.items()))
        print(
            f"- Flood of {name}: {args.posts:,} requests in {seconds:.1f} s from "
            f"{args.threads} threads; answers {answers}"
        )
    print(f"- Submissions stored by the flood: {count}")
    print()
    print("Reader pages' median time (slowest) before and during each flood:")
    print()
    print("| page | before | during robots.txt flood | during form flood |")
    print("| --- | --- | --- | --- |")
    for path in READER_PAGES:
        cells = [_ms(before[path]), _ms(plain[2][path]), _ms(forms[2][path])]
        print(f"| {path} | " + " | ".join(cells) + " |")
    return 0 if count == 0 else 1


def _ms(times) -> str:
    if not times:
        return "–"
    return f"{statistics.median(times) * 1000:.1f} ms ({max(times) * 1000:.0f} ms)"


def measure_during(port, cookie, bodies, threads, path=FORM):
    """(seconds, statuses, reader times per page) for one flood."""
    started, statuses, workers = flood(port, cookie, bodies, threads, path)
    during = {p: [] for p in READER_PAGES}
    while any(t.is_alive() for t in workers):
        for page in READER_PAGES:
            status, seconds = get(port, page)
            # The reader shares the flood's address: the form page refused
            # is the flood's allowance used up, not a slow page.
            if status == 200:
                during[page].append(seconds)
    for thread in workers:
        thread.join()
    seconds = time.perf_counter() - started
    time.sleep(2)  # The machine settles before the next flood.
    return seconds, statuses, during


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"bench: {error}")
