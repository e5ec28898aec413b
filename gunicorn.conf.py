# Production server settings: `gunicorn wardnews.wsgi` from the project root.
import os
import re
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
# A worker is replaced after this many requests (a guard against slow leaks).
# At 2,000 a worker restarted every few seconds under load, losing its pages
# and a second of CPU each time (the p99 of a rush went past 200 ms).
max_requests = 50000
max_requests_jitter = 5000
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
