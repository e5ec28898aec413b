"""`make scale-test`: two gunicorn app servers behind nginx, sharing one
PostgreSQL and one Redis, act as one site.

Run from the project root with the venv's Python:

    .venv/bin/python bench/scale_test.py

It makes a database of its own (wardnews_scale, dropped first), migrates it,
loads the demo content and a superuser, collects the static files, starts two
gunicorns (the project's gunicorn.conf.py, 127.0.0.1 on two free ports, each
in a working folder and TMPDIR of its own, sharing the database, a Redis
database, the media folder and the secret key) and nginx in front of them
with the locations of deploy/nginx/wardnews.conf (bench/scale/), then checks:

- nginx spreads requests over both servers (its log names the server of each
  request; each server's own log holds exactly those request ids);
- N readers' views of an article, sent through nginx, add up exactly in the
  total and in the days' rows (after `manage.py flush_views` folds what is
  buffered in Redis, where that command exists), and the page shows the total;
- an article published in the admin of server A is on the home and category
  pages of server B (and through nginx) within a second (the copy before
  the change is served while one request renders the new one), every page
  having been loaded several times before on both; a title edited through B
  shows on A within a second;
- the staff session made on A opens the admin on B;
- nginx's micro-cache (deploy/nginx/wardnews.conf, wardnews/edgecache.py):
  a publish and an edit show through it within EDGE_SHOWN_WITHIN and one
  fetch; anonymous list pages are answered from it, addresses with tracking
  parameters and signed-in readers never (nor is what they got kept); home,
  category and documents list through nginx at least EDGE_TARGET times bare
  Django (bench/bare.py under the same gunicorn.conf.py), wrk -t2 -c8, runs
  alternating.

It prints PASS or FAIL for each check with its figures and exits 1 if any
failed. Everything it started or made is removed at the end, also after a
failure or Ctrl-C. Needs nginx and wrk (apt-get install nginx wrk), PostgreSQL on
127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379.
"""

import concurrent.futures
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg2

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = Path(__file__).resolve().parent / "scale" / "nginx.conf.template"
DEPLOY_SITE = PROJECT / "deploy" / "nginx" / "wardnews.conf"

POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DATABASE = "wardnews_scale"
REDIS = ("127.0.0.1", 6379)
# A Redis database of the test's own, emptied before and after.
REDIS_DB = 12

VIEWS = 400
READER_THREADS = 8
# Loads of a page on each server before publishing, so that every worker
# process's cache (and the shared one) holds it; and loads after, each of
# which must show the change.
WARM_LOADS = 12
CHECK_LOADS = 12
# The page cache may keep an article page (with its count) a few seconds.
COUNT_SHOWN_WITHIN = 10.0
# nginx keeps a list page to the end of the second (wardnews/edgecache.py),
# then serves the old copy while it fetches the new one: a change is on
# every page within a second, plus that one fetch (shown_in_time()).
EDGE_SHOWN_WITHIN = 1.0
# Through nginx, list pages at least this many times bare Django served
# directly (issue 19); wrk runs of this many seconds, alternating.
EDGE_TARGET = 3.0
WRK_SECONDS = 2
WRK_ROUNDS = 2

PHONE = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"
)
# A page load, as a phone's browser opens a link.
READER_HEADERS = {
    "User-Agent": PHONE,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi-VN,vi;q=0.9",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "none",
}
# Reads the count without adding to it: a checker is no reader
# (articles/counting.py).
CHECKER_HEADERS = {"User-Agent": "wardnews-scale-test python-urllib", "Accept": "*/*"}

ADMIN = "/admin/"
STAFF_USER = "scale-admin"
SHOWN_COUNT = re.compile(r"Lượt xem:\s*([\d.,\u00a0 ]+)")


class Failed(Exception):
    """A step the checks depend on went wrong: stop, clean up, say why."""


# --- Talking HTTP ---------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body, seconds=0.0):
        self.status = status
        self.headers = headers  # [(name, value)]
        self.text = body.decode("utf-8", "replace")
        self.seconds = seconds  # From sending the request to the last byte.

    def header(self, name):
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)

    def cookies(self):
        return [v for n, v in self.headers if n.lower() == "set-cookie"]


def fetch(port, path, *, method="GET", headers=None, form=None, jar=None):
    """One request on a new connection (as a new reader's would be), the
    Host naming the port as a browser's does; the jar's cookies sent and
    updated with the answer's."""
    headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if jar:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        response = Response(
            answer.status,
            answer.getheaders(),
            answer.read(),
            seconds=time.monotonic() - started,
        )
    finally:
        connection.close()
    if jar is not None:
        for line in response.cookies():
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    jar[name] = morsel.value
                else:
                    jar.pop(name, None)
    return response


