"""Refleact settings: one module, configured from the environment, failing closed.

Every variable is documented in README.md. With debug off, a missing secret or key
does not raise here (that would print a traceback); it is collected in
CONFIGURATION_PROBLEMS and ``refleact.localenv.refuse_if_misconfigured`` stops
manage.py, WSGI and the Celery worker with one clear line.
"""

from __future__ import annotations

import os
import warnings
from datetime import timedelta

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from refleact import clientaddress, localenv, structuredlog, videocall

BASE_DIR = localenv.BASE_DIR
VAR_DIR = localenv.VAR_DIR

if (
    os.environ.get("REFLEACT_SKIP_LOCAL_ENV") != "1"
    and localenv.LOCAL_ENV_FILE.exists()
):
    # read_env never overrides variables that are already set in the environment.
    environ.Env.read_env(localenv.LOCAL_ENV_FILE)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
CONFIGURATION_PROBLEMS = localenv.validate(dict(os.environ), debug=DEBUG)

# Only reachable when debug is on or the start is refused before serving anything.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or "debug-only-insecure-secret"
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)

# Keys for field-level encryption (refleact.crypto): newest master key first.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
# How long an unwrapped data key may stay in a process's memory. It bounds how long
# another running process can still open values of a key destroyed meanwhile.
KEY_CACHE_SECONDS = env.int("KEY_CACHE_SECONDS", default=60)
# How many rows a search may open to match any part of a name, e-mail or phone
# (clients/search.py); above it, only whole words and the exact e-mail are found.
SEARCH_OPEN_ROWS_MAX = env.int("SEARCH_OPEN_ROWS_MAX", default=2000)
SEALED_FILES_DIR = env.path("SEALED_FILES_DIR", default=str(VAR_DIR / "sealed-files"))

INSTALLED_APPS = [
    "refleact.adminconfig.RefleactAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "refleact.accounts",
    "refleact.twofactor",
    "refleact.keystore",
    "refleact.audit",
    "refleact.inventory",
    "refleact.erasure",
    "refleact.backups",
    "clients",
    "dossiers",
    "consent",
    "breaches",
    "portal",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (refleact/structuredlog.py).
    "refleact.structuredlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "refleact.headers.PermissionsPolicyMiddleware",
    # /healthz and /readyz, answered before sessions, auth and axes (refleact/health.py).
    "refleact.health.ProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "refleact.sessionidle.StaffSessionIdleMiddleware",
    "refleact.structuredlog.RequestUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

# Widget templates (e.g. the Jitsi link button) live in templates/ with the rest.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "refleact.urls"
WSGI_APPLICATION = "refleact.wsgi.application"

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
            ],
        },
    },
]


_SUPPORTED_ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")


def _database_problem(config: dict, *, empty: bool) -> str | None:
    """What is wrong with a parsed database URL, in words that never quote it."""
    if empty:
        return "is empty"
    engine, name = config.get("ENGINE"), str(config.get("NAME") or "")
    if engine not in _SUPPORTED_ENGINES:
        return "names a database Refleact does not run on"
    if engine == "django.db.backends.sqlite3":
        if name in ("", ":memory:") or not os.path.isabs(name):
            return "needs an absolute file path (sqlite:////path/to/file.sqlite3)"
    elif not name or any(c in name for c in "@:/"):
        # postgres:/user:password@host/db (one slash) puts it all in the name.
        return "has no valid database name (check the slashes after postgres:)"
    try:
        int(config.get("CONN_MAX_AGE") or 0)
    except (TypeError, ValueError):
        return "has a conn_max_age that is not a number of seconds"
    return None


