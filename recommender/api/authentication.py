"""Token authentication with DRF's rules, read with one prepared SQL statement instead of an ORM
query: DRF's `select_related("user").get(key=…)` spent ~0.5 ms building its SQL on every request,
a quarter of the API root's CPU (docs/performance/README.md, "Sizing API").

Nothing is cached: every request reads the token and its user afresh, so a deleted or rotated token,
a deactivated user or a changed flag (is_staff, is_superuser) counts from the next request on, in
every process. The row is converted by the database backend's own converters and loaded with
`Model.from_db`, exactly as the ORM would load it."""
from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class _Statement:
    """SELECT every column of the token and of its user, by key (built once per process and database)."""

    def __init__(self, token_model, connection):
        self.token_model, self.user_model = token_model, get_user_model()
        self.token_fields = list(token_model._meta.concrete_fields)
        self.user_fields = list(self.user_model._meta.concrete_fields)
        q = connection.ops.quote_name
        token_table, user_table = q(token_model._meta.db_table), q(self.user_model._meta.db_table)
        user_fk = token_model._meta.get_field("user")
        columns = [f"{token_table}.{q(f.column)}" for f in self.token_fields]
        columns += [f"{user_table}.{q(f.column)}" for f in self.user_fields]
        key_column = q(token_model._meta.get_field("key").column)
        self.sql = (f"SELECT {', '.join(columns)} FROM {token_table} INNER JOIN {user_table} ON "
                    f"{token_table}.{q(user_fk.column)} = {user_table}.{q(user_fk.target_field.column)} "
                    f"WHERE {token_table}.{key_column} = %s")
        self.converters = [self._converters(f, connection) for f in self.token_fields + self.user_fields]
        self.user_fk = user_fk

    @staticmethod
    def _converters(field, connection):
        column = field.get_col(field.model._meta.db_table)
        return column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def load(self, connection, key):
        """(user, token) as the ORM loads them, or None when no token has this key."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [key])
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (column, converters) in zip(row, self.converters):
            for convert in converters:
                value = convert(value, column, connection)
            values.append(value)
        split = len(self.token_fields)
        token = self.token_model.from_db(connection.alias, [f.attname for f in self.token_fields], values[:split])
        user = self.user_model.from_db(connection.alias, [f.attname for f in self.user_fields], values[split:])
        self.user_fk.set_cached_value(token, user)
        return user, token


_statements = {}  # (token model, database alias) → _Statement


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, answered as DRF answers it (same errors, same user and token)."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        connection = connections[router.db_for_read(model)]
        statement = _statements.get((model, connection.alias))
        if statement is None:
            statement = _statements[(model, connection.alias)] = _Statement(model, connection)
        loaded = statement.load(connection, key)
        if loaded is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, token = loaded
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token
