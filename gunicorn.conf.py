# Production server settings: `gunicorn wardnews.wsgi` from the project root.
import os
import random
import re
import resource
import time
import uuid

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Chosen by measurement (`make bench BENCH_ARGS=--server-variants`,
# docs/performance.md), on 2 cores: 3 workers of 2 threads (gthread) serve kept pages
# as fast as any variant tried (sync 2/3/4 workers, gthread 2x2, 4x4) and
# better than most, keep connections alive (keep-alive off lost a third), and
# a worker's thread can answer from memory while the other waits on a render.
# More workers mean more copies of the page cache and more database
# connections; each thread keeps one open (CONN_MAX_AGE), so several app
# servers stay well inside PostgreSQL's max_connections.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 30
# Workers are not replaced after a number of requests. At full load
# max_requests = 50000 replaced each worker about every 30 seconds, and each
# replacement dropped that worker's kept pages and cost a second of CPU
# (two in one 5-second round cut the home page from 6,300 to 5,000
# requests/s; at 2,000, the p99 of a rush went past 200 ms). A count of
# requests is the wrong clock: the busier the site, the more often it
# threw the cache away. What max_requests guarded against, a slow leak, is
# watched directly instead (post_request below): a worker whose memory has
# grown past MAX_WORKER_MB leaves after its request, and any worker leaves
# after MAX_WORKER_HOURS (give or take a tenth, so they do not all go at
# once). Measured with no limit (3 workers, wrk -t2 -c8 across five reader
# pages, 185,000 requests in two minutes, Redis, 1,000 articles): each
# worker's resident memory went from 73-82 MB to 85 MB and stayed there
# from 120,000 requests on; the guard is six times that.
max_requests = 0
MAX_WORKER_MB = int(os.environ.get("GUNICORN_MAX_WORKER_MB", "512"))
MAX_WORKER_HOURS = float(os.environ.get("GUNICORN_MAX_WORKER_HOURS", "24"))
# How often (in requests) a worker looks at its memory: cheap, not free.
CHECK_EVERY = 1000
# JSON lines on stdout, requests and errors alike (wardnews/logs.py).
accesslog = "-"
errorlog = "-"
logger_class = "wardnews.logs.GunicornLogger"
# gunicorn would itself take X-Forwarded-Proto (and -Ssl) from these
# addresses as the scheme: only when the deployment says a proxy sets them.
if os.environ.get("DJANGO_BEHIND_PROXY", "").strip().lower() in {
    "1",
    "true",
    "yes",
    "on",
}:
    forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
    secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}

# What a request id from the proxy (nginx's $request_id) may look like.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def pre_request(worker, req):
    """Every request has an X-Request-ID before Django sees it: the one nginx
    sent, or a new one, so gunicorn's request line and Django's error lines
    name the same id."""
    given = [value for name, value in req.headers if name == "X-REQUEST-ID"]
    if len(given) == 1 and _REQUEST_ID.fullmatch(given[0]):
        return
    req.headers = [(n, v) for n, v in req.headers if n != "X-REQUEST-ID"]
    req.headers.append(("X-REQUEST-ID", uuid.uuid4().hex))


def post_fork(server, worker):
    """When this worker is to leave by age: MAX_WORKER_HOURS, jittered."""
    worker.wardnews_leaves_at = time.monotonic() + MAX_WORKER_HOURS * 3600 * (
        0.9 + 0.2 * random.random()
    )
    worker.wardnews_requests = 0


def post_request(worker, req, environ, resp):
    """A worker that grew past MAX_WORKER_MB (a leak) or served its hours
    finishes what it has and leaves; the master starts a new one."""
    worker.wardnews_requests = getattr(worker, "wardnews_requests", 0) + 1
    if worker.wardnews_requests % CHECK_EVERY:
        return
    # Linux gives the peak resident size in kilobytes.
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > MAX_WORKER_MB * 1024
    aged = time.monotonic() > getattr(worker, "wardnews_leaves_at", float("inf"))
    if worker.alive and (grown or aged):
        worker.log.info(
            "Worker %s leaves: %s.",
            worker.pid,
            f"over {MAX_WORKER_MB} MB" if grown else f"{MAX_WORKER_HOURS} hours old",
        )
        worker.alive = False


def worker_exit(server, worker):
    """A worker leaving gracefully (replaced by memory or age, a HUP reload,
    a TERM shutdown) hands its buffered views to Redis, or to the database
    when Redis is away (articles/viewbuffer.py): none is lost. A worker
    killed hard (SIGKILL, the OOM killer, the SIGABRT of a timed-out worker)
    never gets here, and loses the views of its last ~100 ms. Only a worker
    that loaded the project has any."""
    import sys

    viewbuffer = sys.modules.get("articles.viewbuffer")
    if viewbuffer is not None:
        viewbuffer.hand_over()
