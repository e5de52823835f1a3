"""Settings for the test suite: in-memory SQLite unless DATABASE_URL says otherwise."""

from django.contrib.auth.hashers import Argon2PasswordHasher

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, database_from_env

SECRET_KEY = "test-only-not-secret-8d2e4f6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "ipt.nonprod"]
DATABASES = {"default": database_from_env("sqlite://:memory:")}
# Browser journeys open connections on several threads; closing each after its request keeps
# PostgreSQL able to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2, with a small cost so the suite stays quick."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


PASSWORD_HASHERS = ["ipt.config.settings.test.FastArgon2PasswordHasher"]
