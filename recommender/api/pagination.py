"""List pagination: ?limit=&offset= as before, with a ceiling on limit (a limit beyond what the
database's LIMIT takes, e.g. ?limit=10**21, failed with a 500)."""
from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 10_000  # larger limits are cut to this, as DRF documents for max_limit