class FormFields(HTMLParser):
    """What a browser would send of the form with this id: its named inputs
    (checked boxes only; no buttons, files or disabled fields), textareas
    and selected options, in order."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.found = self.inside = False
        self.fields = []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            self.found = self.found or self.inside
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        if not name or "disabled" in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = {"name": name, "first": None, "chosen": []}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            # Browsers drop the newline that follows <textarea>.
            self.fields.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            chosen = select["chosen"] or [select["first"]]
            self.fields += [(select["name"], v) for v in chosen if v is not None]
            self._select = None


def form_fields(html, form_id):
    parser = FormFields(form_id)
    parser.feed(html)
    if not parser.found:
        raise Failed(f"no form #{form_id} in the page")
    return parser.fields


def with_values(fields, **values):
    """The fields with these names' values replaced (or added)."""
    kept = [(n, v) for n, v in fields if n not in values]
    return kept + list(values.items())


def form_errors(html):
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return "; ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in errors)[:400]


# --- The services ---------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_command(*words):
    """One command to Redis in its own protocol (stdlib only); the reply's
    first line."""

    def encoded(*words):
        return f"*{len(words)}\r\n" + "".join(
            f"${len(str(w).encode())}\r\n{w}\r\n" for w in words
        )

    with socket.create_connection(REDIS, timeout=5) as sock:
        sock.sendall((encoded("SELECT", REDIS_DB) + encoded(*words)).encode())
        reply = b""
        while reply.count(b"\r\n") < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    lines = reply.decode().split("\r\n")
    if lines[0] != "+OK":
        raise Failed(f"Redis refused SELECT {REDIS_DB}: {lines[0]}")
    return lines[1]


def postgres(database="postgres"):
    """A connection (closed at the end of a `with`), each statement its own
    transaction."""
    connection = psycopg2.connect(dbname=database, connect_timeout=5, **POSTGRES)
    connection.autocommit = True
    return closing(connection)


def check_tools():
    """nginx, PostgreSQL and Redis are there, or say how to get them."""
    missing = []
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if nginx is None:
        missing.append("nginx: apt-get install nginx")
    if shutil.which("wrk") is None:
        missing.append("wrk: apt-get install wrk")
    try:
        with postgres():
            pass
    except psycopg2.OperationalError as error:
        missing.append(
            "PostgreSQL at 127.0.0.1:5432, user postgres without a password "
            f"(apt-get install postgresql): {' '.join(str(error).split())}"
        )
    try:
        pong = redis_command("PING")
        if pong != "+PONG":
            missing.append(f"Redis at 127.0.0.1:6379 answers PING with {pong}")
    except (OSError, Failed) as error:
        missing.append(
            f"Redis at 127.0.0.1:6379 (apt-get install redis-server): {error}"
        )
    if missing:
        raise Failed("missing:\n  " + "\n  ".join(missing))
    return nginx


def http_directives():
    """The http-level lines of deploy/nginx/wardnews.conf (the micro-cache,
    the map of list pages, the log format), the cache in the test's folder."""
    text = DEPLOY_SITE.read_text()
    kept = "".join(s for s in statements(text) if directive(s) != "server")
    kept, count = re.subn(
        r"proxy_cache_path /var/cache/nginx/wardnews ",
        "proxy_cache_path @TEMP@/cache ",
        kept,
    )
    if count != 1:
        raise Failed(
            f"{DEPLOY_SITE}: expected one proxy_cache_path in /var/cache/nginx/"
            "wardnews: update http_directives() in bench/scale_test.py"
        )
    return kept


def site_directives():
    """The HTTPS server of deploy/nginx/wardnews.conf, less what belongs to
    TLS and to the real host names, for the test's plain-HTTP server: same
    locations, headers and proxy settings."""
    text = DEPLOY_SITE.read_text()
    servers = [s for s in statements(text) if directive(s) == "server"]
    https = [s for s in servers if "listen 443" in s and "default_server" not in s]
    if len(https) != 1:
        raise Failed(f"{DEPLOY_SITE}: expected one HTTPS server, found {len(https)}")
    body = https[0][https[0].index("{") + 1 : https[0].rindex("}")]
    kept = [
        s
        for s in statements(body)
        if directive(s) not in ("listen", "server_name")
        and not directive(s).startswith("ssl_")
    ]
    site = "".join(kept)
    replacements = [
        # The locations' roots, at the test's folders.
        (r"\broot /srv/wardnews;", "root @SRV@;", 2),
        # The real headers file, wherever Debian's snippets folder is.
        (
            r"include snippets/wardnews-headers\.conf;",
            f"include {DEPLOY_SITE.parent / 'wardnews-headers.conf'};",
            3,
        ),
        (r"proxy_pass http://[^;]+;", "proxy_pass http://wardnews_app;", 1),
        # The test's log, which says which server (or the cache) answered.
        (r"access_log /var/log/nginx/[^;]+;", "access_log @TEMP@/access.log scale;", 1),
    ]
    for pattern, replacement, at_least in replacements:
        site, count = re.subn(pattern, replacement, site)
        if count < at_least:
            raise Failed(
                f"{DEPLOY_SITE}: found {count} of {pattern!r}, expected at least "
                f"{at_least}: update site_directives() in bench/scale_test.py"
            )
    return site


