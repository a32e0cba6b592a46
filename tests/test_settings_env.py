"""Settings come from the environment and fail loudly on values they cannot use."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from recommender.env import database_from_url, envbool, envint, redis_url_checked


@pytest.mark.parametrize("raw, expected", [("true", True), ("0", False), ("Yes", True), ("off", False)])
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert envbool("DEBUG", None) is expected


def test_it_rejects_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe'"):
        envbool("DEBUG", False)


def test_it_rejects_a_non_integer_and_a_too_small_integer(monkeypatch):
    monkeypatch.setenv("VALIDATION_TIME_LIMIT_S", "ten")
    with pytest.raises(ImproperlyConfigured, match="expected an integer"):
        envint("VALIDATION_TIME_LIMIT_S", 1, minimum=10)
    monkeypatch.setenv("VALIDATION_TIME_LIMIT_S", "3")
    with pytest.raises(ImproperlyConfigured, match="at least 10"):
        envint("VALIDATION_TIME_LIMIT_S", 1, minimum=10)


def test_it_parses_postgres_urls():
    db = database_from_url("postgres://ad%40min:p%2Fw@db.example:6543/advisor?sslmode=require")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ad@min", "p/w", "db.example", "6543", "advisor")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_it_parses_sqlite_urls():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h/", "sqlite://"])
def test_it_rejects_database_urls_it_cannot_use(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_it_rejects_a_redis_url_of_another_scheme():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        redis_url_checked("http://127.0.0.1:6379")