def _database(url_variable: str, default_file) -> dict:
    default = f"sqlite:///{default_file}"
    try:
        with warnings.catch_warnings():
            # django-environ warns of an unknown scheme with the whole URL in the
            # message (a password, perhaps): the refusal below names the variable.
            warnings.simplefilter("ignore")
            config = env.db_url(url_variable, default=default)
        problem = _database_problem(config, empty=os.environ.get(url_variable) == "")
    except (ValueError, KeyError, TypeError, ImproperlyConfigured) as exc:
        problem = f"is malformed ({type(exc).__name__})"
    if problem:
        # The URL itself is not repeated: it may hold a password.
        CONFIGURATION_PROBLEMS.append(
            f"{url_variable} {problem}; use postgres://USER:PASSWORD@HOST:PORT/NAME "
            "or sqlite:////absolute/path.sqlite3"
        )
        config = env.db_url_config(default)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if str(config["NAME"]).startswith(str(VAR_DIR)):
            VAR_DIR.mkdir(exist_ok=True)
        config.setdefault("OPTIONS", {}).update(
            {
                # IMMEDIATE takes the write lock at BEGIN, so the blind-index
                # uniqueness check (read candidates, then insert) cannot race.
                "transaction_mode": "IMMEDIATE",
                # Overwrite deleted content, so a destroyed data key is gone from the file.
                "init_command": "PRAGMA secure_delete=ON;",
            }
        )
    config["CONN_MAX_AGE"] = int(config.get("CONN_MAX_AGE") or 0)
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {
    "default": _database("DATABASE_URL", localenv.DEFAULT_DB_FILE),
    # The key store lives in its own database so it can be backed up on a shorter
    # schedule than the data: see refleact/keystore/README.md.
    "keystore": _database("KEYSTORE_DATABASE_URL", localenv.DEFAULT_KEYSTORE_FILE),
}