def statements(text):
    """nginx configuration text split into its top-level statements (each
    with the comments before it): `name args;` or `name args { ... }`."""
    found, start, depth, quote, i = [], 0, 0, None, 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            i = text.find("\n", i)
            if i < 0:
                break
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                found.append(text[start : i + 1])
                start = i + 1
        elif char == ";" and depth == 0:
            found.append(text[start : i + 1])
            start = i + 1
        i += 1
    return found


def directive(statement):
    """A statement's name, past the comments before it."""
    for line in statement.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line.split()[0].rstrip(";{")
    return ""


class Site:
    """Everything the test starts and makes, and its removal."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="wardnews-scale-"))
        # nginx's workers run as nobody when it is started as root: they
        # must read the static and media files.
        self.folder.chmod(0o755)
        self.srv = self.folder / "srv"  # static/ and media/, as /srv/wardnews
        self.processes = []  # (name, Popen)
        self.database_made = False
        self.ports = {
            "A": free_port(),
            "B": free_port(),
            "nginx": free_port(),
            "bare": free_port(),
        }
        self.secret = secrets.token_urlsafe(50)
        self.password = secrets.token_urlsafe(18)
        self.env = self._env()

    def _env(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "REDIS_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="wardnews.settings",
            DJANGO_DEBUG="false",
            # The same on every server: a session signed on one is valid on all.
            DJANGO_SECRET_KEY=self.secret,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_BEHIND_PROXY="true",
            # Plain HTTP on loopback: cookies without Secure, no redirect.
            DJANGO_SECURE_COOKIES="false",
            DJANGO_SSL_REDIRECT="false",
            DJANGO_STATIC_ROOT=str(self.srv / "static"),
            # Shared by both servers, as NFS or object storage would be.
            DJANGO_MEDIA_ROOT=str(self.srv / "media"),
            DJANGO_SERVE_MEDIA="false",
            # Every reader thread asks from 127.0.0.1: measure, not refuse.
            DJANGO_RENDERS_PER_SECOND="0",
            DJANGO_SEARCHES_PER_SECOND="0",
            # Staff sign in with the password alone: what is checked here is
            # that a session and a change cross servers; two-step sign-in
            # has tests of its own (tests/test_twostep*.py).
            DJANGO_TWO_STEP_REQUIRED_FOR="",
            GUNICORN_FORWARDED_ALLOW_IPS="127.0.0.1",
            PYTHONUNBUFFERED="1",
        )
        return env

    # The data ---------------------------------------------------------------

    def make_database(self):
        with postgres() as connection, connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            cursor.execute(
                f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' TEMPLATE template0"
            )
        self.database_made = True
        redis_command("FLUSHDB")
        self.manage("migrate", "--no-input")
        self.manage("load_demo")
        # The photos' renditions, as the worker beside the site makes them.
        self.manage("db_worker", "--batch", "--no-reload", "--no-startup-delay")
        self.manage(
            "createsuperuser",
            "--no-input",
            f"--username={STAFF_USER}",
            "--email=scale@example.vn",
            env={"DJANGO_SUPERUSER_PASSWORD": self.password},
        )
        self.manage("collectstatic", "--no-input")

    def manage(self, *args, env=None, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode:
            raise Failed(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
        return result

    def query(self, sql, *params):
        with postgres(DATABASE) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # The servers ------------------------------------------------------------

    def start_app_server(self, name, app="wardnews.wsgi"):
        """gunicorn with the project's gunicorn.conf.py, in a folder of its
        own: its working directory and TMPDIR, so nothing one server keeps
        on its own disk reaches the other. `app`: bench.bare:application for
        bare Django (a 20 KB page, configured by itself), what the pages
        through nginx are measured against."""
        home = self.folder / f"server-{name}"
        (home / "tmp").mkdir(parents=True)
        log = (home / "gunicorn.log").open("w")
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{self.ports[name]}",
            "TMPDIR": str(home / "tmp"),
        }
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(PROJECT / "gunicorn.conf.py"),
                "--pythonpath",
                str(PROJECT),
                app,
            ],
            cwd=home,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C reaches the script, which stops
            # it (and its workers) in order.
            start_new_session=True,
        )
        log.close()
        self.processes.append((f"gunicorn {name}", process))
        return home / "gunicorn.log"

    def start_nginx(self, nginx):
        conf = self.folder / "nginx"
        conf.mkdir()
        mime = Path("/etc/nginx/mime.types")
        text = TEMPLATE.read_text()
        upstreams = "\n".join(
            f"        server 127.0.0.1:{self.ports[n]};" for n in ("A", "B")
        )
        site = "\n".join("        " + line for line in site_directives().splitlines())
        for word, value in (
            ("@HTTP@", http_directives().strip("\n")),
            ("@SITE@", site.strip("\n")),
            ("@UPSTREAM_SERVERS@", upstreams),
            ("@PORT@", str(self.ports["nginx"])),
            ("@TEMP@", str(conf)),
            ("@SRV@", str(self.srv)),
            ("@MIME_TYPES@", str(mime) if mime.exists() else "mime.types"),
        ):
            text = text.replace(word, value)
        (conf / "nginx.conf").write_text(text)
        test = subprocess.run(
            [nginx, "-t", "-p", conf, "-c", conf / "nginx.conf", "-e", "stderr"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if test.returncode:
            raise Failed(f"nginx -t refused {conf / 'nginx.conf'}:\n{test.stderr}")
        process = subprocess.Popen(
            [nginx, "-p", conf, "-c", conf / "nginx.conf", "-e", conf / "error.log"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(("nginx", process))
        return conf

    def wait_until_up(self, name, process, log, path="/healthz"):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise Failed(f"{name} stopped at start; its log: {log}")
            try:
                if fetch(self.ports[name], path).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise Failed(f"{name} did not answer /healthz within 30 s; its log: {log}")

    # The end ----------------------------------------------------------------

    def remove(self):
        for name, process in reversed(self.processes):
            stop(name, process)
        if self.database_made:
            try:
                with postgres() as connection, connection.cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            except psycopg2.Error as error:
                print(f"note: could not drop {DATABASE}: {error}")
            try:
                redis_command("FLUSHDB")
            except (OSError, Failed) as error:
                print(f"note: could not empty Redis database {REDIS_DB}: {error}")
        shutil.rmtree(self.folder, ignore_errors=True)


def stop(name, process):
    """SIGTERM to the process group the script started (gunicorn's master
    and workers; nginx's), SIGKILL if it is still there after 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        print(f"note: {name} did not stop within 10 s: killed")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# --- The checks -----------------------------------------------------------------


class Report:
    def __init__(self):
        self.lines = []

    def check(self, ok, name, figures):
        self.lines.append((bool(ok), name, figures))
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figures}", flush=True)
        return ok

    @property
    def failed(self):
        return any(not ok for ok, _, _ in self.lines)


def step(text):
    print(f"-- {text}", flush=True)


def in_parallel(calls, threads=6):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda call: call(), calls))


def nginx_log(conf):
    path = conf / "access.log"
    return path.read_text().splitlines() if path.exists() else []


def logged_request_ids(log):
    """The request ids of the requests a gunicorn logged."""
    ids = set()
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("message") == "request" and entry.get("request_id"):
            ids.add(entry["request_id"])
    return ids


def shown_count(html):
    match = SHOWN_COUNT.search(html)
    return int(re.sub(r"\D", "", match.group(1))) if match else None


def counted_article(site, ward):
    """The newest published article of the default ward: what readers open."""
    rows = site.query(
        "SELECT id, slug FROM articles_article WHERE ward_id = %s AND "
        "status = 'published' AND published_at <= now() "
        "ORDER BY published_at DESC, id DESC LIMIT 1",
        ward,
    )
    if not rows:
        raise Failed("the demo content has no published article")
    return rows[0]


def stored_views(site, article):
    total = site.query("SELECT view_count FROM articles_article WHERE id = %s", article)
    days = site.query(
        "SELECT coalesce(sum(views), 0) FROM articles_dailyviews WHERE article_id = %s",
        article,
    )
    return total[0][0], int(days[0][0])


def flush_views(site):
    """`manage.py flush_views`: what the servers buffered in Redis, into
    PostgreSQL. Before that command, views went straight to the database."""
    result = site.manage("flush_views", check=False)
    if result.returncode and "Unknown command" in result.stderr:
        print("   note: no flush_views command: views must be in the database already")
        return False
    if result.returncode:
        raise Failed(f"manage.py flush_views failed:\n{result.stdout}{result.stderr}")
    said = " ".join(result.stdout.split())
    print(f"   manage.py flush_views: {said or '(nothing printed)'}")
    return True


