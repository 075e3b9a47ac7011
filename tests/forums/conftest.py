"""Fixtures of the forum specs."""

import pytest
from django.core.cache import cache


@pytest.fixture
def empty_cache():
    """The fragment cache empty before and after: each spec renders what it checks."""
    cache.clear()
    yield
    cache.clear()
