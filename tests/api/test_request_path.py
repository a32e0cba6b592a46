"""The sizing request path's fast parts give what DRF and the ORM gave: the token lookup (no cache:
revocation counts at once), the per-process quotes of a user, and the orjson renderer."""
import datetime
import json
import math
import struct
from decimal import Decimal

import pytest
from rest_framework import renderers as drf_renderers
from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient

from recommender import services
from recommender.api import authentication, renderers
from recommender.catalog import quotes, snapshot
from recommender.catalog.frozen import freeze
from recommender.catalog.models import Quote

from tests.ranking.helpers import usecases

from .cases import MLPERF_LLAMA3_8B

pytestmark = pytest.mark.django_db
LATER = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
QUOTE = {"block_id": "net-port-400g", "unit_price_usd": 1500, "valid_until": LATER, "vendor_ref": "ACME-Q-1"}


def token_client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def row(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_token_lookup_loads_what_drfs_loads(user):
    token = Token.objects.create(user=user)
    mine = authentication.TokenAuthentication().authenticate_credentials(token.key)
    theirs = DRFTokenAuthentication().authenticate_credentials(token.key)
    assert [row(o) for o in mine] == [row(o) for o in theirs]
    assert mine[1].user is mine[0] and not mine[0]._state.adding and mine[0]._state.db == "default"


def test_a_deleted_or_rotated_token_is_refused_from_the_next_request_on(user):
    token = Token.objects.create(user=user)
    client = token_client(token)
    assert client.get("/api/v1/").status_code == 200
    token.delete()
    assert client.get("/api/v1/").status_code == 401
    rotated = Token.objects.create(user=user)
    assert client.get("/api/v1/").status_code == 401
    assert token_client(rotated).get("/api/v1/").status_code == 200


def test_a_deactivated_user_is_refused_and_a_flag_change_counts_at_once(user):
    token = Token.objects.create(user=user)
    auth = authentication.TokenAuthentication()
    assert auth.authenticate_credentials(token.key)[0].is_staff is False
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    assert auth.authenticate_credentials(token.key)[0].is_staff is True
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed, match="inactive"):
        auth.authenticate_credentials(token.key)
    with pytest.raises(AuthenticationFailed, match="Invalid token"):
        auth.authenticate_credentials("0" * 40)


def test_a_users_quotes_count_from_the_next_evaluation_on_and_stay_theirs(user, other_user):
    ports = lambda doc: next(l for l in doc["proposals"][0]["bom"] if l["item"] == "net-port-400g")  # noqa: E731
    use_case = next(document for name, document, _ in usecases() if name == "cv_training")  # net-port-400g
    before = ports(services.use_case_evaluate(use_case, owner=user))  # now cached for this catalog version
    assert before["price_basis"] != "quote"
    quotes.quotes_import(user, quotes.quote_rows_json([QUOTE]))
    assert ports(services.use_case_evaluate(use_case, owner=user))["price_basis"] == "quote"
    assert ports(services.use_case_evaluate(use_case, owner=other_user))["price_basis"] != "quote"
    Quote.objects.filter(owner=user).delete()
    assert ports(services.use_case_evaluate(use_case, owner=user))["price_basis"] != "quote"


def test_the_cached_quotes_are_bounded(user, django_user_model, monkeypatch):
    monkeypatch.setattr(snapshot, "QUOTES_CACHED_USERS", 2)
    for n in range(4):
        services.use_case_evaluate(MLPERF_LLAMA3_8B, owner=django_user_model.objects.create_user(f"u{n}"))
    assert len(snapshot.current()._quotes) == 2


def drf_json(data):
    return drf_renderers.JSONRenderer().render(data)


def test_the_sizing_document_renders_as_drfs(api_client):
    document = api_client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json").json()
    assert renderers.JSONRenderer().render(document) == drf_json(document)


@pytest.mark.parametrize("data", [
    {"when": datetime.datetime(2026, 12, 2, 1, 2, 3, 456789, tzinfo=datetime.timezone.utc),
     "day": datetime.date(2026, 12, 2), "price": Decimal("1.10"), "ids": {3}},
    {"text": "line\u2028separator\u2029é", "big": 2**70, 1: "an int key"},
    {"tiny": 1e-7, "huge": 1.5e16, "none": None, "deep": [[[[{}]]]]},
])
def test_other_values_render_as_drfs_document(data):
    assert json.loads(renderers.JSONRenderer().render(data)) == json.loads(drf_json(data))
    assert b"\xe2\x80\xa8" not in renderers.JSONRenderer().render(data)


@pytest.mark.parametrize("text", [
    "line\u2028separator", "paragraph\u2029separator", "© and ¨ without a separator", "© then \u2029 then ¨",
    "\u2028", "…’“” other U+20xx punctuation", "plain ascii",
])
def test_line_and_paragraph_separators_are_escaped_byte_for_byte_as_drf_does(text):
    assert renderers.JSONRenderer().render({"text": text, "list": [text]}) == drf_json({"text": text, "list": [text]})


