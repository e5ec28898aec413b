"""The view counter at city scale: can ``flush_views`` keep up with 5,000
counted views a second spread over 10,000 articles in 100 wards?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wn_bench_counter \\
    REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python -m bench.counter_city [--wards 100] [--per-ward 100]

Needs a migrated database of its own (``manage.py migrate``): the first run
adds the wards (``bench-counter-N.test``) and their articles
(articles/generating.py), later runs reuse them. It flushes the Redis
database it is given.

Each round fills the view buffer (articles/viewbuffer.py) as the article
pages would in SECONDS seconds at RATE views a second, spread over every
article (a few read far more than most), then folds it the way ``manage.py
flush_views`` does (viewbuffer.fold_all) and prints how long that took per
second of views: under 1.0 s the flusher keeps up, and 1 / that figure is
the margin. After every round it checks that the counts are exact: the
articles' ``view_count`` and their ``DailyViews`` rows both grew by exactly
the views buffered (and the 30-day sums of "Tin đọc nhiều" by the same).
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardnews.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402

import redisclient  # noqa: E402
from articles import generating, viewbuffer  # noqa: E402
from articles.models import Article, DailyViews, store_views  # noqa: E402
from wards.models import Ward, WardHost  # noqa: E402

HOST = "bench-counter-{n}.test"
WIDTHS = (8, 9, 8, 8, 8, 6)


def wards(count: int, per_ward: int) -> list[int]:
    """The bench's wards, each with per_ward articles; made when missing."""
    ids = []
    for n in range(1, count + 1):
        host = HOST.format(n=n)
        found = WardHost.objects.filter(host=host).select_related("ward").first()
        ward = (
            found.ward
            if found
            else Ward.objects.update_or_create_for_host(host, f"Phường Đếm {n}")[0]
        )
        missing = per_ward - Article.objects.filter(ward=ward).count()
        if missing > 0:
            generating.generate(ward, missing, seed=n)
        ids.append(ward.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids


def fill(r, article_ids: list[int], views: int, rng: random.Random) -> int:
    """`views` views in today's buffer, as HINCRBY from the pages would
    leave them; returns how many articles were read. Each view's article is
    drawn by its weight (lognormal: a few are read far more than most)."""
    weights = [rng.lognormvariate(0, 1.2) for _ in article_ids]
    counts = Counter(rng.choices(article_ids, weights, k=views))
    key = viewbuffer.pending_key()
    pipe = r.pipeline(transaction=False)
    for pk, n in counts.items():
        pipe.hincrby(key, pk, n)
    pipe.execute()
    return len(counts)


def totals(ward_ids: list[int]) -> tuple[int, int]:
    articles = Article.objects.filter(ward_id__in=ward_ids)
    days = DailyViews.objects.filter(article__ward_id__in=ward_ids)
    return (
        articles.aggregate(n=Sum("view_count"))["n"] or 0,
        days.aggregate(n=Sum("views"))["n"] or 0,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wards", type=int, default=100)
    parser.add_argument("--per-ward", type=int, default=100)
    parser.add_argument("--rate", type=int, default=5000, help="views a second")
    parser.add_argument(
        "--seconds",
        type=float,
        nargs="*",
        default=[2, 60],
        help="each round's views, in seconds of RATE (flush_views --every 2)",
    )
    parser.add_argument(
        "--steady",
        type=float,
        default=60,
        metavar="SECONDS",
        help="then views fed for this long while folding (0: not)",
    )
    parser.add_argument(
        "--every", type=float, default=2, help="the steady folds' interval"
    )
    parser.add_argument(
        "--compare",
        type=float,
        default=2,
        metavar="SECONDS",
        help="then folds of SECONDS of views, batched and one article at a "
        "time alternately (0: not)",
    )
    args = parser.parse_args()
    if not redisclient.enabled():
        sys.exit("Set REDIS_URL: the buffer lives in Redis.")
    r = redisclient.client()
    r.flushdb()
    print(f"Setting up {args.wards} wards × {args.per_ward} articles…", flush=True)
    ward_ids = wards(args.wards, args.per_ward)
    article_ids = list(
        Article.objects.filter(ward_id__in=ward_ids).values_list("pk", flat=True)
    )
    print(
        f"{len(article_ids)} articles in {len(ward_ids)} wards; "
        f"{connection.vendor}, {args.rate} views/s",
        flush=True,
    )
    rng = random.Random(19)
    exact = True
    header = ("seconds", "views", "articles", "flush s", "s per s", "exact")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, WIDTHS, strict=True)))
    for seconds in args.seconds:
        views = int(args.rate * seconds)
        read = fill(r, article_ids, views, rng)
        before = totals(ward_ids)
        started = time.perf_counter()
        stored, _ = viewbuffer.fold_all()
        took = time.perf_counter() - started
        after = totals(ward_ids)
        ok = stored == views and all(
            a - b == views for a, b in zip(after, before, strict=True)
        )
        exact &= ok
        print(
            f"{seconds:>8g} {views:>9} {read:>8} {took:>8.3f} {took / seconds:>8.4f} "
            f"{'yes' if ok else 'NO':>6}",
            flush=True,
        )
    if args.compare:
        exact &= compare(r, article_ids, ward_ids, args.rate, args.compare, rng)
    if args.steady:
        exact &= steady(r, article_ids, ward_ids, args.rate, args.steady, args.every)
    sys.exit(0 if exact else 1)


