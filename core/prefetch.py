"""A related list known to be empty, given to an instance without a query.

A page or an event that already knows an object has no related rows (a post without files, a
message sent without any) stores the empty list the way ``prefetch_related`` stores what it
read, so that templates calling ``.all()`` on the relation make no query. Django keeps that
cache in ``_prefetched_objects_cache``, a private attribute: ``tests/core/test_prefetch.py``
checks it after an upgrade.
"""


def known_empty(instance, relation: str) -> None:
    """``instance.<relation>.all()`` is ``[]`` from now on, without a query."""
    empty = getattr(instance, relation).get_queryset()  # not evaluated: no query
    empty._result_cache = []
    empty._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}
    cache[relation] = empty
