"""Per-user request rates on the expensive endpoints (settings DEFAULT_THROTTLE_RATES): sizing,
sweep, PDF and validation starts. Counters live in the shared cache, so every gunicorn worker sees
them; a cache outage lets requests through rather than answering 500."""
import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

log = logging.getLogger(__name__)


class ScopedUserThrottle(UserRateThrottle):
    """UserRateThrottle with the scope set by the subclass; 429 carries Retry-After (DRF)."""

    def get_rate(self):
        """Read at request time (DRF reads it at import), so settings overrides apply."""
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # e.g. Redis down: fail open, the broker check answers 503
            log.warning("throttle %s: cache unavailable (%s); request let through", self.scope, error)
            return True


class SizingThrottle(ScopedUserThrottle):
    scope = "sizing"


class SweepThrottle(ScopedUserThrottle):
    scope = "sweep"


class PdfThrottle(ScopedUserThrottle):
    scope = "pdf"


class ValidationStartThrottle(ScopedUserThrottle):
    scope = "validation_start"