def check_views(site, report, conf, logs, article_id, path):
    ports = site.ports
    flush_views(site)  # Nothing should be waiting; a clean start if it were.
    before_total, before_days = stored_views(site, article_id)
    log_start = len(nginx_log(conf))

    step(f"{VIEWS} new readers open {path} through nginx ({READER_THREADS} threads)")
    started = time.monotonic()
    answers = in_parallel(
        [lambda: fetch(ports["nginx"], path, headers=READER_HEADERS)] * VIEWS,
        threads=READER_THREADS,
    )
    took = time.monotonic() - started
    statuses = [a.status for a in answers]
    marked = sum(any("wn_seen_" in c for c in a.cookies()) for a in answers)
    report.check(
        statuses.count(200) == VIEWS,
        "readers answered",
        f"{statuses.count(200)}/{VIEWS} answered 200 in {took:.1f} s "
        f"({VIEWS / took:.0f}/s); {marked} told they were counted (seen cookie)",
    )

    # Which server answered each: nginx's word, and each server's own log.
    # nginx and gunicorn write a request's line after its answer has left,
    # so the last lines may land a moment after the client has them: wait
    # (up to 10 s) for every request in nginx's log, and for each id nginx
    # logged in the server's.
    deadline = time.monotonic() + 10
    while True:
        lines = [line.split() for line in nginx_log(conf)[log_start:]]
        served = {
            name: {f[0] for f in lines if f[1] == f"127.0.0.1:{ports[name]}"}
            for name in ("A", "B")
        }
        own_logs = {name: logged_request_ids(logs[name]) for name in ("A", "B")}
        complete = len(lines) >= VIEWS and all(served[n] <= own_logs[n] for n in served)
        if complete or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    counts = {name: len(ids) for name, ids in served.items()}
    agree = all(served[n] <= own_logs[n] for n in served) and not (
        served["A"] & own_logs["B"] or served["B"] & own_logs["A"]
    )
    report.check(
        min(counts.values()) >= VIEWS // 4 and sum(counts.values()) == VIEWS and agree,
        "nginx spreads readers over both servers",
        f"A served {counts['A']}, B served {counts['B']} of {VIEWS} "
        f"(nginx's log); each server's own log "
        + (
            "holds exactly its request ids"
            if agree
            else "DISAGREES with nginx ("
            + ", ".join(
                f"{len(served[n] - own_logs[n])} of {n}'s not in its log"
                for n in served
            )
            + ")"
        ),
    )

    flushed = flush_views(site)
    after_total, after_days = stored_views(site, article_id)
    report.check(
        after_total - before_total == VIEWS,
        "views add up in the total",
        f"view_count {before_total} -> {after_total} (+{after_total - before_total},"
        f" expected +{VIEWS}){' after flush_views' if flushed else ''}",
    )
    report.check(
        after_days - before_days == VIEWS,
        "views add up in the days' rows",
        f"sum of DailyViews {before_days} -> {after_days} "
        f"(+{after_days - before_days}, expected +{VIEWS})",
    )

    # The page shows the stored count plus any still buffered, and the page
    # cache may keep it a few seconds: poll each server for the exact total.
    expected = before_total + VIEWS
    started = time.monotonic()
    shown = {}
    while True:
        for name in ("A", "B", "nginx"):
            if shown.get(name, (None,))[0] != expected:
                page = fetch(ports[name], path, headers=CHECKER_HEADERS)
                shown[name] = (shown_count(page.text), time.monotonic() - started)
        done = all(count == expected for count, _ in shown.values())
        if done or time.monotonic() - started > COUNT_SHOWN_WITHIN:
            break
        time.sleep(0.25)
    report.check(
        done,
        "the page shows the total",
        ", ".join(
            f"{name} shows {count} after {at:.1f} s"
            for name, (count, at) in shown.items()
        )
        + f" (expected {expected}, within {COUNT_SHOWN_WITHIN:.0f} s)",
    )


def loads(port, paths, times, headers=READER_HEADERS):
    """Each path loaded `times` times, several at once (so that several
    worker processes answer)."""
    calls = [
        (lambda p=p: (p, fetch(port, p, headers=headers)))
        for p in paths
        for _ in range(times)
    ]
    return in_parallel(calls)


def showing(answers, text):
    """How many answers were 200 and contain the text, of how many, per path."""
    result = {}
    for path, answer in answers:
        good, total = result.get(path, (0, 0))
        result[path] = (
            good + (answer.status == 200 and text in answer.text),
            total + 1,
        )
    return result


def shown_everywhere(result):
    return all(good == total for good, total in result.values())


def describe(result):
    return ", ".join(f"{path} {good}/{total}" for path, (good, total) in result.items())


def until_shown(port, pages, text, since, limit=5.0):
    """Loads the pages over and over, as a steady stream of readers would,
    until one round shows the text on every page: the seconds from `since`
    to that round's start (None if not within `limit`)."""
    while (started := time.monotonic()) - since < limit:
        if all(text in fetch(port, p, headers=READER_HEADERS).text for p in pages):
            return started - since
        time.sleep(0.02)
    return None


def shown_in_time(seconds, fetch_time):
    """Within EDGE_SHOWN_WITHIN of the save, plus one fetch from the app
    (the slowest direct load measured meanwhile: the same render, under the
    same load) and one round of the watcher's loads."""
    return seconds is not None and seconds <= EDGE_SHOWN_WITHIN + 2 * fetch_time


def fmt_seconds(seconds):
    return "NOT within 5 s" if seconds is None else f"{seconds:.2f} s"


def login(site, port, jar):
    """Logs in to the admin as a browser does: the login page for the CSRF
    cookie and token, then the form posted with a matching Origin."""
    page = fetch(port, f"{ADMIN}login/?next={ADMIN}", jar=jar)
    if page.status != 200:
        raise Failed(f"the login page on port {port} answered {page.status}")
    fields = with_values(
        form_fields(page.text, "login-form"),
        username=STAFF_USER,
        password=site.password,
        next=ADMIN,
    )
    origin = f"http://127.0.0.1:{port}"
    answer = fetch(
        port,
        f"{ADMIN}login/?next={ADMIN}",
        method="POST",
        form=fields,
        headers={"Origin": origin, "Referer": f"{origin}{ADMIN}login/"},
        jar=jar,
    )
    if answer.status != 302 or "sessionid" not in jar:
        raise Failed(
            f"logging in on port {port} answered {answer.status}: "
            f"{form_errors(answer.text) or answer.text[:300]}"
        )


def post_form(port, path, fields, jar):
    origin = f"http://127.0.0.1:{port}"
    return fetch(
        port,
        path,
        method="POST",
        form=fields,
        headers={"Origin": origin, "Referer": f"{origin}{path}"},
        jar=jar,
    )


