"""Bearer-token authentication for the admin endpoint (spec section 4, RFC 6750).

Tokens are the ones the store issues (spec section 4): its login view signs
``{"user_id", "email", "is_admin", "exp"}`` with HS256 and Django's SECRET_KEY (which is
therefore ``JWT_SECRET``); djangorestframework-simplejwt access tokens (``token_type``,
``jti``, ``iat``) work too. ``exp`` is required, ``token_type`` (when present) must be
``access``, and the claim ``is_admin`` must be the JSON boolean true. The algorithm list comes from config and
is never read from the token.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from typing import Any

import falcon
import jwt

from api.config import Config
from runner.errors import ConfigError, ParamError

MAX_TOKEN_BYTES = 8192
TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*$")


def _unauthorized(description: str, error: str | None = "invalid_token") -> falcon.HTTPUnauthorized:
    challenge = 'Bearer realm="api"' + (f', error="{error}"' if error else "")
    return falcon.HTTPUnauthorized(
        title="Unauthorized", description=description, challenges=[challenge]
    )


class Authenticator:
    """Checks an Authorization header; returns the claims of an admin or raises."""

    def __init__(self, config: Config) -> None:
        self.secret = config.jwt_secret
        self.algorithms = list(config.jwt_algorithms)
        self.leeway = config.jwt_leeway
        self.required = sorted(set(config.jwt_required_claims) | {"exp"})

    def admin_claims(self, header: str | None) -> dict[str, Any]:
        claims = self.claims(header)
        if claims.get("is_admin") is not True:
            raise falcon.HTTPForbidden(
                title="Forbidden",
                description="an admin token is required",
                headers={"WWW-Authenticate": 'Bearer realm="api", error="insufficient_scope"'},
            )
        return claims

    def claims(self, header: str | None) -> dict[str, Any]:
        token = self._token(header)
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=self.algorithms,
                leeway=self.leeway,
                options={"require": self.required, "verify_aud": False},
            )
        except Exception:  # noqa: BLE001 - any failure to decode is a bad token, never a 500
            raise _unauthorized("the token is invalid, expired or not yet valid") from None
        if not isinstance(claims, dict):
            raise _unauthorized("the token payload is not an object")
        for name in ("exp", "iat", "nbf"):
            value = claims.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                raise _unauthorized(f"the {name} claim is not a NumericDate")
        if "token_type" in claims and claims["token_type"] != "access":
            raise _unauthorized("only access tokens are accepted")
        return claims

    @staticmethod
    def _token(header: str | None) -> str:
        if not header:
            raise _unauthorized("an Authorization: Bearer token is required", error=None)
        scheme, _, rest = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise _unauthorized("the Authorization scheme must be Bearer", error=None)
        parts = rest.split()
        if len(parts) != 1:
            raise falcon.HTTPBadRequest(
                title="Bad request",
                description="the Authorization header must carry exactly one Bearer token",
                headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_request"'},
            )
        token = parts[0]
        if len(token) > MAX_TOKEN_BYTES or not TOKEN_CHARS.match(token):
            raise _unauthorized("the token is malformed")
        return token


def parse_duration(text: str) -> int:
    """'30m', '1h', '7d', '45s' or plain seconds -> seconds."""
    match = re.fullmatch(r"(\d+)([smhd]?)", text.strip())
    if not match:
        raise ParamError(f"bad duration {text!r}: use e.g. 30m, 1h, 7d", param="--expires")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


def make_token(
    admin: bool,
    lifetime: int = 3600,
    user_id: str = "1",
    secret: str | None = None,
    shape: str = "store",
    **extra: Any,
) -> str:
    """A token for local use and tests, signed HS256 with ``secret`` ($JWT_SECRET).

    ``shape="store"`` (default) is what the store's login view issues:
    ``{"user_id", "email", "is_admin", "exp"}``, no token_type, jti or iat.
    ``shape="simplejwt"`` is djangorestframework-simplejwt's access token (token_type,
    jti and iat besides). ``extra`` claims are added or override."""
    secret = secret if secret is not None else os.environ.get("JWT_SECRET", "")
    if not secret:
        raise ConfigError("JWT_SECRET is not set", hint="export JWT_SECRET=... first")
    if shape not in TOKEN_SHAPES:
        raise ParamError(f"unknown token shape {shape!r}", param="--shape")
    now = int(time.time())
    payload: dict[str, Any] = {
        "user_id": user_id,
        "email": f"user{user_id}@store.local",
        "is_admin": admin,
        "exp": now + lifetime,
    }
    if shape == "simplejwt":
        payload = {
            "token_type": "access",
            "exp": now + lifetime,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "user_id": user_id,
            "is_admin": admin,
        }
    return jwt.encode({**payload, **extra}, secret, algorithm="HS256")


TOKEN_SHAPES = ("store", "simplejwt")
