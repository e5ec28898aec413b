"""The deployment kit in deploy/ is complete and agrees with the code: the
documented production environment passes `check --deploy` at WARNING
level, trusts X-Forwarded-Proto only behind the proxy, documents every
variable the settings read, and nginx accepts the site's configuration."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT / "deploy"
EXAMPLE = DEPLOY / "wardnews.env.example"
NGINX_SITE = DEPLOY / "nginx" / "wardnews.conf"
NGINX_HEADERS = DEPLOY / "nginx" / "wardnews-headers.conf"
SYSTEMD = DEPLOY / "systemd"

# KEY=value, or "# KEY=value" for a variable documented with its default.
_ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")
# How settings.py and gunicorn.conf.py read the environment.
_READ = re.compile(
    r"(?:\benv(?:_bool|_int|_path|_database|_set|\.str|\.list|\.int|\.bool)?\("
    r"|os\.environ\.get\(|os\.getenv\(|os\.environ\[)"
    r"""\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def documented() -> tuple[dict[str, str], set[str]]:
    """The example's variables: those it sets, and every one it names."""
    active, named = {}, set()
    for line in EXAMPLE.read_text().splitlines():
        match = _ASSIGNMENT.match(line.strip())
        if match:
            commented, name, value = match.groups()
            named.add(name)
            if not commented:
                active[name] = value
    return active, named


def production_env(**changes) -> dict[str, str]:
    """The example, filled in as an IT officer would (a real secret), on top
    of this machine's environment less any setting of our own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "GUNICORN_"))
    }
    env.update(documented()[0])
    env.update(
        DJANGO_SETTINGS_MODULE="wardnews.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )
    env.update(changes)
    return {key: value for key, value in env.items() if value is not None}


def run(args, env):
    return subprocess.run(
        args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_documented_production_environment_passes_check_deploy(throwaway_redis):
    """With Redis set up as deploy/README.md says (appendonly yes)."""
    redis_server = throwaway_redis("--appendonly", "yes")
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(REDIS_URL=redis_server.url()),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_of_a_redis_that_keeps_nothing_on_disk(throwaway_redis):
    redis_server = throwaway_redis("--save", "", "--appendonly", "no")
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(REDIS_URL=redis_server.url()),
    )
    assert result.returncode != 0
    assert "(wardnews.W001) Redis (REDIS_URL) has neither appendonly" in result.stderr


def test_the_example_left_unfilled_refuses_to_start():
    result = run(
        [sys.executable, "manage.py", "check"], production_env(DJANGO_SECRET_KEY="")
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_https_redirect_and_hsts_are_on_in_the_example():
    active, _ = documented()
    assert active["DJANGO_SSL_REDIRECT"] == "true"
    assert int(active["DJANGO_HSTS_SECONDS"]) >= 31536000
    assert active["DJANGO_SECURE_COOKIES"] == "true"
    assert active["DJANGO_BEHIND_PROXY"] == "true"
    # Trusting the proxy's headers is safe only if nothing else reaches gunicorn.
    assert active["GUNICORN_BIND"].startswith("127.0.0.1:")


def test_every_silenced_check_says_why():
    settings = (PROJECT / "wardnews" / "settings.py").read_text()
    block = settings.split("SILENCED_SYSTEM_CHECKS = [", 1)[1].split("\n]", 1)[0]
    lines = block.strip("\n").splitlines()
    silenced = [i for i, line in enumerate(lines) if line.strip().startswith('"')]
    assert silenced
    for i in silenced:
        assert i > 0 and lines[i - 1].strip().startswith("#"), lines[i]


PROXY_PROBE = """
import django
django.setup()
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory

middleware = SecurityMiddleware(lambda request: HttpResponse("ok"))
for headers in ({"HTTP_X_FORWARDED_PROTO": "https"}, {}):
    request = RequestFactory().get("/", HTTP_HOST=%(host)r, **headers)
    response = middleware(request)
    print(
        "PROBE",
        request.is_secure(),
        response.status_code,
        response.get("Location", "-"),
        response.get("Strict-Transport-Security", "-").replace(" ", ""),
    )
