"""Spec section 4: the store's own tokens (its login view: user_id, email, is_admin, exp;
HS256 with Django's SECRET_KEY), and djangorestframework-simplejwt's beside them."""

from __future__ import annotations

import time

import falcon.testing
import jwt
import pytest

from api.app import create_app
from api.auth import make_token
from runner.serving import Session
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.api.conftest import AS_OF, PATH, bearer, config
from tests.helpers import REPO

#: a key as `django-admin startproject` makes them: 50 characters, punctuation included
DJANGO_KEY = "django-insecure-7c$w!q9(2_x#l@0r^h8v+e&k=m3n*u6p1s%t4y)zb-j5g"


def store_token(**claims) -> str:
    """Exactly the login view's payload (no token_type, jti or iat)."""
    payload = {"user_id": "42", "email": "ana@urbanstore.co", "is_admin": True,
               "exp": int(time.time()) + 7 * 86400, **claims}  # fmt: skip
    return jwt.encode(payload, DJANGO_KEY, algorithm="HS256")


@pytest.fixture(scope="module")
def store_client(tmp_path_factory) -> falcon.testing.TestClient:
    """The seeded app, with JWT_SECRET = the store's Django SECRET_KEY."""
    ws = Workspace.open(REPO, f"sqlite:///{tmp_path_factory.mktemp('store')}/store.db")
    seed(ws)
    return falcon.testing.TestClient(create_app(config(jwt_secret=DJANGO_KEY), Session(ws)))


def status(client, token: str, path: str = PATH) -> int:
    return client.simulate_get(path, headers=bearer(token), params={"as_of": AS_OF}).status_code


def test_the_store_admin_token_is_200(store_client, any_path):
    assert status(store_client, store_token(), any_path) == 200


def test_a_store_token_of_a_customer_is_403(store_client, any_path):
    assert status(store_client, store_token(is_admin=False), any_path) == 403


@pytest.mark.parametrize("value", ["true", 1, None])
def test_is_admin_must_be_the_json_boolean(store_client, value):
    assert status(store_client, store_token(is_admin=value)) == 403


def test_an_expired_store_token_is_401(store_client):
    assert status(store_client, store_token(exp=int(time.time()) - 1)) == 401


def test_a_store_token_without_exp_is_401(store_client):
    payload = {"user_id": "42", "email": "ana@urbanstore.co", "is_admin": True}
    assert status(store_client, jwt.encode(payload, DJANGO_KEY, algorithm="HS256")) == 401


def test_a_token_signed_with_another_key_is_401(store_client):
    forged = jwt.encode(jwt.decode(store_token(), DJANGO_KEY, algorithms=["HS256"]),
                        DJANGO_KEY + "x", algorithm="HS256")  # fmt: skip
    assert status(store_client, forged) == 401


def test_simplejwt_access_tokens_keep_working(store_client):
    token = make_token(admin=True, secret=DJANGO_KEY, shape="simplejwt")
    assert {"token_type", "jti", "iat"} <= set(
        jwt.decode(token, options={"verify_signature": False})
    )
    assert status(store_client, token) == 200


@pytest.mark.parametrize("token_type", ["refresh", "sliding", "", None])
def test_a_token_type_other_than_access_is_401(store_client, token_type):
    assert status(store_client, store_token(token_type=token_type)) == 401


def test_runner_token_makes_the_store_shape():
    claims = jwt.decode(make_token(admin=True, secret=DJANGO_KEY), DJANGO_KEY, algorithms=["HS256"])
    assert set(claims) == {"user_id", "email", "is_admin", "exp"}