def _database_target(config: dict) -> tuple:
    """Where a database config points, with equivalent spellings made equal."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        return ("sqlite", os.path.realpath(config["NAME"]))
    host = str(config.get("HOST") or "localhost").lower()
    if host in ("127.0.0.1", "::1", "[::1]"):
        host = "localhost"
    port = int(config.get("PORT") or 5432)
    return ("postgresql", host, port, config["NAME"])


if _database_target(DATABASES["default"]) == _database_target(DATABASES["keystore"]):
    # One django_migrations table: `migrate` for default marks the key store's
    # migrations applied without running them, so its tables are never created;
    # and a backup of the data would carry its keys (refleact/keystore/README.md).
    CONFIGURATION_PROBLEMS.append(
        "KEYSTORE_DATABASE_URL points at the same database as DATABASE_URL; "
        "give the key store a database of its own"
    )
DATABASE_ROUTERS = ["refleact.keystore.routers.KeystoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Clients log into the portal by e-mail, found through the blind index.
    "portal.backends.ClientEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Where the admin lives (refleact/urls.py): a path that is not /admin/ keeps
# scanners for stock Django admins away; it must end with a slash.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/") or "//" in ADMIN_URL:
    CONFIGURATION_PROBLEMS.append(
        "ADMIN_URL must be a relative path ending with a slash, e.g. beheer/"
    )
    ADMIN_URL = "admin/"
# Staff (owner and coaches) confirm each login with a TOTP code or a recovery code
# (refleact/twofactor/). Off only for a developer's machine (debug on).
STAFF_TWO_FACTOR_REQUIRED = env.bool("STAFF_TWO_FACTOR_REQUIRED", default=not DEBUG)
# Minutes without a request after which a staff session ends (0: never).
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=60)
# The issuer shown in the coach's authenticator app beside the login name.
OTP_TOTP_ISSUER = "Refleact"

# Reverse proxies whose X-Forwarded-For names the client (refleact/clientaddress.py).
_trusted_proxies = env.str("DJANGO_TRUSTED_PROXIES", default="")
try:
    TRUSTED_PROXIES = clientaddress.parse_trusted_proxies(_trusted_proxies)
except ValueError:
    CONFIGURATION_PROBLEMS.append(
        "DJANGO_TRUSTED_PROXIES holds a malformed address; use comma-separated "
        "addresses or networks, e.g. 127.0.0.1,10.0.0.0/24"
    )
    TRUSTED_PROXIES = ()

# django-axes: lock a username+IP pair after 5 failures for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# What axes stores as "username" is a keyed digest, never what was typed.
AXES_USERNAME_CALLABLE = "refleact.accounts.lockout.login_name_digest"
# The stock handler would write the account's username into each access log row.
AXES_HANDLER = "refleact.accounts.lockout.DigestAccessLogHandler"
# Never store the typed login name or password in the attempt's POST copy.
AXES_SENSITIVE_PARAMETERS = ["username", "email", "password", "login"]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# The address a lockout is per, the same one the access log records.
AXES_CLIENT_IP_CALLABLE = "refleact.clientaddress.client_address"
# refleact/accounts/admin.py registers axes' pages, with the account of each digest.
AXES_ENABLE_ADMIN = False
# Attempts, access logs and failure logs are deleted after this many days by the
# beat task accounts.tasks.login_records_purge (declared in accounts/inventory.py).
LOGIN_RECORD_RETENTION_DAYS = 30

# Days between closing a trajectory and the retention sweep carrying out its choice
# (delete or pseudonymise); until then the coach may reopen it.
try:
    RETENTION_GRACE_DAYS = env.int("RETENTION_GRACE_DAYS", default=30)
except ValueError:
    RETENTION_GRACE_DAYS = -1
if RETENTION_GRACE_DAYS < 0:
    CONFIGURATION_PROBLEMS.append(
        "RETENTION_GRACE_DAYS is not a number of days (0 or more); use e.g. 30"
    )
    RETENTION_GRACE_DAYS = 30

# Days a client or organisation that no trajectory ever touched stays after its
# last change or activity; then the retention sweep erases it (policy: personal
# data only as long as the work needs it).
try:
    RETENTION_UNUSED_HOLDER_DAYS = env.int("RETENTION_UNUSED_HOLDER_DAYS", default=180)
except ValueError:
    RETENTION_UNUSED_HOLDER_DAYS = 0
if RETENTION_UNUSED_HOLDER_DAYS < 1:
    CONFIGURATION_PROBLEMS.append(
        "RETENTION_UNUSED_HOLDER_DAYS is not a number of days (1 or more); use e.g. 180"
    )
    RETENTION_UNUSED_HOLDER_DAYS = 180

# The erasure journal's file (refleact/erasure/README.md): outside every database
# and backup set, on its own storage, kept as long as any backup.
ERASURE_JOURNAL_PATH = env.path(
    "ERASURE_JOURNAL_PATH", default=VAR_DIR / "erasures.jsonl"
)

# The video-call server appointments' room links are made on (refleact/videocall.py).
try:
    VIDEO_CALL_BASE_URL = videocall.parse_base_url(
        env.str("VIDEO_CALL_BASE_URL", default=videocall.DEFAULT_BASE_URL)
    )
except ValueError:
    CONFIGURATION_PROBLEMS.append(
        "VIDEO_CALL_BASE_URL is not an https URL without query; use e.g. "
        "https://meet.jit.si/"
    )
    VIDEO_CALL_BASE_URL = videocall.DEFAULT_BASE_URL

# The client portal (portal/README.md): how long an invitation, reset or e-mail
# confirmation link works, and after how many idle minutes a client's session ends.
PORTAL_INVITATION_HOURS = env.int("PORTAL_INVITATION_HOURS", default=72)
PORTAL_SESSION_IDLE_MINUTES = env.int("PORTAL_SESSION_IDLE_MINUTES", default=30)
if PORTAL_INVITATION_HOURS < 1 or PORTAL_SESSION_IDLE_MINUTES < 1:
    CONFIGURATION_PROBLEMS.append(
        "PORTAL_INVITATION_HOURS and PORTAL_SESSION_IDLE_MINUTES must be 1 or more"
    )
    PORTAL_INVITATION_HOURS, PORTAL_SESSION_IDLE_MINUTES = 72, 30
# The site's address for links in e-mails, e.g. https://portaal.refleact.nl
# (unset: https:// and the first of DJANGO_ALLOWED_HOSTS).
PUBLIC_BASE_URL = env.str(
    "PUBLIC_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else ""
)

# Days from an invoice's date to its due date, unless the owner sets another term
# in the practice details; an unpaid invoice past its due date is overdue.
INVOICE_PAYMENT_TERM_DAYS = env.int("INVOICE_PAYMENT_TERM_DAYS", default=14)
if not 0 <= INVOICE_PAYMENT_TERM_DAYS <= 365:
    CONFIGURATION_PROBLEMS.append(
        "INVOICE_PAYMENT_TERM_DAYS must be a number of days from 0 to 365"
    )
    INVOICE_PAYMENT_TERM_DAYS = 14

# Celery: no broker means tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None

# /readyz names the checks that failed to loopback clients and to a request with
# "Authorization: Bearer <this token>" (refleact/health.py); empty: loopback only.
READYZ_TOKEN = env.str("READYZ_TOKEN", default="")
# Seconds a process reuses its last /readyz outcome: anyone may call the probe, and
# each fresh answer costs database round trips and a broker connection. 0: never.
READYZ_CACHE_SECONDS = env.int("READYZ_CACHE_SECONDS", default=5)

# E-mail never carries personal data (policy); it only points to the portal.
_EMAIL_DEFAULT = "consolemail://" if DEBUG else "smtp://localhost:25"
try:
    EMAIL_CONFIG = env.email_url("EMAIL_URL", default=_EMAIL_DEFAULT)
    _email_problem = (
        "has no host"
        if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        and not EMAIL_CONFIG.get("EMAIL_HOST")
        else None
    )
except (ValueError, KeyError, TypeError, ImproperlyConfigured) as exc:
    _email_problem = f"is malformed ({type(exc).__name__})"
if _email_problem:
    # The URL itself is not repeated: it may hold a password.
    CONFIGURATION_PROBLEMS.append(
        f"EMAIL_URL {_email_problem}; use e.g. smtp+tls://USER:PASSWORD@HOST:587"
    )
    EMAIL_CONFIG = env.email_url_config(_EMAIL_DEFAULT)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Refleact <noreply@refleact.nl>"
)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times one way everywhere ("wo 2 dec. 2026, 16:00", "02-12-2026"):
# refleact/formats/<language>/formats.py, ahead of Django's own locale formats.
FORMAT_MODULE_PATH = ["refleact.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

# Uploads are sealed as they stream in; no plaintext temporary file is written.
FILE_UPLOAD_HANDLERS = ["refleact.crypto.files.SealingUploadHandler"]
# The largest attachment accepted; a larger one is dropped while it streams in.
SEALED_UPLOAD_MAX_BYTES = env.int("SEALED_UPLOAD_MAX_BYTES", default=100 * 1024 * 1024)
# The types a coach or client may upload (by extension); everything is served back
# only as a download. Comma-separated, lower case, without dots.
SEALED_UPLOAD_EXTENSIONS = env.list(
    "SEALED_UPLOAD_EXTENSIONS",
    default=[
        "pdf",
        "doc",
        "docx",
        "odt",
        "rtf",
        "txt",
        "md",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "ppt",
        "pptx",
        "odp",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "heic",
        "mp3",
        "m4a",
        "wav",
        "mp4",
        "mov",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Admin flash messages name objects: keep them in an encrypted browser cookie,
# never in a server-side table (refleact/messages.py).
MESSAGE_STORAGE = "refleact.messages.EncryptedCookieStorage"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Scripts and styles come from our own static files only; the few inline pieces
# Django's admin still has carry the request's nonce (templates/admin/). No
# 'unsafe-inline': an injected <script> or style attribute does not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the enrolment QR code (refleact/twofactor/).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes the web process itself over plain HTTP and takes a
    # redirect for a failure; the probes carry no cookie and no personal data.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that sets this header and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        if not _trusted_proxies.strip():
            # Every client would have the proxy's address: five wrong passwords
            # from anyone would lock a login out for everyone.
            CONFIGURATION_PROBLEMS.append(
                "DJANGO_TRUSTED_PROXIES is not set; behind a TLS proxy list the "
                "proxy's addresses, e.g. 127.0.0.1"
            )
        if not SECURE_SSL_REDIRECT:
            # The TLS-terminating proxy redirects HTTP to HTTPS itself (README);
            # without a proxy the warning stays, as it should.
            SILENCED_SYSTEM_CHECKS = ["security.W008"]

# JSON lines with ids, never values; see refleact/structuredlog.py.
LOGGING = structuredlog.logging_config(level=env.str("LOG_LEVEL", default="INFO"))
