"""Settings for a developer's machine: SQLite under var/, demo data, DEBUG on."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS

DEBUG = True
SECRET_KEY = "local-development-only-not-secret-3c1f0b7e9a2d4c6e8f1a3b5d7e9f0a2c"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "ipt.nonprod"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
