"""Settings, read from the environment.

Every value can be set by an environment variable; the defaults run the embedded demo.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor  # type: ignore[import-untyped]

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout's root when installed in editable mode (the only supported way for now).
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("LIANGGANG_VAR_DIR", PROJECT_DIR / "var"))
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'lianggang.sqlite3'}"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Take the key from the environment, else keep one in var/ so sessions survive restarts."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(key)
        path.chmod(0o600)
    except OSError:
        pass  # read-only installs run with an ephemeral key
    return key


def _ledger_keys() -> list[str]:
    """The keys of the ledger's personal data: from the environment, else from var/ledger_keys
    (written by `lianggang setup` for the embedded demo). Never derived from SECRET_KEY."""
    text = os.environ.get("LIANGGANG_LEDGER_KEYS")
    if text is None:
        try:
            text = (VAR_DIR / "ledger_keys").read_text()
        except OSError:
            text = ""
    return [k.strip() for k in text.split(",") if k.strip()]


SECRET_KEY = _secret_key()
LIANGGANG_LEDGER_KEYS = _ledger_keys()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "lianggang.config.staticfiles.StaticFilesConfig",  # Django's, without unused npm builds
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves its API docs page's assets locally (no CDN)
    "axes",  # login throttling
    "django_otp",  # optional second factor
    "django_otp.plugins.otp_totp",
    "lianggang.framework",
    "lianggang.orgunits",
    "lianggang.accounts",
    "lianggang.collection",
    "lianggang.analytics",
    "lianggang.reports",
    "lianggang.followup",
    "lianggang.ledger",
    "lianggang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianggang.web.middleware.IdleExpiryMiddleware",
    "lianggang.web.middleware.LanguageCookieMiddleware",
    "lianggang.api.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lianggang.web.middleware.SecondFactorMiddleware",
    "lianggang.web.middleware.ScopeOncePerRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianggang.config.urls"
WSGI_APPLICATION = "lianggang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianggang.web.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
# Connections are kept a minute, and checked before reuse: after a database restart the next
# request reconnects instead of failing on a dead connection.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Password guessing: after AXES_FAILURE_LIMIT wrong passwords for one user name from one address,
# that pair is refused for AXES_COOLOFF_MINUTES (django-axes, on the login page and the admin).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianggang.web.views.accounts.login_locked"
# A TOTP second factor, optional for every user (account page "Two-step sign-in"); its
# wrong codes are throttled by django-otp itself (growing delays after each failure).
OTP_TOTP_ISSUER = "Lianggang 两纲监测"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# ECharts and htmx come from the npm registry (package.json), installed by `make`; never committed.
NODE_MODULES = Path(os.environ.get("LIANGGANG_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Static files are named by their content's hash (app.3f2a….css, cached for a year: an upgrade
# never leaves a browser on old scripts) with gzip and Brotli copies beside them, all written by
# `collectstatic` (`lianggang setup`, deploy/run). LIANGGANG_STATIC_STORAGE=plain (the default
# with DEBUG, and the tests' choice: tests/conftest.py) serves the files as they are from the
# apps' folders, with nothing to collect after an edit.
STATIC_STORAGE = os.environ.get("LIANGGANG_STATIC_STORAGE", "plain" if DEBUG else "manifest")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_STORAGE == "plain"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # pages name the hashed files; half the work and room
# Source maps are for developers' tools: not worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

SESSION_COOKIE_HTTPONLY = True
# A login ends after this many seconds without a request (web.middleware.IdleExpiryMiddleware
# moves the expiry on as the user works).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind HTTPS (production: nginx terminates TLS and says so in X-Forwarded-Proto): cookies only
# over HTTPS, plain HTTP redirected, browsers told to keep to HTTPS. Off for the local demo.
LIANGGANG_HTTPS = _env_bool("LIANGGANG_HTTPS", False)
if LIANGGANG_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    # The app's own host name and the names below it; the preload flag does nothing until the
    # domain's owner submits it to the browsers' list.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)

# The figures pages' rendered content (web/page_cache.py), in each server process's memory:
# entries are keyed by the figures' version, read from the database, so processes agree
# without a shared cache server.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lianggang-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# Background work (report builds): django-tasks with its database backend, no extra server.
# `lianggang serve` runs a worker beside the web server; `lianggang worker` runs one alone.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The org unit whose dashboard `/` shows (GB/T 2260 code); empty: the highest aggregated unit.
LIANGGANG_HOME_ORGUNIT = os.environ.get("LIANGGANG_HOME_ORGUNIT", "")
# Public mode: the overview, indicator, unit, department and query pages show approved figures to
# visitors without a login (collection, reports and submissions still need one).
LIANGGANG_PUBLIC = _env_bool("LIANGGANG_PUBLIC", False)

# Collection: the largest upload accepted, and the thresholds of the outlier warnings.
LIANGGANG_UPLOAD_MAX_BYTES = int(os.environ.get("LIANGGANG_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
LIANGGANG_OUTLIER_Z = float(os.environ.get("LIANGGANG_OUTLIER_Z", "4"))
LIANGGANG_OUTLIER_CHANGE = float(os.environ.get("LIANGGANG_OUTLIER_CHANGE", "0.2"))
DATA_UPLOAD_MAX_MEMORY_SIZE = LIANGGANG_UPLOAD_MAX_BYTES + 1024 * 1024

# Mail (the round page's reminders to late clerks): sent only when a mail server is named.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lianggang@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SITE_TITLE = _("Lianggang monitoring")
