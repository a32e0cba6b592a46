"""The request throttles on Redis (one script, one round trip) refuse and advise Retry-After exactly as
DRF's sliding window does, per user, and let requests through when the cache is down."""
import math
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from recommender.api import throttles

from .cases import MLPERF_LLAMA3_8B

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_url):
    """The default cache on a real Redis (database 11, a prefix of its own: no flush needed)."""
    url = redis_url.rsplit("/", 1)[0] + "/11"
    settings.CACHES = {"default": {"BACKEND": "recommender.cache.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    yield caches["default"]
    caches["default"].close()


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "sizing": "2/min"}}


class Clock:
    def __init__(self):
        self.now = 1_767_225_600.125

    def __call__(self):
        return self.now


class FakeUser:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


class FakeRequest:
    def __init__(self, user):
        self.user = user


def decisions(throttle_class, clock, steps, user_pk):
    """(allowed, wait) of a fresh throttle per request (as DRF makes one per request) at each time step."""
    out = []
    for step in steps:
        clock.now += step
        throttle = throttle_class()
        throttle.timer = clock
        allowed = throttle.allow_request(FakeRequest(FakeUser(user_pk)), None)
        out.append((allowed, None if allowed else throttle.wait()))
    return out


def test_the_redis_window_decides_and_advises_as_drfs_does(redis_cache, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"sizing": "3/s"}}

    class DRFSizing(UserRateThrottle):  # DRF's own list of timestamps, in a cache of its own
        scope, rate = "sizing", "3/s"
        cache = LocMemCache(f"drf-{uuid.uuid4().hex}", {})

    steps = [0, 0.1, 0.2, 0.1, 0.3, 0.29, 0.01, 0.5, 0.0, 0.0, 0.0, 1.0, 0.999, 0.001, 0.25, 0.25]
    ours = decisions(throttles.SizingThrottle, Clock(), steps, user_pk=7)
    theirs = decisions(DRFSizing, Clock(), steps, user_pk=7)
    assert hasattr(cache, "window_hit")  # the Redis path ran, not DRF's
    assert [a for a, _ in ours] == [a for a, _ in theirs]
    assert [w for _, w in ours] == pytest.approx([w for _, w in theirs], abs=1e-6)
    assert [a for a, _ in ours].count(False) >= 4  # the sequence does hit the limit


def test_sizing_answers_429_with_retry_after_per_user_on_redis(redis_cache, low_rates, user, other_user):
    client = APIClient()
    client.force_authenticate(user)
    answers = [client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60 and "throttled" in answers[-1].json()["detail"]
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json").status_code == 200


def test_a_refused_request_does_not_count_and_the_window_slides(redis_cache):
    clock = Clock()
    throttles.SizingThrottle.rate = "2/s"  # class attribute: DRF reads `rate` before get_rate()
    try:
        got = decisions(throttles.SizingThrottle, clock, [0, 0.4, 0.1, 0.1, 0.45, 0.01], user_pk=9)
    finally:
        del throttles.SizingThrottle.rate
    # t = 0, 0.4 let through; 0.5, 0.6 refused (wait: 1 - 0.5, 1 - 0.6); at 1.05 the first has left
    # the window (refusals never counted), at 1.06 the window holds 0.4 and 1.05 again
    assert [a for a, _ in got] == [True, True, False, False, True, False]
    assert [w for _, w in got][2:4] == pytest.approx([0.5, 0.4])
    assert got[5][1] == pytest.approx(1 - (1.06 - 0.4))
    assert math.ceil(got[2][1]) == 1


def test_a_redis_outage_lets_requests_through(settings, user):
    settings.CACHES = {"default": {"BACKEND": "recommender.cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/11",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    clock = Clock()
    assert decisions(throttles.SizingThrottle, clock, [0, 0], user_pk=user.pk) == [(True, None), (True, None)]
