"""PostgreSQL timestamps parsed by psycopg's C loader instead of its Python one.

On every connection Django registers its own loader for ``timestamptz``: a Python subclass of
psycopg's Python ``TimestamptzLoader`` that sets the value's time zone to the connection's
(UTC here). psycopg's binary package has a C loader for the same type, but it cannot be
subclassed, so Django's choice leaves every timestamp parsed in Python: loading the rows of a
board page (about a hundred timestamps, each loader made again for every query) was about 6%
of the page's CPU in a profile of the server.

``timestamptz_loader`` makes a loader with Django's interface (a ``timezone`` attribute, which
Django compares before each cursor) that parses with the C loader and then sets the time zone
exactly as Django's does. ``use_c_timestamps`` puts it on a connection; the ``core`` app calls it
for every new PostgreSQL connection. Without psycopg's C implementation nothing changes.
"""

from functools import cache

from psycopg.adapt import Loader
from psycopg.postgres import types as postgres_types
from psycopg.pq import Format

try:
    from psycopg_binary._psycopg import TimestamptzLoader as CTimestamptzLoader
except ImportError:  # the pure-Python psycopg: keep Django's loader
    CTimestamptzLoader = None

_TIMESTAMPTZ_OID = postgres_types["timestamptz"].oid


@cache
def timestamptz_loader(timezone) -> type[Loader]:
    class CTimestamptz(Loader):
        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = CTimestamptzLoader(oid, context).load

        def load(self, data):
            return self._parse(data).replace(tzinfo=timezone)

    CTimestamptz.timezone = timezone
    return CTimestamptz


def use_c_timestamps(connection) -> None:
    """Register the C-parsing loader on a Django PostgreSQL connection (once per psycopg
    connection: a pooled one keeps it)."""
    if CTimestamptzLoader is None or connection.vendor != "postgresql":
        return
    wanted = timestamptz_loader(connection.timezone)
    adapters = connection.connection.adapters
    if adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT) is not wanted:
        adapters.register_loader("timestamptz", wanted)