class Ratio(float):
    pass


@pytest.mark.parametrize("bad", [
    {"x": math.nan}, [1.0, math.inf], {"y": [Decimal("-Infinity")]}, -math.inf,
    {"deep": [{"a": "text", "b": 1, "c": None, "d": True}, {"e": [[(2.0, math.nan)]]}]},  # in a tuple
    freeze({"catalog": [{"price": 1.5}, {"price": -math.inf}]}),  # frozen dict and list subclasses
    {"ratio": Ratio("nan")}, {"rows": [[1, 2.5, "x"]] * 500 + [[math.inf]]},  # float subclass; far in
])
def test_a_non_finite_number_is_refused_as_drf_refuses_it(bad):
    with pytest.raises(ValueError, match="not JSON compliant"):
        drf_json(bad)
    with pytest.raises(ValueError, match="not JSON compliant"):
        renderers.JSONRenderer().render(bad)


def nested(depth, leaf):
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@pytest.mark.parametrize("value, finite", [
    ([1.7976931348623157e308, -1.7976931348623157e308, 5e-324, -0.0], True),  # exponent bytes 0x7FEF, 0xFFEF
    ([-1, -2**31, -2**62, 2**31 - 1, 127, 255, 2**70], True),  # integers whose bytes are 0x7F or 0xFF
    (["\x7f" * 3, "\x7f" * 200, "ÿ ÿ"], True),  # U+007F (the byte 0x7F), past the candidates cap; U+00FF
    ([-1] * 100 + [math.nan], False), (["\x7f" * 200, -math.inf], False),  # too many candidates: walked
    ([float.fromhex("0x1.fffffffffffffp+1023") * 2], False), ([-math.nan, math.inf, -math.inf], False),
    ([struct.unpack("<d", bytes.fromhex("01000000000000ff"))[0]], True),  # 0xFF last, exponent not all ones
    ([struct.unpack("<d", bytes.fromhex("010000000000f8ff"))[0]], False),  # a NaN with another payload
    ([nested(3000, 1.5)], True), ([nested(3000, math.nan)], False),  # deeper than marshal writes
    ([{1.5, 2.5}], True), ([{1.5, math.nan}], False), ([frozenset([math.inf])], False),  # sets: DRF lists them
    ([(1.5, ("x", -1))], True), ([Decimal("1.5"), datetime.date(2026, 12, 3), 2.5], True),
])
def test_the_finite_check_reads_floats_as_the_walk_does(value, finite):
    assert renderers.all_finite(value) is finite
    assert renderers._all_finite_walk(value) is finite


@pytest.mark.parametrize("name, use_case", [case[:2] for case in usecases()], ids=lambda v: v if isinstance(v, str) else "")
def test_a_finite_proposal_document_needs_no_walk(name, use_case, monkeypatch):
    document = services.use_case_evaluate(use_case)
    monkeypatch.setattr(renderers, "_all_finite_walk", lambda value: pytest.fail("walked a finite document"))
    assert renderers.all_finite([document])


def test_a_lone_surrogate_from_the_database_is_replaced():
    assert json.loads(renderers.JSONRenderer().render({"name": "a\ud83d"})) == {"name": "a\ufffd"}


def test_the_redis_cache_reuses_one_client_per_pool_and_still_works(redis_url):
    from recommender.cache import RedisCache

    cache = RedisCache(redis_url, {"KEY_PREFIX": "request-path-test"})
    assert cache._cache.get_client("k") is cache._cache.get_client("k", write=True)
    cache.set("k", [1.5, "x"], 30)
    assert cache.get("k") == [1.5, "x"]
    cache.delete("k")
    assert cache.get("k") is None


def test_the_finite_check_passes_every_finite_document_through_orjson(api_client):
    document = api_client.post("/api/v1/sizing", MLPERF_LLAMA3_8B, format="json").json()
    assert renderers.all_finite([document]) and renderers.fast_json(document) == drf_json(document)


def wsgi_post(path, body, token):
    """POST through the WSGI application as gunicorn calls it: the response object, consumed and closed."""
    import io

    from django.core.wsgi import get_wsgi_application

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
               "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(),
               "HTTP_AUTHORIZATION": f"Token {token.key}", "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1"}
    from django.core import signals
    from django.db import close_old_connections

    status = []
    # as Django's test client does: the test's transaction (its connection) must outlive the request
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = get_wsgi_application()(environ, lambda s, headers, *exc: status.append(s))
        content = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return status[0], content, response


def test_a_sent_sizing_document_is_freed_without_the_garbage_collector(user):
    import gc
    import weakref

    body = json.dumps(MLPERF_LLAMA3_8B).encode()
    token = Token.objects.create(user=user)
    gc.disable()
    try:
        status, content, response = wsgi_post("/api/v1/sizing", body, token)
        assert status.startswith("200") and json.loads(content)["proposals"]
        data = weakref.ref(response)
        del response
        assert data() is None  # no cycle holds the response (and its document) any more
    finally:
        gc.enable()
