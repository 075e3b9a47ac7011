"""The real site, migrated once per run for the tests that start it in processes of their own."""

import pytest

from tests.foundation.live_site import MigratedSite


@pytest.fixture(scope="session")
def migrated_site(tmp_path_factory) -> MigratedSite:
    return MigratedSite.create(tmp_path_factory.mktemp("site"))
