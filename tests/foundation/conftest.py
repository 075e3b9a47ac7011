"""The real site, migrated once per run for the tests that start it in processes of their own."""

import pytest
from django.conf import settings

from tests.foundation.live_site import MigratedSite


@pytest.fixture(scope="session")
def migrated_site(django_db_setup, tmp_path_factory) -> MigratedSite:
    # After django_db_setup the name is this run's (and this worker's) test database.
    test_database = str(settings.DATABASES["default"]["NAME"])
    return MigratedSite.create(tmp_path_factory.mktemp("site"), test_database)
