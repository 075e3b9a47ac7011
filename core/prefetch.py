"""A related list known to be empty, given to an instance without a query.

A page or an event that already knows an object has no related rows (a post without files, a
message sent without any) stores the empty list the way ``prefetch_related`` stores what it
read, so that templates calling ``.all()`` on the relation make no query. Django keeps that
cache in ``_prefetched_objects_cache``, a private attribute: ``tests/core/test_prefetch.py``
checks it after an upgrade.

What is stored is a copy of the related model's ``none()`` queryset, not the relation's own
filtered queryset: building that filter costs about 13 µs a post against 3 µs for the copy, and
anything chained on an empty queryset (``.filter()``, ``.count()``) stays empty without a query,
as it would for a relation that has no rows.
"""

from functools import cache


@cache
def _nothing_of(model):
    return model._base_manager.none()


def known_empty(instance, relation: str) -> None:
    """``instance.<relation>.all()`` is ``[]`` from now on, without a query."""
    descriptor = getattr(type(instance), relation)
    empty = _nothing_of(descriptor.rel.related_model)._chain()
    empty._result_cache = []
    empty._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}
    cache[relation] = empty
