"""Settings for CISP Monitor.

Every deploy-specific value comes from the environment; with none set, a checkout runs
in development mode on a SQLite file inside the project.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "accounts",
    "workplan",
    "budgets",
    "outcomes",
    "finance",
    "exchange",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages go out compressed (static files are compressed ahead by whitenoise). The CSRF token
    # in each page is masked afresh per response, which keeps it out of reach of BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Each request restarts the session's idle clock; the session is written at most once a minute.
    "workplan.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's pages in the language of their profile, over the browser's choice.
    "accounts.middleware.UserLanguageMiddleware",
    # Every page needs a login but those marked @login_not_required (login, public factsheet).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Sets request.programme from the URL; 404 for a programme the user has no role in.
    "workplan.middleware.ProgrammeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cisp.urls"

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
                "django.template.context_processors.i18n",
                "workplan.context_processors.programmes",
            ],
        },
    },
]

WSGI_APPLICATION = "cisp.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("km", _("Khmer"))]
# The language switch names the page's language in its own script (Django's table has "Khmer" for Khmer
# too), the other by its English name: an English page has no Khmer text, so it never loads the Khmer font.
LANG_INFO["km"] = {**LANG_INFO["km"], "name_local": "ខ្មែរ"}
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our date and number formats where they differ from Django's (README, "Numbers and dates").
FORMAT_MODULE_PATH = ["cisp.formats"]
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and images from the
# app itself only; no inline script or style (our templates load static/ files instead), no plugins,
# no <base>, forms posting only here, no framing. Two admin templates of our libraries carry inline
# attributes: django-import-export's export page (the "Select all" toggle's onchange and two style
# attributes) and simple_history's history list (one style attribute). Those exact attribute values
# are allowed by their hashes, nothing else (tests/test_content_security_policy.py checks the list).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src-attr": [UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src-attr": [
            UNSAFE_HASHES,
            "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",
            "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "login"

# Accounts: sessions end after a period without activity; repeated failed logins are throttled.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_TIMEOUT_SECONDS", str(60 * 60))
# Each request restarts the idle clock, but the session is written at most once a minute
# (workplan.middleware.SessionRenewalMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The language chosen: read by the server only, never sent along with a request from another site's page.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "workplan.views.locked_out"
AXES_USERNAME_CALLABLE = "workplan.login_throttling.login_username"
# The client's address: the connection's, or behind N trusted proxies the one the outermost of them
# saw (workplan.login_throttling.client_address). Set it to the number of proxies in front of the app.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "workplan.login_throttling.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are logged; the start-up banner on every command is not

# Several app servers behind one proxy share everything through the database or Redis, nothing
# through one server's memory or disk: sessions and the login throttle (django-axes) are in the
# database; with CACHE_URL (redis://host:6379/0) the cache is Redis and sessions are read from it;
# uploads between preview and confirm are in the default storage (MEDIA_ROOT: shared storage).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Excel import and export of work plans (issue 4) --------------------------------------------
# Our own work plan workbooks (exchange.workplan_import) and django-import-export in the admin.
INSTALLED_APPS += ["import_export"]

# Uploads are refused above these limits, before any parsing.
WORKBOOK_MAX_UPLOAD_BYTES = envint("WORKBOOK_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
WORKBOOK_MAX_ROWS = envint("WORKBOOK_MAX_ROWS", "20000")
# An .xlsx is a zip archive: these guard against zip bombs, checked before openpyxl opens it.
WORKBOOK_MAX_ZIP_ENTRIES = envint("WORKBOOK_MAX_ZIP_ENTRIES", "500")
WORKBOOK_MAX_UNCOMPRESSED_BYTES = envint("WORKBOOK_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))
WORKBOOK_MAX_COMPRESSION_RATIO = envint("WORKBOOK_MAX_COMPRESSION_RATIO", "100")
# What the sheet read may hold, counted in one streaming pass before a spreadsheet library reads it
# (workplan.spreadsheet_contents). A work plan of 20,000 rows uses 22 columns (40 at most with
# every budget category): 100 columns leave room for notes; 2,000,000 cells is 20,000 rows x 100
# columns, the grid a reader builds; 200,000 different texts and 20,000,000 characters are about
# ten texts of 100 characters per row, beyond what a 10 MB upload of real text holds.
WORKBOOK_MAX_COLUMNS = envint("WORKBOOK_MAX_COLUMNS", "100")
WORKBOOK_MAX_CELLS = envint("WORKBOOK_MAX_CELLS", "2000000")
WORKBOOK_MAX_SHARED_STRINGS = envint("WORKBOOK_MAX_SHARED_STRINGS", "200000")
WORKBOOK_MAX_TEXT_CHARACTERS = envint("WORKBOOK_MAX_TEXT_CHARACTERS", "20000000")
# The admin's import saves row by row (about 50 to 100 rows a second with the history): 5,000 rows
# stay within a worker's request timeout; a whole CISP year has 170 budget lines.
ADMIN_IMPORT_MAX_ROWS = envint("ADMIN_IMPORT_MAX_ROWS", "5000")

# Admin import needs the "import_<model>" permission, created by data migrations of each app.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The library only strips a leading "=", which changes the value: our export formats
# (workplan.admin_import_export: SafeCSV, SafeXLSX) write text cells as strings and escape CSV instead.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Between preview and confirm the upload is kept in the default file storage (MEDIA_ROOT),
# which several app servers must share (a network volume or an object store), not in /tmp.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

# --- Budget revisions (issue 13) ------------------------------------------------------------------
# A revision that moves more than this share (percent) of the original budget between JP outputs needs
# the PMC's approval, as UNICEF's eTools separates amendments of "<= 20%" and "> 20%".
BUDGET_REVISION_PMC_SHARE_PERCENT = Decimal(os.environ.get("BUDGET_REVISION_PMC_SHARE_PERCENT", "20"))

# --- Quarterly reporting cycle (issue 14) ----------------------------------------------------------
# A quarter's report is due this many days after the quarter ends.
REPORT_DUE_DAYS = envint("REPORT_DUE_DAYS", "30")
# Reminders (`send_reminders`): Django's e-mail settings from the environment; printed to the console
# unless an SMTP server is named.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cisp-monitor@localhost")
# The address the links in e-mails start with (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Key figures (issue 13) -------------------------------------------------------------------------
# The next tranche is due once committed + disbursed reach this share (percent) of the funds
# transferred for the current year.
FINANCE_TRANCHE_THRESHOLD_PERCENT = envint("FINANCE_TRANCHE_THRESHOLD_PERCENT", "70")