def one_by_one(counts, day):
    """store_views as it was before batches: an UPDATE and an INSERT an
    article (its one-article call runs exactly those), in one transaction."""
    with transaction.atomic():
        return {
            pk: total
            for pk, views in sorted(counts.items())
            for pk, total in store_views({pk: views}, day).items()
        }


def compare(r, article_ids, ward_ids, rate, seconds, rng) -> bool:
    """The same load folded batched and one article at a time, alternately,
    three times each: the two in the same minutes of a busy machine."""
    ok, times = True, {"batched": [], "one by one": []}
    for _ in range(3):
        for way, store in (("batched", store_views), ("one by one", one_by_one)):
            views = int(rate * seconds)
            fill(r, article_ids, views, rng)
            before = totals(ward_ids)
            with mock.patch.object(viewbuffer, "store_views", store):
                started = time.perf_counter()
                stored, _ = viewbuffer.fold_all()
                times[way].append(time.perf_counter() - started)
            after = totals(ward_ids)
            ok &= stored == views and all(
                a - b == views for a, b in zip(after, before, strict=True)
            )
    print(
        f"compare, {seconds:g} s of views a fold: "
        + "; ".join(
            f"{way} median {statistics.median(t):.2f} s "
            f"({', '.join(f'{x:.2f}' for x in t)})"
            for way, t in times.items()
        )
        + f"; exact: {'yes' if ok else 'NO'}",
        flush=True,
    )
    return ok


def steady(r, article_ids, ward_ids, rate, seconds, every) -> bool:
    """Views coming in at `rate` a second from a thread of their own while
    this one folds every `every` seconds, as ``flush_views --every`` does;
    prints each fold's time and the lag (how far the database trails the
    buffer at worst: a fold's time plus the wait before it)."""
    rng = random.Random(5)
    weights = [rng.lognormvariate(0, 1.2) for _ in article_ids]
    fed, fed_for, stop = [0], [0.0], threading.Event()

    def feed():
        tick, began = 0.1, time.perf_counter()
        while not stop.is_set():
            started = time.perf_counter()
            counts = Counter(rng.choices(article_ids, weights, k=int(rate * tick)))
            pipe = r.pipeline(transaction=False)
            for pk, n in counts.items():
                pipe.hincrby(viewbuffer.pending_key(), pk, n)
            pipe.execute()
            fed[0] += int(rate * tick)
            time.sleep(max(0.0, tick - (time.perf_counter() - started)))
        fed_for[0] = time.perf_counter() - began

    before = totals(ward_ids)
    feeder = threading.Thread(target=feed)
    feeder.start()
    folds, stored, began = [], 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        started = time.perf_counter()
        views, _ = viewbuffer.fold_all()
        took = time.perf_counter() - started
        folds.append((took, views))
        stored += views
        time.sleep(max(0.0, every - took))
    stop.set()
    feeder.join()
    stored += viewbuffer.fold_all()[0]
    fed_rate = fed[0] / fed_for[0]
    after = totals(ward_ids)
    ok = stored == fed[0] and all(
        a - b == fed[0] for a, b in zip(after, before, strict=True)
    )
    times = sorted(took for took, _ in folds)
    print(
        f"steady: {fed[0]} views fed at {fed_rate:.0f}/s for {fed_for[0]:.0f} s, "
        f"folded every {every:g} s: {len(folds)} folds, median "
        f"{statistics.median(times):.2f} s, max {times[-1]:.2f} s, largest "
        f"{max(views for _, views in folds)} views; lag at worst "
        f"{times[-1] + every:.1f} s; exact: {'yes' if ok else 'NO'}",
        flush=True,
    )
    return ok


if __name__ == "__main__":
    main()
