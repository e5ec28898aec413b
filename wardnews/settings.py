"""Settings for wardnews, read from the environment.

Every value a deployment changes comes from an environment variable, read through
the strict helpers below: a malformed value stops the site at start with
ImproperlyConfigured instead of silently falling back to a default.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_bool(name: str, default: bool) -> bool:
    value = env.str(name, default=str(default)).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env.str(name, default=str(default)).strip()
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {value!r}."
        ) from None


def env_set(name: str, default: str, allowed: set[str]) -> frozenset[str]:
    """A comma-separated list of names, each one of `allowed` (none: empty)."""
    value = env.str(name, default=default)
    names = frozenset(part.strip().lower() for part in value.split(",")) - {""}
    if names - allowed:
        raise ImproperlyConfigured(
            f"{name} must name some of {', '.join(sorted(allowed))}, "
            f"separated by commas, not {value!r}."
        )
    return names


def env_path(name: str, default: Path) -> Path:
    value = env.str(name, default=str(default)).strip()
    # An empty value would mean the current folder: the project itself,
    # database and all, served as /media/.
    if not value or not Path(value).is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path, not {value!r}.")
    return Path(value)


def env_database(name: str, default: str) -> dict:
    url = env.str(name, default=default)
    scheme = url.partition("://")[0]
    if scheme not in _DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must look like postgres://user:pass@host:port/name or "
            f"sqlite:////absolute/path.db, not {url!r}."
        )
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is malformed ({error}): {url!r}.") from None
    # An in-memory SQLite database would be empty in every server process.
    if config.get("NAME") in ("", None, ":memory:"):
        raise ImproperlyConfigured(f"{name} names no database: {url!r}.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Readers and the view counter write concurrently: wait for the lock
        # instead of failing, and let readers go on while a write commits.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        # A database host that does not answer would hold a worker for
        # minutes: give up soon, and readers get the 503 page (outage.py).
        config.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", default=3)
        )
    return config


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (a long random string) or, on a developer "
            "machine, DJANGO_DEBUG=true."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"]
)
if DEBUG:
    # Demo wards on a developer machine: browsers send *.localhost to
    # 127.0.0.1, so http://bode.localhost:8000/ reaches `make run`.
    ALLOWED_HOSTS.append(".localhost")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Two-step sign-in for the admin; first, so that its createsuperuser
    # (in Vietnamese) replaces django.contrib.auth's.
    "twostep",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ckeditor",
    "ckeditor_uploader",
    "easy_thumbnails",
    "reversion",
    # The background task queue: django-tasks (Django 6's Tasks, backported)
    # keeping its queue in our own database (django-tasks-db), worked by
    # `manage.py db_worker` (TASKS below).
    "django_tasks",
    "django_tasks_db",
    "pictures",
    "outbox",
    "numbering",
    "wards",
    "articles",
    "documents",
    "schedules",
    "procedures",
    "organisation",
    "questions",
    # django-axes, named in Vietnamese (logins/).
    "logins.apps.LoginsConfig",
    # django-otp: TOTP in an authenticator app, one-time backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The staff activity log ("Nhật ký"), for superusers.
    "activity",
    # Kept pages' generations, in the database when there is no Redis.
    "pages",
    # The project shell: its backup and restore commands.
    "wardnews",
]

MIDDLEWARE = [
    # Marks what nginx may keep for a second (deploy/nginx/wardnews.conf):
    # above the page cache, so that it sees the pages that one serves too.
    "wardnews.edgecache.EdgeCacheMiddleware",
    # Readers' pages ready to serve, before anything else runs; what the
    # middleware below add to a page is kept with it (wardnews/pagecache.py).
    "wardnews.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CSP, frame and permission headers; above WhiteNoise so that static
    # files get them too.
    "wardnews.headers.SecurityHeadersMiddleware",
    # Serves static files already compressed, before anything below runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages on their way out, after every middleware below has
    # read or written the body (Django's docs: above any such middleware).
    "wardnews.middleware.TextGZipMiddleware",
    "wardnews.outage.DatabaseOutageMiddleware",
    # No LocaleMiddleware: the site speaks one language (LANGUAGE_CODE), and
    # it would only add "Vary: Accept-Language" to every page.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wards.middleware.CurrentWardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second step?
    "django_otp.middleware.OTPMiddleware",
    # Staff owing a second step reach only its pages (twostep/).
    "twostep.middleware.TwoStepMiddleware",
    # The request, for the activity log's records made deep in a save.
    "activity.middleware.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out login into the lockout page (logins/).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wardnews.urls"
WSGI_APPLICATION = "wardnews.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.portal",
                "articles.context_processors.newsroom",
                "wards.staff.admin_ward",
                "questions.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
# The longest one PostgreSQL statement may run, in milliseconds (0: no
# limit). A request that asks more of the database (a crafted search) is
# stopped and answered with a page (wardnews/outage.py), instead of holding a
# connection and a worker thread for minutes while the next ones queue. Set
# on every connection, so it holds for every request; `manage.py migrate` and
# generate_articles lift it for the long statements they are made of.
STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", default=10_000)
if STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured(
        "DATABASE_STATEMENT_TIMEOUT_MS must be 0 (no limit) or more, "
        f"not {STATEMENT_TIMEOUT_MS}."
    )
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = " ".join(
        filter(
            None,
            [_options.get("options"), f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"],
        )
    )
# A PostgreSQL read replica (streaming replication of DATABASE_URL's), for
# the reads of readers' page renders; everything else uses the primary
# (wardnews/replica.py, docs/city.md). Unset: no replica, no router.
DATABASE_ROUTERS = []
if env.str("DJANGO_DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env_database("DJANGO_DATABASE_REPLICA_URL", default="")
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DJANGO_DATABASE_REPLICA_URL must be a replica of DATABASE_URL: "
            "the same kind of database."
        )
    # The primary's statement timeout, unless the replica's URL says more.
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        **DATABASES["replica"].get("OPTIONS", {}),
    }
    # Tests read the replica from the primary's own test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["wardnews.replica.ReplicaRouter"]
    # Below the user and the ward: marks a reader's page render.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("twostep.middleware.TwoStepMiddleware") + 1,
        "wardnews.replica.ReaderReadsMiddleware",
    )
# How long after a change a ward's pages render from the primary: more than
# the replica ever trails by (pg_stat_replication's replay_lag).
REPLICA_LAG_SECONDS = env_int("DJANGO_DATABASE_REPLICA_LAG_SECONDS", default=10)
if REPLICA_LAG_SECONDS < 1:
    raise ImproperlyConfigured(
        "DJANGO_DATABASE_REPLICA_LAG_SECONDS must be 1 or more (seconds), "
        f"not {REPLICA_LAG_SECONDS}."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: a locked-out login is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A staff member's role (writer, editor) holds in the wards they work for.
    "wards.roles.WardRoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The admin's address. Moving it off "admin/" keeps the robots that try
# every site's /admin/ away from the login form; the lockouts below are
# what actually stops guessing.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip()
if not re.fullmatch(r"([a-z0-9][a-z0-9_-]*/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must be a path such as quan-tri/ (lowercase letters, "
        f"digits, - and _, ending in /), not {ADMIN_URL!r}."
    )

# Login protection (django-axes, logins/): after this many failed
# logins for one user name, or from one client address, within the
# lockout time, logins from it are refused without checking any password.
# Each failure while locked out starts the lockout time again.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15)
)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT and DJANGO_LOGIN_LOCKOUT_MINUTES must be 1 or more."
    )
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address the proxy reports when DJANGO_BEHIND_PROXY says there is one;
# an IPv6 client is its /64, as for the view cap.
AXES_CLIENT_IP_CALLABLE = "clientip.client"
AXES_USERNAME_CALLABLE = "logins.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "logins.lockout.lockout_response"
# Staff of one office share its address: a good login clears its failures.
# A completed sign-in (second step and all) forgets its own user name's
# failures only (logins/lockout.py, called by twostep/): axes' reset would
# forget the address's too, so any staff login from it would reset the
# count on someone else's account.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # logins/admin.py: superusers only.
# The log's lockout lines name the user name and address (never a password).
# What a failed attempt posted is kept for superusers with the second step's
# code (often a near miss of a right one) and the CSRF token masked, as axes
# masks the password.
AXES_SENSITIVE_PARAMETERS = ["code", "csrfmiddlewaretoken"]
AXES_VERBOSE = False

# Two-step sign-in (twostep/, django-otp): who must enrol an authenticator
# app before using the admin. The others (writers, unless named) may.
TWO_STEP_REQUIRED_FOR = env_set(
    "DJANGO_TWO_STEP_REQUIRED_FOR",
    default="superusers,editors",
    allowed={"superusers", "editors", "writers"},
)
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env.str("DJANGO_TWO_STEP_ISSUER", default="Cổng thông tin phường")
# Wrong codes are counted by the login lockout above, as wrong passwords
# are; django-otp's own growing delay would only turn a right code typed
# after a wrong one into a second "wrong code".
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# The staff activity log (activity/): entries older than this many days
# are removed by `manage.py prune_activity` (docs/operations.md).
ACTIVITY_KEEP_DAYS = env_int("DJANGO_ACTIVITY_KEEP_DAYS", default=365)
if ACTIVITY_KEEP_DAYS < 1:
    raise ImproperlyConfigured(
        f"DJANGO_ACTIVITY_KEEP_DAYS must be 1 or more, not {ACTIVITY_KEEP_DAYS}."
    )

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [
    BASE_DIR / "wardnews" / "locale",
    BASE_DIR / "logins" / "locale",  # django-axes has no vi.
]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's "vi" locale has no input formats: staff would have to type dates
# month first. Ours: 24/01/2022 and 10:15, in forms and on pages alike.
FORMAT_MODULE_PATH = ["wardnews.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env_path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Of django-ckeditor's CKEditor 4, only what the editor loads is collected
# and served (wardnews/staticfiles.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "wardnews.staticfiles.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

MEDIA_URL = "media/"
MEDIA_ROOT = env_path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# A small ward site often runs gunicorn alone; set to false when a web server
# in front of it serves MEDIA_ROOT.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=True)
FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Reader pages set no session: a session is made only for staff who log in.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Wards under one parent domain (phucloi.hanoi.gov.vn, bode.hanoi.gov.vn…):
# ".hanoi.gov.vn" keeps staff logged in on every ward's site.
SESSION_COOKIE_DOMAIN = env.str("DJANGO_COOKIE_DOMAIN", default="") or None
CSRF_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN
# Trusted only when the deployment says a proxy in front sets it, replacing
# whatever the client sent (deploy/nginx/wardnews.conf does): otherwise any
# client could claim HTTPS over plain HTTP (or any address in X-Forwarded-For).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Writers open only their own unpublished articles; true lets them read (not
# change) their colleagues' drafts too, for a ward whose newsroom asks
# (articles/workflow.py readable_by).
WRITERS_SEE_COLLEAGUES_DRAFTS = env_bool(
    "DJANGO_WRITERS_SEE_COLLEAGUES_DRAFTS", default=False
)
# The port readers reach the site at, for links from one ward's admin to
# another ward's site, when the proxy in front listens on a port other than
# 80 or 443 and passes the host without it; 0: the port the browser wrote in
# its Host (none for 80 and 443), never the app server's own (wards/hosts.py).
PUBLIC_PORT = env_int("DJANGO_PUBLIC_PORT", default=0)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Nothing frames our pages, the admin's included: CKEditor's dialogs are
# parts of its page, and its image dialog uploads without a frame.
X_FRAME_OPTIONS = "DENY"

# The cache every worker and app server shares: rendered reader pages and the
# wards' page generations (wardnews/pagecache.py), buffered views
# (articles/viewbuffer.py), the optional view cap. Redis in production
# (REDIS_URL, e.g. redis://127.0.0.1:6379/0); without it, each process keeps
# its own in memory, which suits `make run` and a single worker.
REDIS_URL = env.str("REDIS_URL", default="").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must look like redis://host:6379/0, not {REDIS_URL!r}."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wardnews",
            # Redis down: give up within half a second, and pages render as
            # if there were no cache (wardnews/pagecache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

# Without Redis, the page generations live in the database
# (pages/generations.py): gunicorn's workers, db_worker and manage.py are
# separate processes, and a change saved by any of them must reach the pages
# kept by all. False keeps them in the process's memory: right only when
# one process serves and changes everything. Ignored with Redis.
PAGE_GENERATIONS_IN_DATABASE = env_bool(
    "DJANGO_PAGE_GENERATIONS_IN_DATABASE", default=True
)

# Anonymous readers' pages are served from the page cache; false renders every
# request (to measure rendering, or to rule the cache out).
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", default=True)

# "Tin đọc nhiều": each process reads a ward's ranking of the last 30 days at
# most this often, for all its pages (articles/blocks.py, window_ranking).
# 0 reads it for every page.
MOST_READ_RANKING_SECONDS = env_int("DJANGO_MOST_READ_RANKING_SECONDS", default=15)

# Counted views one client address may add to one article in a minute; 0 is
# no cap. Off by default: residents on a mobile carrier share a few public
# addresses (articles/counting.py, within_cap).
VIEW_CAP_PER_MINUTE = env_int("DJANGO_VIEW_CAP_PER_MINUTE", default=0)
if VIEW_CAP_PER_MINUTE < 0:
    raise ImproperlyConfigured(
        f"DJANGO_VIEW_CAP_PER_MINUTE must be 0 (no cap) or more, "
        f"not {VIEW_CAP_PER_MINUTE}."
    )

# Pages one client (an address; an IPv6 /64) may have rendered a second, on
# average, and searches (/tim-kiem/); kept pages never count. Beyond it the
# client gets the 429 page for a few seconds (pages/limits.py). 0: no cap.
# Shared through Redis when REDIS_URL is set, else per process.
RENDERS_PER_SECOND = env_int("DJANGO_RENDERS_PER_SECOND", default=5)
SEARCHES_PER_SECOND = env_int("DJANGO_SEARCHES_PER_SECOND", default=1)
for _name, _value in [
    ("DJANGO_RENDERS_PER_SECOND", RENDERS_PER_SECOND),
    ("DJANGO_SEARCHES_PER_SECOND", SEARCHES_PER_SECOND),
]:
    if _value < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 (no cap) or more, not {_value}.")

# What residents send their ward (questions/): how many items one address may
# send an hour, and one ward receive an hour from everyone, before the form
# asks them to wait (shared through Redis when REDIS_URL is set; resting
# open when Redis is down); sent without JavaScript, a lower cap. 0: no cap.
QUESTIONS_PER_ADDRESS_PER_HOUR = env_int(
    "DJANGO_QUESTIONS_PER_ADDRESS_PER_HOUR", default=5
)
QUESTIONS_HELD_PER_ADDRESS_PER_HOUR = env_int(
    "DJANGO_QUESTIONS_HELD_PER_ADDRESS_PER_HOUR", default=2
)
QUESTIONS_PER_WARD_PER_HOUR = env_int("DJANGO_QUESTIONS_PER_WARD_PER_HOUR", default=120)
# Held items (sent without the proof of work) have a ward's share of their
# own, lower, so a flood of them never uses up the residents' share above.
QUESTIONS_HELD_PER_WARD_PER_HOUR = env_int(
    "DJANGO_QUESTIONS_HELD_PER_WARD_PER_HOUR", default=20
)
# Status look-ups one address may make an hour (codes cannot be guessed).
QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR = env_int(
    "DJANGO_QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR", default=20
)
# ... and for one phone or email, from whatever addresses (whoever knows a
# resident's phone cannot try every code with it), and in one ward.
QUESTIONS_LOOKUPS_PER_CONTACT_PER_HOUR = env_int(
    "DJANGO_QUESTIONS_LOOKUPS_PER_CONTACT_PER_HOUR", default=10
)
QUESTIONS_LOOKUPS_PER_WARD_PER_HOUR = env_int(
    "DJANGO_QUESTIONS_LOOKUPS_PER_WARD_PER_HOUR", default=300
)
# The proof of work a browser does before sending (ALTCHA): the hex digits
# of zeros its SHA-256 must start with; each more is 16 times the work.
QUESTIONS_WORK_PREFIX = env.str("DJANGO_QUESTIONS_WORK_PREFIX", default="0000").strip()
if not re.fullmatch(r"[0-9a-f]{1,8}", QUESTIONS_WORK_PREFIX):
    raise ImproperlyConfigured(
        "DJANGO_QUESTIONS_WORK_PREFIX must be 1 to 8 lower-case hex digits "
        f"(e.g. 0000), not {QUESTIONS_WORK_PREFIX!r}."
    )
for _name, _value in [
    ("DJANGO_QUESTIONS_PER_ADDRESS_PER_HOUR", QUESTIONS_PER_ADDRESS_PER_HOUR),
    ("DJANGO_QUESTIONS_HELD_PER_ADDRESS_PER_HOUR", QUESTIONS_HELD_PER_ADDRESS_PER_HOUR),
    ("DJANGO_QUESTIONS_PER_WARD_PER_HOUR", QUESTIONS_PER_WARD_PER_HOUR),
    ("DJANGO_QUESTIONS_HELD_PER_WARD_PER_HOUR", QUESTIONS_HELD_PER_WARD_PER_HOUR),
    (
        "DJANGO_QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR",
        QUESTIONS_LOOKUPS_PER_ADDRESS_PER_HOUR,
    ),
    (
        "DJANGO_QUESTIONS_LOOKUPS_PER_CONTACT_PER_HOUR",
        QUESTIONS_LOOKUPS_PER_CONTACT_PER_HOUR,
    ),
    ("DJANGO_QUESTIONS_LOOKUPS_PER_WARD_PER_HOUR", QUESTIONS_LOOKUPS_PER_WARD_PER_HOUR),
]:
    if _value < 0:
        raise ImproperlyConfigured(f"{_name} must be 0 (no cap) or more, not {_value}.")

# The longest article body the admin accepts, in characters of HTML. The
# longest a ward publishes is some 50,000; four times that is still a news
# article, not a pasted archive, and every save, revision and search of it
# stays quick (the admin says so in Vietnamese: articles/admin.py).
ARTICLE_MAX_BODY_LENGTH = env_int("DJANGO_ARTICLE_MAX_BODY_LENGTH", default=200_000)
if ARTICLE_MAX_BODY_LENGTH < 1_000:
    raise ImproperlyConfigured(
        "DJANGO_ARTICLE_MAX_BODY_LENGTH must be 1000 or more, "
        f"not {ARTICLE_MAX_BODY_LENGTH}."
    )

# "Nộp hồ sơ trực tuyến" on a procedure's page (procedures/) links to the
# procedure on the national public service portal: this address, with {code}
# replaced by the procedure's code (1.001193). A province's own portal may
# take its place; over HTTPS only, as residents' papers go there.
PROCEDURE_PORTAL_URL = env.str(
    "DJANGO_PROCEDURE_PORTAL_URL",
    default="https://dichvucong.gov.vn/p/home/"
    "dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}",
).strip()
if (
    not re.fullmatch(r"https://[^/?#\s]+[^\s]*", PROCEDURE_PORTAL_URL)
    or "{code}" not in PROCEDURE_PORTAL_URL
):
    raise ImproperlyConfigured(
        "DJANGO_PROCEDURE_PORTAL_URL must be an https:// address holding {code} "
        "where the procedure's code goes, such as https://dichvucong.gov.vn/p/home/"
        "dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}, not "
        f"{PROCEDURE_PORTAL_URL!r}."
    )

# The background task queue: emails (outbox/) and pictures' renditions
# (pictures/renditions.py) are stored in the database, in the transaction that
# asks for them, and done by `manage.py db_worker`, run beside the site
# (deploy/systemd/wardnews-worker.service; `make run` starts one). No broker:
# a task waits in PostgreSQL, backed up with everything else.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email goes out through this SMTP server (outbox/); without
# DJANGO_EMAIL_HOST nothing is sent: emails are printed to the worker's
# output when DEBUG is on and dropped otherwise, and the admin says so
# (outbox.configured()); a superuser adding staff is shown the
# set-password link instead (wards/invitations.py).
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="").strip()
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_USER", default="").strip()
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_PASSWORD", default="")
# "starttls" (port 587), "tls" (implicit TLS, port 465) or "none" (a relay
# on the same machine or network only: the password and mail go in clear).
EMAIL_SECURITY = env.str("DJANGO_EMAIL_SECURITY", default="starttls").strip().lower()
if EMAIL_SECURITY not in ("starttls", "tls", "none"):
    raise ImproperlyConfigured(
        f"DJANGO_EMAIL_SECURITY must be starttls, tls or none, not {EMAIL_SECURITY!r}."
    )
EMAIL_USE_TLS = EMAIL_SECURITY == "starttls"
EMAIL_USE_SSL = EMAIL_SECURITY == "tls"
if not 0 < EMAIL_PORT < 65536:
    raise ImproperlyConfigured(f"DJANGO_EMAIL_PORT must be a port, not {EMAIL_PORT}.")
# A server that accepts the connection and then says nothing would hold the
# worker: give up after this many seconds, and the email is tried again.
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DJANGO_EMAIL_FROM", default="webmaster@localhost").strip()
if "@" not in DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_FROM must be an address such as ubnd@phucloi.hanoi.gov.vn "
        f'or "UBND phường Phúc Lợi <ubnd@phucloi.hanoi.gov.vn>", not '
        f"{DEFAULT_FROM_EMAIL!r}."
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Residents' questions, reports and comments (questions/): an item not
# answered within this many working days (Monday to Friday) after it came is
# marked "Quá hạn" in the inbox and the digest; its resident's personal data
# (name but for initials, phone, email, address, files) is removed this many
# months after it was closed (`manage.py forget_old_submissions`).
QUESTIONS_ANSWER_WORKING_DAYS = env_int("DJANGO_QUESTIONS_ANSWER_WORKING_DAYS", 7)
QUESTIONS_RETENTION_MONTHS = env_int("DJANGO_QUESTIONS_RETENTION_MONTHS", 24)
for _name, _value in [
    ("DJANGO_QUESTIONS_ANSWER_WORKING_DAYS", QUESTIONS_ANSWER_WORKING_DAYS),
    ("DJANGO_QUESTIONS_RETENTION_MONTHS", QUESTIONS_RETENTION_MONTHS),
]:
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more, not {_value}.")

# JSON lines on stdout, as gunicorn's own (wardnews/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "wardnews.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}

# The rich text editor; everything about it lives in richtext/.
CKEDITOR_UPLOAD_PATH = "uploads/"
CKEDITOR_IMAGE_BACKEND = "ckeditor_uploader.backends.PillowBackend"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_BROWSE_SHOW_DIRS = True
SILENCED_SYSTEM_CHECKS = [
    # django-ckeditor bundles CKEditor 4.22.1, out of support with known
    # unfixed issues. Kept, and contained: docs/security.md, "The rich-text
    # editor (CKEditor 4)" says how (staff-only editor, nh3 alone
    # decides what readers get, only the files the editor loads are served).
    "ckeditor.W001",
    # HSTS preload is opt-in (DJANGO_HSTS_PRELOAD): the header's "preload"
    # lets anyone submit the domain to browsers' built-in lists, from which
    # it takes months to leave, for every subdomain; that is the call of
    # whoever owns the domain (often the city, not the ward).
    "security.W021",
]
