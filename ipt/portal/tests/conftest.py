import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Failed sign-ins for unknown emails are counted in the cache: start each test afresh."""
    cache.clear()
    yield
    cache.clear()
