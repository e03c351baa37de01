"""Spec section 4, the auth rows: 401 with a Bearer challenge, 403 for non-admins."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.api.conftest import AS_OF, PATH, PATHS, SECRET, bearer, token

OK = {"as_of": AS_OF}


def get(client, headers=None, path=PATH, **params):
    return client.simulate_get(path, headers=headers or {}, params={**OK, **params})


def assert_401(result, error: str | None = "invalid_token"):
    assert result.status_code == 401
    challenge = result.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    if error:
        assert f'error="{error}"' in challenge
    assert result.json["title"] == "Unauthorized"


def test_admin_token_is_accepted(sqlite_client, any_path):
    assert get(sqlite_client, bearer(token()), any_path).status_code == 200


def test_missing_header(sqlite_client, any_path):
    assert_401(get(sqlite_client, path=any_path), error=None)


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Token abc", "bearer", "JWT x.y.z"])
def test_other_schemes(sqlite_client, header):
    result = get(sqlite_client, {"Authorization": header})
    assert result.status_code in (400, 401)
    if header.lower() != "bearer":
        assert_401(result, error=None)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "BeArEr"])
def test_scheme_is_case_insensitive(sqlite_client, scheme):
    assert get(sqlite_client, {"Authorization": f"{scheme} {token()}"}).status_code == 200


@pytest.mark.parametrize("bad", ["not-a-token", "a.b.c", "a.b", "....", "x" * 9000])
def test_malformed_tokens(sqlite_client, bad):
    assert_401(get(sqlite_client, bearer(bad)))


def test_badly_signed(sqlite_client):
    forged = jwt.encode(
        {"exp": time.time() + 60, "is_admin": True}, "another-secret-0123456789-0123456789"
    )
    assert_401(get(sqlite_client, bearer(forged)))


def test_expired(sqlite_client, any_path):
    assert_401(get(sqlite_client, bearer(token(exp=int(time.time()) - 10)), any_path))


def test_not_yet_valid(sqlite_client):
    assert_401(get(sqlite_client, bearer(token(nbf=int(time.time()) + 3600))))


def test_exp_is_required(sqlite_client):
    tok = jwt.encode({"is_admin": True, "token_type": "access"}, SECRET, algorithm="HS256")
    assert_401(get(sqlite_client, bearer(tok)))


@pytest.mark.parametrize("alg", ["HS512", "HS384"])
def test_other_algorithms_are_refused(sqlite_client, alg):
    tok = jwt.encode({"exp": time.time() + 60, "is_admin": True}, SECRET, algorithm=alg)
    assert_401(get(sqlite_client, bearer(tok)))


def test_alg_none_is_refused(sqlite_client):
    tok = jwt.encode({"exp": time.time() + 60, "is_admin": True}, None, algorithm="none")
    assert_401(get(sqlite_client, bearer(tok)))


@pytest.mark.parametrize("kind", ["refresh", "", "ACCESS", None])
def test_refresh_and_other_token_types(sqlite_client, kind):
    assert_401(get(sqlite_client, bearer(token(token_type=kind))))


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_a_refresh_token_is_401_on_every_endpoint(sqlite_client, path):
    """The old views answered 403 to every failure (admin-endpoints section 1, fixed)."""
    assert_401(get(sqlite_client, bearer(token(token_type="refresh")), path))


@pytest.mark.parametrize("value", [False, "true", 1, None, "True", [True]])
def test_non_admins_get_403(sqlite_client, any_path, value):
    result = get(sqlite_client, bearer(token(is_admin=value)), any_path)
    assert result.status_code == 403
    assert 'error="insufficient_scope"' in result.headers["WWW-Authenticate"]
    assert result.json["title"] == "Forbidden"


def test_absent_is_admin_gets_403(sqlite_client):
    tok = jwt.encode({"exp": time.time() + 60, "token_type": "access"}, SECRET, algorithm="HS256")
    assert get(sqlite_client, bearer(tok)).status_code == 403


def test_bearer_with_two_tokens_is_invalid_request(sqlite_client, any_path):
    result = get(sqlite_client, {"Authorization": f"Bearer {token()} {token()}"}, any_path)
    assert result.status_code == 400
    assert 'error="invalid_request"' in result.headers["WWW-Authenticate"]


def test_token_only_in_query_string_is_refused(sqlite_client):
    assert_401(get(sqlite_client, access_token=token()), error=None)
