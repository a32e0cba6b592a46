"""Django's Redis cache, with one redis-py client per connection pool instead of one per call: a
`redis.Redis(...)` fills its table of ~170 response callbacks on creation, ~0.1 ms, twice for each
throttled request (docs/performance/README.md, "Sizing API"). A client holds no connection of its
own (the pool does), so reusing it changes nothing else; redis-py clients are thread-safe.

It also keeps the request throttles' sliding windows (`window_hit`): one Lua script, one round trip,
instead of DRF's get + set of a pickled list of timestamps (two round trips, and a read-modify-write
race between workers that the script, run atomically by Redis, does not have)."""
import uuid

from django.core.cache.backends import redis as django_redis

# KEYS[1]: the window (a sorted set of request times); ARGV: now, now - duration, limit, member,
# expiry in ms. Drops the times at or before now - duration (as DRF does), then records this request
# unless `limit` are left. Returns {allowed 0/1, requests in the window, oldest time} (times as
# strings: a Lua number would reach the client as an integer).
WINDOW_HIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or false
if count >= tonumber(ARGV[3]) then
  return {0, count, oldest}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, count + 1, oldest or ARGV[1]}
"""


class _ClientReusingRedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def window_hit(self, key, now, duration_s, limit):
        client = self.get_client(key, write=True)
        script = self.__dict__.get("_window_script")
        if script is None or script.registered_client is not client:
            script = self._window_script = client.register_script(WINDOW_HIT)
        allowed, count, oldest = script(keys=[key], args=[
            repr(now), repr(now - duration_s), limit, f"{now!r}:{uuid.uuid4().hex}", int(duration_s * 1000)])
        return bool(allowed), int(count), None if oldest is None else float(oldest)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientReusingRedisCacheClient

    def window_hit(self, key, now, duration_s, limit):
        """Count a request at `now` in the sliding window `key` of `duration_s` seconds, unless `limit`
        requests are in it already: (allowed, requests in the window, time of its oldest request or None)."""
        key = self.make_and_validate_key(key)
        return self._cache.window_hit(key, now, duration_s, limit)
