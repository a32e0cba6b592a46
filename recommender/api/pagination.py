"""List pagination: ?limit=&offset=, with limit capped at 100: a larger limit (even ?limit=10**21,
beyond what the database's LIMIT takes) is cut to it, so one request cannot build a huge page."""
from rest_framework.pagination import LimitOffsetPagination


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 100
