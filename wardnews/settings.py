"""Settings for wardnews, read from the environment.

Every value a deployment changes comes from an environment variable, read through
the strict helpers below: a malformed value stops the site at start with
ImproperlyConfigured instead of silently falling back to a default.
"""

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
    "wardnews.wards",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves static files already compressed, before anything below runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages on their way out, after every middleware below has
    # read or written the body (Django's docs: above any such middleware).
    "wardnews.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wardnews.wards.middleware.CurrentWardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "wardnews.wards.staff.admin_ward",
            ],
        },
    },
]

DATABASES = {
    "default": env_database(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # A staff member's role (writer, editor) holds in the wards they work for.
    "wardnews.wards.roles.WardRoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "wardnews" / "locale"]
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # CKEditor's dialogs frame admin pages.

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

# The rich text editor; everything about it lives in articles/richtext.py.
CKEDITOR_UPLOAD_PATH = "uploads/"
CKEDITOR_IMAGE_BACKEND = "ckeditor_uploader.backends.PillowBackend"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_BROWSE_SHOW_DIRS = True
SILENCED_SYSTEM_CHECKS = [
    # django-ckeditor bundles CKEditor 4.22.1, out of support with known
    # unfixed issues. Kept, and contained: README.md, "Security", "The
    # rich-text editor (CKEditor 4)" says how (staff-only editor, nh3 alone
    # decides what readers get, only the files the editor loads are served).
    "ckeditor.W001",
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY, on purpose (see above).
    "security.W019",
]
