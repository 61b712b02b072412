"""SEND Health Hub settings: one file, configured only by environment variables.

With no environment at all the product runs in demo mode on a SQLite file under var/, which is what
`make run` does. Production sets DEMO_MODE=false, SECRET_KEY (or SECRET_KEY_FILE), ALLOWED_HOSTS and
DATABASE_URL, and refuses to start without them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """A string from NAME, or from the file named by NAME_FILE (for secrets mounted as files)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or env_bool("TESTING", False)
# Demo mode: synthetic data, printed demo credentials, a fixed TOTP secret for demo users.
DEMO_MODE = env_bool("DEMO_MODE", True)
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEMO_MODE or DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set outside demo mode.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEMO_MODE or DEBUG or TESTING) else "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set outside demo mode.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")

# What people see: the service name in the header and the area the deployment serves.
SERVICE_NAME = os.environ.get("SERVICE_NAME", "SEND Health Hub")
AREA_NAME = os.environ.get("AREA_NAME", "Northshire and Eastbury")
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Northshire and Eastbury Integrated Care Board")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "accounts.admin_apps.StaffAdminConfig",  # django.contrib.admin, for 2FA-verified staff only
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "django_tasks_db",
    "core",
    "accounts",
    "audit",
    "children",
    "casework",
    "directory",
    "advice",
    "section23",
    "enquiries",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.IdleSignOutMiddleware",  # the sign-in page says why after an idle timeout
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "audit.middleware.AccessLogMiddleware",  # logs the children each response shows, and refusals
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.ErrorPageMiddleware",  # a decorator's bare 405 becomes the styled page
]
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Pages: Jinja2 with the NHS.UK design system's macros (nhsuk-frontend-jinja).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
    {
        # Django's own admin and e-mail bodies written in the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Databases: a SQLite file by default; DATABASE_URL (postgres://...) for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the worker read while one writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# On PostgreSQL the application should connect (DATABASE_URL) as a role that owns nothing, so it cannot
# switch off the access log's append-only triggers; the schema's owner (DATABASE_OWNER_URL) runs
# `manage.py migrate`, which then grants the application's role what it needs (audit/dbrole.py, ADR 0014).
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
DB_VENDOR = "postgresql" if "postgres" in DATABASES["default"]["ENGINE"] else "sqlite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: Django's tasks API on a database queue, run by `manage.py worker`.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.DemoAccountsOffBackend",  # before ModelBackend: refuses demo accounts unless DEMO_MODE
    "django.contrib.auth.backends.ModelBackend",
    "accounts.oidc.OIDCBackend",  # does nothing unless OIDC_ISSUER is set
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 60 * 60  # password reset links work once, for 1 hour

# Wrong passwords slow sign-in down rather than lock anyone out (accounts.throttle, NCSC password guidance):
# after SIGN_IN_FREE_FAILURES for one account (from any address), or from one address (for any account),
# each further failure makes the next attempt wait, doubling from the first delay to the longest. Attempts
# from a browser where the person has signed in before (trusted-device cookie) are counted for it alone.
SIGN_IN_FREE_FAILURES = env_int("SIGN_IN_FREE_FAILURES", 10)
SIGN_IN_FIRST_DELAY_SECONDS = env_int("SIGN_IN_FIRST_DELAY_SECONDS", 60)
SIGN_IN_MAX_DELAY_SECONDS = env_int("SIGN_IN_MAX_DELAY_SECONDS", 30 * 60)
SIGN_IN_FAILURE_MEMORY_HOURS = env_int("SIGN_IN_FAILURE_MEMORY_HOURS", 24)
TRUSTED_DEVICE_DAYS = env_int("TRUSTED_DEVICE_DAYS", 180)
# How many trusted proxies append to X-Forwarded-For (0: use the connecting address).
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Sessions: end after SESSION_IDLE_MINUTES without a request (the cookie is renewed on each one).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Signed-in pages warn this many minutes before the idle timeout and offer "Stay signed in"
# (core/static/core/session.js); the advice form saves itself as a draft then, and every
# ADVICE_AUTOSAVE_SECONDS while someone types (advice/static/advice/autosave.js).
SESSION_WARNING_MINUTES = env_int("SESSION_WARNING_MINUTES", 5)
ADVICE_AUTOSAVE_SECONDS = env_int("ADVICE_AUTOSAVE_SECONDS", 120)
# What the casework pages say when a request's child has no current consent to share, or no parent or
# carer recorded (advice.services.sharing_warnings); the DCO confirms the lawful basis before routing
# such a request. Each area may word these its own way.
ADVICE_NO_CONSENT_WARNING = env_str(
    "ADVICE_NO_CONSENT_WARNING",
    "No current consent to share health information is recorded for this child or young person.",
)
ADVICE_NO_PARENT_WARNING = env_str(
    "ADVICE_NO_PARENT_WARNING",
    "No parent or carer is recorded for this child or young person: ask the local authority who has "
    "parental responsibility before contacting the family.",
)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HTTPS = env_bool("SECURE_HTTPS", not (DEMO_MODE or DEBUG or TESTING))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_HTTPS
# Plain HTTP is redirected to HTTPS, except the load balancer's health check. Behind a proxy that ends
# TLS, set BEHIND_PROXY=true so the proxy's X-Forwarded-Proto says the request came over HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS: browsers use only HTTPS for a year, on every subdomain too. Preloading is a decision for whoever
# owns the domain (it is hard to undo and covers every subdomain), so it is off unless they ask for it.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]  # preload off on purpose, above
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
X_FRAME_OPTIONS = "DENY"
# Cache-Control: no-store on every response to a signed-in person and on every response under these
# paths (the APIs and sign-in), so no browser or proxy keeps a copy of a child's record
# (core.middleware.NoStoreMiddleware). NO_STORE_PATHS="" with NO_STORE_SIGNED_IN=false turns it off.
NO_STORE_SIGNED_IN = env_bool("NO_STORE_SIGNED_IN", True)
NO_STORE_PATHS = env_list("NO_STORE_PATHS", "/api/,/accounts/,/django-admin/")

# Content Security Policy (Django's own middleware): no inline script without the page's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Sign-in with OpenID Connect (NHS CIS2, Microsoft Entra ID, ...) when OIDC_ISSUER is set.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's account")
# Only for a provider whose e-mail addresses are all issued by the organisation (Entra ID sends no email_verified).
OIDC_ASSUME_EMAIL_VERIFIED = env_bool("OIDC_ASSUME_EMAIL_VERIFIED", False)

# Static files: the NHS.UK frontend package from npm plus the apps' own files, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (TESTING or DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# WhiteNoise indexes every file under STATIC_ROOT (thousands) when its middleware starts, and the
# test client starts the middleware afresh for every Client(). In tests and development it looks a
# file up when one is asked for instead.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Uploaded files live outside the web root: no MEDIA_URL, nothing serves MEDIA_ROOT directly; each
# file goes out only through its app's access-checked view (core.checks refuses a MEDIA_ROOT inside
# the static files).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "uploads"))
# Virus scanning of uploads through clamd (core/virus_scan.py): tcp://host:3310 or
# unix:///run/clamav/clamd.ctl. Unset: no scan. Set but unreachable: uploads are refused (fail closed).
CLAMD_URL = env_str("CLAMD_URL")
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 30)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# E-mail: the console in demo mode, SMTP when EMAIL_HOST is set, GOV.UK Notify when NOTIFY_API_KEY is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "send-health-hub@example.org")
# core.tasks.deliver_email: when the mailer fails, try again after each of these delays (seconds).
EMAIL_RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600]
SMTP_HOST = os.environ.get("EMAIL_HOST", "")
# Section 23 notifications: the LA's SEN team is asked to acknowledge within this many working days
# (a local target, not statutory); an unacknowledged notification is chased the next working day.
S23_ACKNOWLEDGE_WORKING_DAYS = env_int("S23_ACKNOWLEDGE_WORKING_DAYS", 10)
# Enquiries to the DCO service (single point of contact): local targets in working days from the day an
# enquiry arrives, and the public form's flood protection (enquiries.throttle, enquiries.forms).
ENQUIRY_ACKNOWLEDGE_WORKING_DAYS = env_int("ENQUIRY_ACKNOWLEDGE_WORKING_DAYS", 3)
ENQUIRY_RESPOND_WORKING_DAYS = env_int("ENQUIRY_RESPOND_WORKING_DAYS", 20)
ENQUIRY_MIN_FILL_SECONDS = env_int("ENQUIRY_MIN_FILL_SECONDS", 3)  # sent faster: noted, counts twice
ENQUIRIES_PER_HOUR = env_int("ENQUIRIES_PER_HOUR", 5)  # per address
ENQUIRY_STATUS_FREE_FAILURES = env_int("ENQUIRY_STATUS_FREE_FAILURES", 5)  # wrong guesses an hour
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
MAILERS: dict[str, dict[str, object]]
if NOTIFY_API_KEY:
    MAILERS = {"default": {"BACKEND": "core.email.NotifyEmailBackend"}}
