"""The cache: Redis shared by every worker, and this process's memory while Redis is away.

The cache only ever helps (header hints, sign-in rate-limit counters), so an unreachable Redis
must not turn a page into a 500. ``FailoverRedisCache`` sends every call to Redis; when Redis
refuses or times out it answers from a local in-memory cache instead and leaves Redis alone for
``RETRY_SECONDS`` (a hung Redis would otherwise cost its socket timeout on every call), then
tries again. Rate limits therefore keep counting while Redis is down, per process instead of
site-wide: looser by the number of worker processes, never open.

Django makes a cache object per thread and, under ASGI, per request. Each would open its own
Redis connection (a connect and a handshake on every request) and keep its own fallback and
pause, so the Redis client, the fallback and the pause belong to the process instead
(``_Shared``, one per location and options), and every cache object uses them.

Django's Redis backend also builds a new ``redis.Redis`` object for every call (on the same
connection pool). Building one fills its table of about 170 response callbacks: about 0.3 ms of
CPU on this project's machines, several times per page (a field page makes six cache calls).
A ``redis.Redis`` object is safe to share between threads (each command takes a connection from
the pool), so ``_OneClientPerPool`` builds one per pool and keeps it.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _OneClientPerPool(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class _ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool


class _Shared:
    """What every cache object of one location shares in a process: the Redis client (and so
    its connection pool), the in-memory fallback, and until when Redis is left alone."""

    def __init__(self, server, params):
        self.primary = _ReusingRedisCache(server, params)
        local_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        self.fallback = LocMemCache(f"failover-{id(self)}", local_params)
        self.down_until = 0.0
        self.lock = threading.Lock()


_shared: dict[str, _Shared] = {}
_shared_lock = threading.Lock()


def _shared_for(server, params) -> _Shared:
    key = repr((server, sorted(params.items(), key=lambda item: item[0])))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = _Shared(server, params)
        return _shared[key]


class FailoverRedisCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        self._shared = _shared_for(server, params)
        self.primary = self._shared.primary
        self.fallback = self._shared.fallback

    @property
    def redis_available(self) -> bool:
        return time.monotonic() >= self._shared.down_until

    def _call(self, name: str, *args, **kwargs):
        if self.redis_available:
            try:
                return getattr(self.primary, name)(*args, **kwargs)
            except UNAVAILABLE as error:
                with self._shared.lock:
                    was_up = self.redis_available
                    self._shared.down_until = time.monotonic() + RETRY_SECONDS
                if was_up:
                    logger.warning(
                        "Redis cache unavailable (%s); using this process's memory for %.0f s",
                        type(error).__name__,
                        RETRY_SECONDS,
                    )
        return getattr(self.fallback, name)(*args, **kwargs)

    def ping(self) -> None:
        """Raise unless Redis answers now (for /healthz; ignores the retry pause)."""
        self.primary._cache.get_client(write=True).ping()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        self.primary.close(**kwargs)
