"""ORM reads of a fixed shape, compiled to SQL once per process and database.

Django builds and compiles a query's SQL again every time a queryset is evaluated. For the
small reads that every page makes (a board with the columns other apps add to it, the
meetings box, the open tables of a board) that costs one to three milliseconds each, many
times what the database needs to answer them.

``CompiledRead(build)`` takes a function that builds the queryset from its arguments. On the
first call for a database it calls ``build`` with stand-in values, compiles the queryset and
notes where each argument lands among the SQL parameters; every later call clones that
queryset, binds the new values and runs the stored SQL. Rows become model instances exactly as
Django makes them (``select_related`` objects, annotations, ``prefetch_related``), because the
clone is an ordinary queryset with only its compiler's SQL supplied.

``build`` must use its arguments as values only: compared with a column, never used to choose
the shape of the query in Python or to slice it (a slice is written into the SQL). The first
compile checks this: every argument must appear among the parameters exactly as given (or as
the database adapts a date and time) and nowhere in the SQL text. Arguments are ints, strings,
dates, aware datetimes, or tuples of ints for ``__in`` lookups. A tuple's length shapes the SQL
(one placeholder per item), so the read is compiled once per combination of tuple lengths it
meets, up to ``MAX_SHAPES``; past that, and for a tuple of more than ``MAX_TUPLE`` items, calls
build and run the queryset as Django would.
"""

import itertools
import threading
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.transaction import TransactionManagementError

_ints = itertools.count(1)
MAX_SHAPES = 32
MAX_TUPLE = 256
_SMALLEST_INT, _LARGEST_INT = -(2**63), 2**63 - 1


def _stand_in(index: int, value):
    """A value of the argument's type that no real argument will ever have."""
    serial = next(_ints)
    if isinstance(value, bool):
        raise TypeError("CompiledRead arguments are ints, strings or datetimes, not booleans")
    if isinstance(value, int):
        # Within a 32-bit integer column's range: Django finds nothing for an id beyond it.
        return 2_147_000_000 + (serial % 20_000) * 16 + index
    if isinstance(value, str):
        return f"\x1fcompiled-read-{serial}-{index}\x1f"
    if isinstance(value, datetime):
        return datetime(9990, 1, 1, tzinfo=UTC) + timedelta(days=serial, microseconds=index)
    if isinstance(value, date):
        return date(9000, 1, 1) + timedelta(days=(serial % 300) * 17 + index)
    raise TypeError(
        f"CompiledRead arguments are ints, strings, dates or datetimes, not {type(value)}"
    )


def _tuple_stand_in(index: int, value: tuple) -> tuple:
    if not value:
        raise ValueError("CompiledRead takes no empty tuple: an empty __in matches nothing")
    if len(value) > MAX_TUPLE:
        raise ValueError(f"CompiledRead takes tuples of at most {MAX_TUPLE} items")
    # Below the single ints' range and within a 32-bit integer column's.
    base = 2_146_000_000 + index * MAX_TUPLE
    return tuple(base + offset for offset in range(len(value)))


def _shape(args) -> tuple:
    return tuple(len(arg) if isinstance(arg, tuple) else None for arg in args)


def _adapted(connection, stand_in):
    if isinstance(stand_in, datetime):
        return connection.ops.adapt_datetimefield_value(stand_in)
    if isinstance(stand_in, date):
        return connection.ops.adapt_datefield_value(stand_in)
    return stand_in


class _Compiled:
    """The compiled form: the queryset built from stand-ins, its SQL, and for each
    parameter either a constant or the index of the argument that fills it."""

    def __init__(self, queryset, connection, sql, params, slots, state):
        self.queryset = queryset
        self.locks = bool(queryset.query.select_for_update)
        self.can_lock = connection.features.has_select_for_update
        self.vendor = connection.vendor
        self.sql = sql
        self.params = params
        self.slots = slots  # (position, argument index, item index or None, argument type)
        self.state = state


