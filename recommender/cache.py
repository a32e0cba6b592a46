"""Django's Redis cache, with one redis-py client per connection pool instead of one per call: a
`redis.Redis(...)` fills its table of ~170 response callbacks on creation, ~0.1 ms, twice for each
throttled request (docs/performance/README.md, "Sizing API"). A client holds no connection of its
own (the pool does), so reusing it changes nothing else; redis-py clients are thread-safe."""
from django.core.cache.backends import redis as django_redis


class _ClientReusingRedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientReusingRedisCacheClient
