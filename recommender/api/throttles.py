"""Per-user request rates on the expensive endpoints (settings DEFAULT_THROTTLE_RATES): sizing,
sweep, PDF and validation starts. Counters live in the shared cache, so every gunicorn worker sees
them; a cache outage lets requests through rather than answering 500.

On Redis the window is one sorted set updated by one script (`recommender.cache`, one round trip);
on the database cache it is DRF's list of timestamps. Both are DRF's sliding window: a request is
refused when `num_requests` were let through in the last `duration` seconds (refused ones do not
count), and Retry-After is DRF's wait()."""
import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

log = logging.getLogger(__name__)
WINDOW_KEY_SUFFIX = ":window"  # not DRF's key: that one holds a pickled list, this one a sorted set


class ScopedUserThrottle(UserRateThrottle):
    """UserRateThrottle with the scope set by the subclass; 429 carries Retry-After (DRF)."""

    def get_rate(self):
        """Read at request time (DRF reads it at import), so settings overrides apply."""
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            if self.rate is not None and hasattr(self.cache, "window_hit"):
                return self._allow_in_window(request, view)
            return super().allow_request(request, view)
        except Exception as error:  # e.g. Redis down: fail open, the broker check answers 503
            log.warning("throttle %s: cache unavailable (%s); request let through", self.scope, error)
            return True

    def _allow_in_window(self, request, view):
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, self._in_window, self._oldest = self.cache.window_hit(
            self.key + WINDOW_KEY_SUFFIX, self.now, self.duration, self.num_requests)
        return allowed

    def wait(self):
        """DRF's wait() over the window the script saw (its history: that many times, the oldest last)."""
        if not hasattr(self, "_in_window"):
            return super().wait()
        remaining_duration = self.duration - (self.now - self._oldest) if self._in_window else self.duration
        available_requests = self.num_requests - self._in_window + 1
        if available_requests <= 0:
            return None
        return remaining_duration / float(available_requests)


class SizingThrottle(ScopedUserThrottle):
    scope = "sizing"


class SweepThrottle(ScopedUserThrottle):
    scope = "sweep"


class PdfThrottle(ScopedUserThrottle):
    scope = "pdf"


class ValidationStartThrottle(ScopedUserThrottle):
    scope = "validation_start"