class CompiledRead:
    def __init__(self, build):
        self.build = build
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *args) -> list:
        compiled = self._compiled_for(args)
        if compiled is None:
            return list(self.build(*args))
        connection = connections[compiled.queryset.db]
        params = list(compiled.params)
        for position, index, item, kind in compiled.slots:
            value = args[index] if item is None else args[index][item]
            if kind is datetime:
                if not isinstance(value, datetime) or value.utcoffset() is None:
                    raise ValueError("CompiledRead takes aware datetimes only")
                value = connection.ops.adapt_datetimefield_value(value)
            elif kind is date:
                if not isinstance(value, date) or isinstance(value, datetime):
                    raise TypeError("CompiledRead takes a date where it was compiled with one")
                value = connection.ops.adapt_datefield_value(value)
            elif value is None or isinstance(value, bool):
                raise TypeError("CompiledRead arguments are never None or booleans")
            else:
                value = kind(value)  # as the field would prepare it: int("7") is 7
                if kind is int and not _SMALLEST_INT <= value <= _LARGEST_INT:
                    # No row has such an id; Django's own lookup knows to match nothing.
                    return list(self.build(*args))
            params[position] = value
        if compiled.locks and not connection.in_atomic_block and compiled.can_lock:
            # Django's compiler refuses this; the stored SQL would lock nothing for long.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        queryset = compiled.queryset._chain()
        query = queryset.query
        sql, state = compiled.sql, compiled.state

        def get_compiler(using=None, connection=None, elide_empty=True):
            compiler = type(query).get_compiler(query, using, connection, elide_empty)
            for name, value in state.items():
                setattr(compiler, name, value)
            compiler.as_sql = lambda *_args, **_kwargs: (sql, params)
            return compiler

        query.get_compiler = get_compiler
        return list(queryset)

    def first(self, *args):
        """The first row of the read (built with a ``[:1]`` slice), or None."""
        rows = self(*args)
        return rows[0] if rows else None

    def get(self, *args):
        """The first row of the read (built with a ``[:1]`` slice), or the model's
        ``DoesNotExist``, as ``QuerySet.get`` raises it."""
        rows = self(*args)
        if not rows:
            model = self.build(*args).model  # only when nothing was found
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        return rows[0]

    def _compiled_for(self, args) -> _Compiled | None:
        shape = _shape(args)
        if any(length is not None and length > MAX_TUPLE for length in shape):
            return None  # as long a list is rare: Django builds it as it comes
        compiled = self._compiled.get(shape)
        if compiled is None or connections[compiled.queryset.db].vendor != compiled.vendor:
            with self._lock:
                if compiled is None and len(self._compiled) >= MAX_SHAPES:
                    return None
                compiled = self._compiled[shape] = self._compile(args)
        return compiled

    def _compile(self, args) -> _Compiled:
        if len(args) > 16:
            raise TypeError("CompiledRead takes at most 16 arguments")
        stand_ins = [
            _tuple_stand_in(index, value) if isinstance(value, tuple) else _stand_in(index, value)
            for index, value in enumerate(args)
        ]
        queryset = self.build(*stand_ins)
        using = queryset.db
        connection = connections[using]
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ValueError(
                f"{self.build!r} built from stand-in arguments matches nothing: an argument "
                "shapes the query"
            ) from None
        wanted = {}  # parameter value -> (argument index, item index or None, type)
        for index, stand_in in enumerate(stand_ins):
            items = enumerate(stand_in) if isinstance(stand_in, tuple) else [(None, stand_in)]
            for item, value in items:
                wanted[value] = wanted[_adapted(connection, value)] = (index, item, type(value))
        found = set()
        slots = []
        for position, param in enumerate(params):
            try:
                slot = wanted.get(param)
            except TypeError:  # an unhashable parameter (a list of a PostgreSQL ANY) is no slot
                slot = None
            if slot is not None:
                slots.append((position, *slot))
                found.add(slot[:2])
        for index, stand_in in enumerate(stand_ins):
            items = enumerate(stand_in) if isinstance(stand_in, tuple) else [(None, stand_in)]
            for item, value in items:
                if (index, item) not in found or str(value) in sql:
                    raise ValueError(
                        f"argument {index} of {self.build!r} is not used as a value of the query"
                    )
        state = {
            name: getattr(compiler, name)
            for name in ("select", "klass_info", "annotation_col_map", "col_count")
        }
        state["has_extra_select"] = getattr(compiler, "has_extra_select", False)
        return _Compiled(queryset, connection, sql, tuple(params), tuple(slots), state)
