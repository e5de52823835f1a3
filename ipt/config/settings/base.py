"""Settings shared by every environment. Environment modules import * from here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("IPT_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ipt.core",
    "ipt.nhsuk_forms",
    "ipt.organisations",
    "ipt.accounts",
    "ipt.clients",
    "ipt.courses",
    "ipt.appointments",
    "ipt.measures",
    "ipt.assessments",
    "ipt.formulations",
    "ipt.notes",
    "ipt.reminders",
    "ipt.portal",
    "ipt.diaries",
    "ipt.supervision",
    "ipt.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ipt.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ipt.accounts.middleware.SessionTimeoutMiddleware",
    "ipt.portal.middleware.PortalMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ipt.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipt.config.urls"
WSGI_APPLICATION = "ipt.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "ipt.config.jinja2_env.environment"},
    },
]


def database_from_env(default_url: str) -> dict:
    """Parse DATABASE_URL; SQLite gets WAL, a busy timeout and IMMEDIATE transactions.

    PostgreSQL connections are kept for DATABASE_CONN_MAX_AGE seconds (default 60), checked
    before reuse: a new connection per request costs a new server process whose first queries
    also load its catalogue caches (on the large synthetic service that doubled page times)."""
    config: dict = dict(
        dj_database_url.parse(os.environ.get("DATABASE_URL", default_url), conn_max_age=0)
    )
    config["CONN_MAX_AGE"] = 0
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # Writers take the lock at BEGIN, so concurrent writers queue instead of failing.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'ipt.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"

# Sessions: idle and absolute limits are enforced by ipt.accounts.middleware.
STAFF_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("IPT_STAFF_IDLE_MINUTES", "15")))
STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Clients are signed out of the portal after this long idle (ipt.portal.middleware).
CLIENT_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("IPT_CLIENT_IDLE_MINUTES", "30")))
SESSION_COOKIE_AGE = int(STAFF_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout: 5 failed sign-ins lock the account for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.jinja"
AXES_VERBOSE = False
# Lockout is per account, as the service requires. Locking by IP address as well would lock out a
# whole clinic behind one NAT address; rate-limit by address at the reverse proxy instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Background work (risk-alert escalation, reminders) runs in `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

OTP_TOTP_ISSUER = "IPT service"
BACKUP_CODE_COUNT = 10
BREAK_GLASS_DURATION = timedelta(hours=1)
# Where staff reach the service: links in emails (invitations) are built on it.
IPT_BASE_URL = os.environ.get("IPT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# GOV.UK Notify for text messages (reminders); without a key no text messages are scheduled.
# The Notify template should hold only ((body)): the message text is ours (docs/reminders.md).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IPT service <no-reply@localhost>")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    BASE_DIR / "ipt" / "static_build",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}
CSRF_FAILURE_VIEW = "ipt.core.views.csrf_failure"