def check_publishing(site, report, ward):
    ports = site.ports
    category_id, category_slug = site.query(
        "SELECT id, slug FROM articles_category WHERE ward_id = %s "
        "ORDER BY slug = 'thong-bao' DESC, menu_order LIMIT 1",
        ward,
    )[0]
    pages = ["/", f"/chuyen-muc/{category_slug}/"]
    token = secrets.token_hex(3).upper()
    title = f"Thông báo thử nghiệm nhiều máy chủ {token}"
    new_title = f"Thông báo thử nghiệm nhiều máy chủ đã sửa {token[::-1]}X"

    step(f"warming {', '.join(pages)}: {WARM_LOADS} loads each on A, B and nginx")
    for name in ("A", "B", "nginx"):
        warm = showing(loads(ports[name], pages, WARM_LOADS), "</html>")
        if not shown_everywhere(warm):
            raise Failed(f"warming {name}: {describe(warm)} answered 200")

    step("staff log in on A (its own port) and publish an article there")
    jar = {}
    login(site, ports["A"], jar)
    add = f"{ADMIN}articles/article/add/?ward={ward}"
    form = fetch(ports["A"], add, jar=jar)
    if form.status != 200:
        raise Failed(f"the add form on A answered {form.status}")
    fields = with_values(
        form_fields(form.text, "article_form"),
        category=str(category_id),
        title=title,
        lead="Bài thử nghiệm: đăng qua máy chủ A, đọc qua máy chủ B.",
        body="<p>Nội dung thử nghiệm của bài đăng qua máy chủ A.</p>",
        _publish="",
    )
    answer = post_form(ports["A"], add, fields, jar)
    published_at = time.monotonic()
    if answer.status != 302:
        raise Failed(
            f"publishing on A answered {answer.status}: {form_errors(answer.text)}"
        )

    # While one request renders a page a change made stale, the others get
    # the copy before it for at most a second (wardnews/pagecache.py): B
    # shows the article within that, then on every load.
    with concurrent.futures.ThreadPoolExecutor(1) as watch:
        edge = watch.submit(until_shown, ports["nginx"], pages, title, published_at)
        direct_after = until_shown(ports["B"], pages, title, published_at)
        direct = loads(ports["B"], pages, CHECK_LOADS)
        after = time.monotonic() - published_at
        edge_after = edge.result()
    seen = {"B": showing(direct, title)}
    fetch_time = max(answer.seconds for _, answer in direct)
    seen["nginx"] = showing(loads(ports["nginx"], pages, CHECK_LOADS), title)
    rows = site.query(
        "SELECT id, slug, status FROM articles_article WHERE title = %s", title
    )
    report.check(
        rows and rows[0][2] == "published",
        "published through A's admin",
        f"article {rows[0][0] if rows else '?'} "
        f"{rows[0][2] if rows else 'not saved'}, {title!r}",
    )
    report.check(
        shown_in_time(direct_after, fetch_time) and shown_everywhere(seen["B"]),
        "a new article shows within a second on the other server",
        f"B showed it {fmt_seconds(direct_after)} after the save, then "
        f"{describe(seen['B'])}, all loads within {after:.2f} s of the save",
    )
    report.check(
        shown_in_time(edge_after, fetch_time) and shown_everywhere(seen["nginx"]),
        "a new article through nginx's micro-cache within a second and a fetch",
        f"every page showed it {fmt_seconds(edge_after)} after the save "
        f"(slowest direct load of B meanwhile {fetch_time:.2f} s); then "
        f"nginx: {describe(seen['nginx'])} showed it",
    )
    if not rows:
        raise Failed("the article published on A is not in the database")
    article_id, slug = rows[0][0], rows[0][1]

    step("the same staff session opens the admin on B")
    admin_b = fetch(ports["B"], ADMIN, jar=jar)
    change = f"{ADMIN}articles/article/{article_id}/change/"
    form_b = fetch(ports["B"], change, jar=jar)
    report.check(
        admin_b.status == 200 and form_b.status == 200 and STAFF_USER in admin_b.text,
        "the session made on A works on B",
        f"B's {ADMIN} answered {admin_b.status}"
        + (f" -> {admin_b.header('Location')}" if admin_b.status in (301, 302) else "")
        + f", the article's change form {form_b.status}",
    )
    if form_b.status != 200:
        raise Failed("cannot edit on B without the session")

    step("the title is edited through B; A must show it within a second")
    fields = with_values(
        form_fields(form_b.text, "article_form"), title=new_title, _continue=""
    )
    answer = post_form(ports["B"], change, fields, jar)
    edited_at = time.monotonic()
    if answer.status != 302:
        raise Failed(
            f"editing on B answered {answer.status}: {form_errors(answer.text)}"
        )
    detail = f"/bai-viet/{slug}/"
    with concurrent.futures.ThreadPoolExecutor(1) as watch:
        edge = watch.submit(until_shown, ports["nginx"], pages, new_title, edited_at)
        direct_after = until_shown(ports["A"], pages, new_title, edited_at)
        answers = {"A": loads(ports["A"], pages, CHECK_LOADS)}
        article_page = fetch(ports["A"], detail, headers=CHECKER_HEADERS)
        after = time.monotonic() - edited_at
        edge_after = edge.result()
    fetch_time = max(answer.seconds for _, answer in answers["A"])
    answers["nginx"] = loads(ports["nginx"], pages, CHECK_LOADS)
    new_shown = {name: showing(a, new_title) for name, a in answers.items()}
    old_gone = {
        name: sum(title not in answer.text for _, answer in a)
        for name, a in answers.items()
    }
    report.check(
        all(shown_everywhere(r) for r in new_shown.values())
        and all(n == CHECK_LOADS * len(pages) for n in old_gone.values())
        and new_title in article_page.text
        and shown_in_time(direct_after, fetch_time),
        "an edit made on B shows within a second on A",
        "; ".join(
            f"{name}: {describe(r)} show the new title, old one in "
            f"{CHECK_LOADS * len(pages) - old_gone[name]}"
            for name, r in new_shown.items()
        )
        + f"; A's {detail} {'shows' if new_title in article_page.text else 'LACKS'}"
        f" it; A showed it {fmt_seconds(direct_after)} after the save, all "
        f"loads within {after:.2f} s of it, nginx's from "
        f"{fmt_seconds(edge_after)} after it",
    )
    report.check(
        shown_in_time(edge_after, fetch_time),
        "an edit through nginx's micro-cache within a second and a fetch",
        f"every page showed the new title {fmt_seconds(edge_after)} after the "
        f"save (slowest direct load of A meanwhile {fetch_time:.2f} s)",
    )


