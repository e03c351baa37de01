"""Hostile tokens beyond the spec's table (issue 4, item 1). Never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import falcon.testing
import jwt
import pytest

from api.app import create_app
from tests.api.conftest import AS_OF, ORIGIN, PATH, SECRET, config, token


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_token(header: dict | list, payload, key: str = SECRET, signature: str | None = None) -> str:
    head = b64(json.dumps(header).encode())
    body = b64(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    if signature is None:
        signature = b64(hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{signature}"


def claims(**extra):
    now = int(time.time())
    return {
        "exp": now + 600,
        "iat": now,
        "token_type": "access",
        "jti": "j",
        "is_admin": True,
        **extra,
    }


def status(client, auth: str | None, **params) -> falcon.testing.Result:
    headers = {"Authorization": auth} if auth is not None else {}
    return client.simulate_get(PATH, headers=headers, params={"as_of": AS_OF, **params})


def assert_invalid_token(result):
    assert result.status_code == 401, result.text
    assert 'error="invalid_token"' in result.headers["WWW-Authenticate"]


def test_a_well_formed_raw_token_is_accepted(sqlite_client):
    assert (
        status(
            sqlite_client, f"Bearer {raw_token({'alg': 'HS256', 'typ': 'JWT'}, claims())}"
        ).status_code
        == 200
    )


@pytest.mark.parametrize("alg", ["none", "NONE", "None", "nOnE"])
def test_alg_none_in_every_spelling(sqlite_client, alg):
    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64(json.dumps(claims()).encode())
    for tok in (f"{head}.{body}.", f"{head}.{body}.{b64(b'x')}"):
        assert_invalid_token(status(sqlite_client, f"Bearer {tok}"))


@pytest.mark.parametrize("alg", ["HS512", "RS256", "ES256", "PS256"])
def test_other_algorithms_when_hs256_is_configured(sqlite_client, alg):
    assert_invalid_token(status(sqlite_client, f"Bearer {raw_token({'alg': alg}, claims())}"))


def test_hs256_signed_with_a_public_key_text(sqlite_client):
    public = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
    assert_invalid_token(
        status(sqlite_client, f"Bearer {raw_token({'alg': 'HS256'}, claims(), key=public)}")
    )


def test_wrong_key(sqlite_client):
    assert_invalid_token(
        status(sqlite_client, f"Bearer {raw_token({'alg': 'HS256'}, claims(), key='x' * 64)}")
    )


def test_payload_altered_with_the_old_signature(sqlite_client):
    good = raw_token({"alg": "HS256"}, claims(is_admin=False))
    head, _, sig = good.split(".")
    forged = f"{head}.{b64(json.dumps(claims()).encode())}.{sig}"
    assert_invalid_token(status(sqlite_client, f"Bearer {forged}"))


def test_exp_equal_to_now_is_expired(sqlite_client):
    assert_invalid_token(status(sqlite_client, f"Bearer {token(exp=int(time.time()))}"))


def test_exp_inside_the_configured_leeway_is_accepted(seeded_service):
    client = falcon.testing.TestClient(create_app(config(jwt_leeway=60), seeded_service.session))
    assert status(client, f"Bearer {token(exp=int(time.time()) - 30)}").status_code == 200
    assert_invalid_token(status(client, f"Bearer {token(exp=int(time.time()) - 120)}"))


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_nbf_or_iat_in_the_future(sqlite_client, claim):
    tok = raw_token({"alg": "HS256"}, claims(**{claim: int(time.time()) + 3600}))
    assert_invalid_token(status(sqlite_client, f"Bearer {tok}"))


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
@pytest.mark.parametrize("value", [None, [], "x", {}, True, "1e999"])
def test_odd_time_claims_are_401_never_500(sqlite_client, claim, value):
    payload = json.dumps(claims()).replace("}", f', "{claim}": {json.dumps(value)}}}')
    if value == "1e999":
        payload = payload.replace('"1e999"', "1e999")
    tok = raw_token({"alg": "HS256"}, payload.encode())
    assert status(sqlite_client, f"Bearer {tok}").status_code == 401


@pytest.mark.parametrize("missing", ["jti", "token_type"])
def test_required_claims_when_configured(seeded_service, missing):
    client = falcon.testing.TestClient(
        create_app(config(jwt_required_claims=("exp", "jti", "token_type")), seeded_service.session)
    )
    full = claims()
    assert status(client, f"Bearer {raw_token({'alg': 'HS256'}, full)}").status_code == 200
    del full[missing]
    assert_invalid_token(status(client, f"Bearer {raw_token({'alg': 'HS256'}, full)}"))


def test_crit_header_is_refused(sqlite_client):
    tok = raw_token({"alg": "HS256", "crit": ["exp"]}, claims())
    assert_invalid_token(status(sqlite_client, f"Bearer {tok}"))


def test_payload_that_is_a_json_array(sqlite_client):
    assert_invalid_token(status(sqlite_client, f"Bearer {raw_token({'alg': 'HS256'}, [1, 2])}"))


def test_header_that_is_not_an_object(sqlite_client):
    assert_invalid_token(status(sqlite_client, f"Bearer {raw_token(['HS256'], claims())}"))


def test_two_segment_token(sqlite_client):
    head, body, _ = token().split(".")
    assert_invalid_token(status(sqlite_client, f"Bearer {head}.{body}"))


@pytest.mark.parametrize("text", ["Bearer tök.en.x", "Bearer \xe9\xe8.\xff.x", "Bearer \u2603.a.b"])
def test_non_ascii_and_latin1_bytes(sqlite_client, text):
    assert status(sqlite_client, text).status_code == 401


def test_non_ascii_inside_the_jose_header(sqlite_client):
    head = b64('{"alg": "HS256", "kid": "\xe9"}'.encode("latin-1"))
    body = b64(json.dumps(claims()).encode())
    assert_invalid_token(status(sqlite_client, f"Bearer {head}.{body}.{b64(b'sig')}"))


def test_100_kb_token_is_rejected_before_decoding(sqlite_client, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("decoded a 100 KB token")

    monkeypatch.setattr(jwt, "decode", boom)
    assert_invalid_token(
        status(sqlite_client, "Bearer " + "a" * 50_000 + "." + "b" * 50_000 + ".c")
    )


@pytest.mark.parametrize("auth", ["Bearer", "Bearer ", f"Bearer {token()} {token()}", "Bearer a b"])
def test_bearer_with_no_or_two_tokens_is_invalid_request(sqlite_client, auth):
    result = status(sqlite_client, auth)
    assert result.status_code == 400
    assert 'error="invalid_request"' in result.headers["WWW-Authenticate"]


def test_two_authorization_headers(sqlite_client):
    result = sqlite_client.simulate_get(
        PATH,
        headers=[("Authorization", f"Bearer {token()}"), ("Authorization", f"Bearer {token()}")],
        params={"as_of": AS_OF},
    )
    assert result.status_code in (400, 401)


def test_token_only_in_the_query_string(sqlite_client):
    result = sqlite_client.simulate_get(PATH, params={"access_token": token(), "as_of": AS_OF})
    assert result.status_code == 401


def test_errors_carry_cors_for_allowed_origins_and_no_secret(sqlite_client):
    result = sqlite_client.simulate_get(
        PATH, headers={"Authorization": "Bearer x.y.z", "Origin": ORIGIN}
    )
    assert result.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert SECRET not in result.text