elif SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CACHE_URL", "").startswith("redis://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING" if TESTING else "INFO")},
    # Each seal of the access log's hash chain: ship these lines where the database's owner cannot
    # change them (syslog, a SIEM); `verify_audit_log --anchors` checks the chain against them.
    "loggers": {
        "audit.seals": {"level": "INFO"},
        # The task queue's worker announces every idle pass ("Starting worker ... exiting gracefully"):
        # only its warnings and errors are worth a line. Each task run is still logged by django_tasks.
        "django_tasks_db": {"level": os.environ.get("TASK_QUEUE_LOG_LEVEL", "WARNING")},
    },
}

# /healthz fails (503), and signed-in staff see a warning, when no worker has recorded a heartbeat for this
# long, or when work (a queued e-mail, a due reminder) has waited this long (core.health).
WORKER_HEARTBEAT_MAX_SECONDS = env_int("WORKER_HEARTBEAT_MAX_SECONDS", 300)
WAITING_WORK_MAX_SECONDS = env_int("WAITING_WORK_MAX_SECONDS", 900)

# Local Offer freshness: a record not reviewed for this many months is stale.
DIRECTORY_REVIEW_MONTHS = env_int("DIRECTORY_REVIEW_MONTHS", 12)
# Each web process builds its in-memory search index (ADR 0012) as it starts, in the background,
# instead of on its first search (PostgreSQL: about 14 s at 300,000 services, 0.3 s at 10,000).
SEARCH_INDEX_WARM = env_bool("SEARCH_INDEX_WARM", True)