def wrk(port, path, seconds=WRK_SECONDS):
    """requests/s of wrk -t2 -c8 on one address (the bench's way: a phone's
    browser taking gzip), and how many answers were not 2xx."""
    args = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s"]
    args += ["-s", str(PROJECT / "bench" / "report.lua")]
    for name, value in {**READER_HEADERS, "Accept-Encoding": "gzip, deflate"}.items():
        args += ["-H", f"{name}: {value}"]
    args.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(
        args, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise Failed(f"wrk printed no figures:\n{out}")
    result = json.loads(line.removeprefix("WRK "))
    errors = result["non2xx"] + result["socket_errors"] + result["timeouts"]
    return result["requests"] / (result["duration_us"] / 1e6), errors


def cache_statuses(conf, start, path):
    """nginx's cache status for each request of `path` logged since line
    `start`: (status, args) pairs."""
    lines = [line.split() for line in nginx_log(conf)[start:]]
    return [(f[5], f[6]) for f in lines if len(f) >= 7 and f[4] == path]


def check_edge_cache(site, report, conf, ward):
    """nginx's micro-cache: list pages kept for anonymous readers and served
    several times faster than bare Django; addresses with tracking or
    made-up parameters and signed-in readers never answered from it."""
    port = site.ports["nginx"]
    category = site.query(
        "SELECT slug FROM articles_category WHERE ward_id = %s "
        "ORDER BY menu_order LIMIT 1",
        ward,
    )[0][0]
    pages = {
        "home": "/",
        "category": f"/chuyen-muc/{category}/",
        "documents": "/van-ban/",
    }

    step("anonymous list pages through nginx: kept, and only under their address")
    start = len(nginx_log(conf))
    for path in pages.values():
        for _ in range(3):
            answer = fetch(port, path, headers=READER_HEADERS)
            if answer.status != 200:
                raise Failed(f"{path} through nginx answered {answer.status}")
    tracked = [f"fbclid={secrets.token_hex(8)}" for _ in range(3)] + [
        "utm_source=zalo"
    ] * 3
    for query in tracked:
        fetch(port, f"/?{query}", headers=READER_HEADERS)
    time.sleep(0.3)  # nginx writes a line after its answer has left.
    kept = {
        name: [
            status for status, args in cache_statuses(conf, start, path) if args == "-"
        ]
        for name, path in pages.items()
    }
    from_cache = {"HIT", "STALE", "UPDATING"}
    home_tracked = [
        status for status, args in cache_statuses(conf, start, "/") if args != "-"
    ]
    report.check(
        all(any(s in from_cache for s in statuses) for statuses in kept.values())
        and len(home_tracked) == len(tracked)
        and not from_cache & set(home_tracked),
        "nginx keeps anonymous list pages under their own address only",
        "; ".join(f"{name}: {' '.join(statuses)}" for name, statuses in kept.items())
        + f"; / with tracking parameters: {' '.join(home_tracked)}",
    )

    step("a signed-in reader's requests through nginx: never from its cache")
    # A list page nobody has asked nginx for yet: what the staff's loads
    # leave in the cache shows on the first anonymous load after them.
    unread = site.query(
        "SELECT slug FROM articles_category WHERE ward_id = %s "
        "ORDER BY menu_order LIMIT 1 OFFSET 1",
        ward,
    )[0][0]
    paths = [*pages.values(), f"/chuyen-muc/{unread}/"]
    jar = {}
    login(site, site.ports["A"], jar)
    start = len(nginx_log(conf))
    signed_in = [fetch(port, path, jar=jar) for path in paths for _ in range(3)]
    anonymous = [fetch(port, paths[-1], headers=READER_HEADERS) for _ in range(2)]
    time.sleep(0.3)  # nginx writes a line after its answer has left.
    lines = [line.split() for line in nginx_log(conf)[start:]]
    staff_lines = lines[: len(signed_in)]
    after = [f[5] for f in lines[len(signed_in) :]]
    report.check(
        all(a.status == 200 for a in signed_in + anonymous)
        and len(staff_lines) == len(signed_in)
        and all(f[5] == "BYPASS" and f[1] != "-" for f in staff_lines)
        and after == ["MISS", "HIT"],
        "a signed-in reader always reaches the app, and leaves nothing kept",
        f"{len(signed_in)} signed-in loads: cache "
        + " ".join(sorted({f[5] for f in staff_lines}))
        + ", answered by "
        + " ".join(sorted({f[1] for f in staff_lines}))
        + f"; then anonymous loads of {paths[-1]}: {' '.join(after)}",
    )

    step(f"wrk -t2 -c8, {WRK_ROUNDS} rounds: bare Django, list pages through nginx")
    log = site.start_app_server("bare", "bench.bare:application")
    site.wait_until_up("bare", site.processes[-1][1], log, path="/")
    bare, through = [], {name: [] for name in pages}
    errors = 0
    for _ in range(WRK_ROUNDS):
        for name, path in pages.items():
            rps, failed = wrk(site.ports["bare"], "/")
            bare.append(rps)
            errors += failed
            rps, failed = wrk(port, path)
            through[name].append(rps)
            errors += failed
    ceiling = sum(bare) / len(bare)
    ratios = {name: sum(r) / len(r) / ceiling for name, r in through.items()}
    report.check(
        errors == 0 and all(r >= EDGE_TARGET for r in ratios.values()),
        f"list pages through nginx at least {EDGE_TARGET:.0f}x bare Django",
        f"bare Django {ceiling:.0f} req/s (mean of {len(bare)} runs between the "
        "pages'); "
        + ", ".join(
            f"{name} {sum(through[name]) / len(through[name]):.0f} req/s ({ratio:.1f}x)"
            for name, ratio in ratios.items()
        )
        + f"; {errors} errors",
    )


def check_static_and_media(site, report):
    """nginx serves the collected static files and the shared media itself,
    with the deploy file's locations."""
    home = fetch(site.ports["nginx"], "/", headers=READER_HEADERS).text
    found = {
        kind: re.search(rf'"(/{kind}/[^"?# ]+)', home) for kind in ("static", "media")
    }
    figures = []
    ok = True
    for kind, match in found.items():
        if match is None:
            figures.append(f"no /{kind}/ address on the home page")
            ok = ok and kind == "media"  # Demo content without pictures.
            continue
        answer = fetch(site.ports["nginx"], match.group(1))
        ok = ok and answer.status == 200 and answer.header("Cache-Control") is not None
        figures.append(
            f"{match.group(1)} {answer.status} ({answer.header('Cache-Control')})"
        )
    report.check(ok, "nginx serves static and media files", "; ".join(figures))


def main():
    started = time.monotonic()
    report = Report()
    site = None
    # A kill as Ctrl-C: unwind through the finally below, which cleans up.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        step("checking the tools")
        nginx = check_tools()
        site = Site()
        print(f"   folder {site.folder}, ports {site.ports}")
        step(f"database {DATABASE}: migrate, demo content, superuser, static files")
        site.make_database()
        ward = site.query("SELECT id FROM wards_ward WHERE is_default")[0][0]
        article_id, slug = counted_article(site, ward)

        step("starting gunicorn A and B, and nginx in front of them")
        logs = {name: site.start_app_server(name) for name in ("A", "B")}
        conf = site.start_nginx(nginx)
        for name, process in site.processes:
            short = name.split()[-1]
            site.wait_until_up(short, process, logs.get(short, conf / "error.log"))

        check_static_and_media(site, report)
        check_views(site, report, conf, logs, article_id, f"/bai-viet/{slug}/")
        check_publishing(site, report, ward)
        check_edge_cache(site, report, conf, ward)
    except Failed as error:
        report.check(False, "the test could not go on", str(error))
    except KeyboardInterrupt:
        report.check(False, "interrupted", "Ctrl-C or SIGTERM")
    finally:
        if site is not None:
            step("stopping the servers, dropping the database, removing the folder")
            site.remove()

    took = time.monotonic() - started
    print()
    print("scale test: two gunicorn servers behind nginx, one PostgreSQL, one Redis")
    for ok, name, figures in report.lines:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {figures}")
    passed = sum(ok for ok, _, _ in report.lines)
    print(
        f"{'FAILED' if report.failed else 'PASSED'}: {passed} of "
        f"{len(report.lines)} checks passed in {took:.0f} s"
    )
    return 1 if report.failed or not report.lines else 0


if __name__ == "__main__":
    sys.exit(main())