"""


def probe_proxy(**changes) -> list[list[str]]:
    """For a request claiming HTTPS, then a plain one: is_secure(), the
    status, where it redirects and the HSTS header, under the real settings."""
    host = documented()[0]["DJANGO_ALLOWED_HOSTS"].split(",")[0]
    result = run(
        [sys.executable, "-c", PROXY_PROBE % {"host": host}], production_env(**changes)
    )
    assert result.returncode == 0, result.stderr
    answers = [
        line.split()[1:]
        for line in result.stdout.splitlines()
        if line.startswith("PROBE ")
    ]
    return answers, host


def test_behind_the_proxy_its_https_is_trusted_without_a_redirect_loop():
    (claimed, plain), host = probe_proxy()
    assert claimed == ["True", "200", "-", "max-age=31536000;includeSubDomains"]
    assert plain == ["False", "301", f"https://{host}/", "-"]


@pytest.mark.parametrize("behind_proxy", [None, "false"])
def test_without_the_proxy_setting_a_clients_claim_of_https_is_ignored(
    behind_proxy,
):
    (claimed, plain), host = probe_proxy(DJANGO_BEHIND_PROXY=behind_proxy)
    assert claimed == ["False", "301", f"https://{host}/", "-"]
    assert claimed == plain


def variables_read() -> set[str]:
    names = set()
    for path in (PROJECT / "wardnews" / "settings.py", PROJECT / "gunicorn.conf.py"):
        names.update(_READ.findall(path.read_text()))
    return names


def test_every_variable_the_settings_read_is_documented_in_the_example():
    read = variables_read()
    # The pattern itself must find what it is meant to.
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "GUNICORN_BIND"} <= read
    assert read - documented()[1] == set()


def test_the_example_documents_nothing_the_settings_ignore():
    assert documented()[1] - variables_read() == set()


def test_nginx_and_systemd_use_the_examples_folders_and_port():
    active, _ = documented()
    site = NGINX_SITE.read_text()
    static_root, media_root = (
        Path(active["DJANGO_STATIC_ROOT"]),
        Path(active["DJANGO_MEDIA_ROOT"]),
    )
    # "root X" + "/static/" is where nginx looks: STATIC_ROOT and MEDIA_ROOT.
    assert static_root.name == "static" and media_root.name == "media"
    assert f"root {static_root.parent};" in site
    assert f"root {media_root.parent};" in site
    assert f"proxy_pass http://{active['GUNICORN_BIND']};" in site
    assert "location ^~ /media/attachments/ {\n        return 404;" in site
    assert "client_max_body_size 25m;" in site
    service = (SYSTEMD / "wardnews.service").read_text()
    assert f"ReadWritePaths={media_root}\n" in service
    assert "EnvironmentFile=/etc/wardnews/wardnews.env\n" in service


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("wardnews-backup.service", "backup"),
        ("wardnews-flush-views.service", "flush_views"),
        ("wardnews-prune-activity.service", "prune_activity"),
        ("wardnews-worker.service", "db_worker"),
        ("wardnews-prune-tasks.service", "prune_db_task_results"),
        ("wardnews-questions.service", "forget_old_submissions"),
        ("wardnews-questions.service", "send_questions_digest"),
    ],
)
def test_each_unit_calls_its_command_with_options_it_has(unit, command):
    unit = (SYSTEMD / unit).read_text()
    called = re.search(rf"^ExecStart=\S+ manage\.py ({command}\b.*)$", unit, re.M)
    assert called, unit
    assert "EnvironmentFile=/etc/wardnews/wardnews.env\n" in unit
    options = re.findall(r"(--[a-z-]+)", called.group(1))
    result = run(
        [sys.executable, "manage.py", "help", command],
        production_env(DJANGO_DEBUG="true"),
    )
    assert result.returncode == 0, result.stderr
    for option in options:
        assert option in result.stdout


NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
)
OPENSSL = shutil.which("openssl")


@pytest.fixture
def nginx_wrapper(tmp_path):
    """A main configuration around the site, as Debian's nginx.conf includes
    it, with a throwaway certificate where the site expects one."""
    missing = [
        name for name, path in (("nginx", NGINX), ("openssl", OPENSSL)) if not path
    ]
    if missing:
        pytest.fail(
            f"checking the nginx site needs {' and '.join(missing)}: run"
            " .ci/system-packages as root (make test does)"
        )
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=phucloi.localhost"]
        + ["-keyout", tmp_path / "privkey.pem", "-out", tmp_path / "fullchain.pem"],
        check=True,
        capture_output=True,
    )
    (tmp_path / "snippets").mkdir()
    shutil.copy(NGINX_HEADERS, tmp_path / "snippets" / NGINX_HEADERS.name)
    # The TLS files and the micro-cache's folder (which the deploy README
    # makes with install -d) are this test's own.
    site = (
        NGINX_SITE.read_text()
        .replace("/etc/wardnews/tls", str(tmp_path))
        .replace("/var/cache/nginx/wardnews", str(tmp_path / "pages"))
    )
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime = (
        "include /etc/nginx/mime.types;"
        if Path("/etc/nginx/mime.types").exists()
        else ""
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log stderr;\nevents {{}}\n"
        f"http {{ {mime} {temp} access_log off; include {tmp_path / 'site.conf'}; }}\n"
    )
    return tmp_path


def test_nginx_accepts_the_site_configuration(nginx_wrapper):
    result = subprocess.run(
        [NGINX, "-t", "-p", nginx_wrapper, "-c", nginx_wrapper / "nginx.conf"]
        + ["-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    # nginx -t still passes with a warning, which would be a silent mistake.
    assert "[warn]" not in result.stderr, result.stderr
