"""The catalog an evaluation ranks against: one frozen snapshot per process, rebuilt only when the
shared catalog version (one database row that every catalog write replaces) has changed.

Every save or delete of a catalog model (admin, API, CSV import, `manage.py catalog`, loaddata)
replaces the version token inside the same transaction (`catalog_changed`, connected in
`CatalogConfig.ready`). Each process reads that token with one primary-key query per evaluation and
rebuilds its snapshot, through `selectors.catalog_current()`, only when the token differs. Bulk
writes that send no signals (`QuerySet.update`, `bulk_create` alone) must call `catalog_changed()`.
"""
import datetime
import functools
import threading
import uuid
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from . import selectors
from .frozen import freeze

_lock = threading.Lock()
_current = None  # the CatalogSnapshot of this process
QUOTES_CACHED_USERS = 512  # per snapshot; the least recently used user's quotes go first


@dataclass(frozen=True)
class CatalogSnapshot:
    catalog: dict  # frozen: FrozenDict / FrozenList all the way down
    token: str | None  # the version token it was built at (None: no version table yet)
    _quotes: OrderedDict = field(default_factory=OrderedDict, compare=False, repr=False)
    _quotes_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def version(self):
        return self.catalog.get("version", "")

    def quotes(self, user):
        """`user`'s valid quotes (never anyone else's), read once per snapshot and day: a quote is a
        catalog row, so its save or delete replaces the version token and with it this snapshot."""
        if self.token is None or user is None or not getattr(user, "is_authenticated", False):
            return selectors.quotes_for(user)
        key = (user.pk, datetime.date.today())  # a quote stops counting the day after its valid_until
        with self._quotes_lock:
            if key in self._quotes:
                self._quotes.move_to_end(key)
                return self._quotes[key]
        quotes = freeze(selectors.quotes_for(user))
        with self._quotes_lock:
            self._quotes[key] = quotes
            while len(self._quotes) > QUOTES_CACHED_USERS:
                self._quotes.popitem(last=False)
        return quotes


def current():
    """This process's snapshot, rebuilt first when another process (or this one) changed the catalog."""
    token = version_token()
    snapshot = _current
    if snapshot is not None and snapshot.token == token:
        return snapshot
    return _rebuild(token)


def _rebuild(token):
    """The token was read before the catalog: a change in between leaves a stale token, so the next
    call rebuilds again; never a new catalog kept under an old token."""
    global _current
    with _lock:
        if _current is not None and _current.token == token:
            return _current
        _current = CatalogSnapshot(freeze(selectors.catalog_current()), token)
        return _current


def version_token():
    """The shared version token; None when the table is not there yet (before `migrate`).

    Read through the driver's cursor: Django's cursor wrappers cost ~2/3 of this one-row read
    (~0.15 M instructions a sizing request). Django's cursor reads it inside a transaction and
    wherever queries are watched (DEBUG, a test capturing them, an execute wrapper)."""
    if connection.in_atomic_block or connection.queries_logged or connection.execute_wrappers:
        return _version_token_through_django()
    try:
        connection.ensure_connection()
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(_version_sql())
                row = cursor.fetchone()
            finally:
                cursor.close()
    except DatabaseError:
        return None
    return row[0] if row else ""


def _version_token_through_django():
    """The same read through Django's cursor (logged, wrapped; savepoint inside a transaction)."""
    try:
        with _savepoint_if_in_transaction(), connection.cursor() as cursor:
            cursor.execute(_version_sql())
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return row[0] if row else ""


def _version_sql():
    return _version_sql_for(connection.vendor)


@functools.lru_cache(maxsize=8)
def _version_sql_for(vendor):
    """The statement in this database's quoting (built once per process and vendor)."""
    from .models import CatalogVersion

    return f"SELECT token FROM {connection.ops.quote_name(CatalogVersion._meta.db_table)} WHERE id = 1"


def _savepoint_if_in_transaction():
    """A failed read inside a transaction must not abort it (PostgreSQL), so it gets a savepoint."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def catalog_changed(**_signal_arguments):
    """Give the catalog a new version token (in the caller's transaction, so a rollback undoes it)."""
    from .models import CatalogVersion

    token = uuid.uuid4().hex
    if not CatalogVersion.objects.filter(pk=1).update(token=token):
        CatalogVersion.objects.update_or_create(pk=1, defaults={"token": token})


def connect_signals(app_config):
    """Every model of the catalog app, present and future, bumps the version on save and delete."""
    from .models import CatalogVersion

    for model in app_config.get_models():
        if model is CatalogVersion:
            continue
        uid = f"catalog-version:{model._meta.label}"
        post_save.connect(catalog_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(catalog_changed, sender=field.remote_field.through, dispatch_uid=uid)
    # `migrate` and `flush` (which ends with post_migrate) change rows without model signals
    post_migrate.connect(catalog_changed, sender=app_config, dispatch_uid="catalog-version:migrate")


def forget():
    """Drop this process's snapshot (tests and benchmarks that want a cold start)."""
    global _current
    _current = None
