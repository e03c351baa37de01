"""API configuration, from the environment.

``JWT_SECRET`` (required: the server refuses to start without it), ``JWT_ALGORITHMS``
(comma-separated, default HS256; never read from a token), ``JWT_LEEWAY`` seconds,
``JWT_REQUIRED_CLAIMS`` (comma-separated, e.g. ``jti,token_type``; ``exp`` always),
``CORS_ORIGINS`` (comma-separated allow-list), ``DATABASE_URL``, ``PROJECT_DIR``,
``DB_POOL_SIZE``, ``DB_POOL_TIMEOUT`` seconds, ``DB_STATEMENT_TIMEOUT_MS``,
``RETRY_AFTER`` seconds, ``REFRESH_INTERVAL`` and ``RECONCILE_INTERVAL`` seconds (the
refresher: api/refresher.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from runner.errors import ConfigError

ALLOWED_ALGORITHMS = ("HS256", "HS384", "HS512")


@dataclass(frozen=True)
class Config:
    jwt_secret: str
    jwt_algorithms: tuple[str, ...] = ("HS256",)
    jwt_leeway: int = 0
    jwt_required_claims: tuple[str, ...] = ("exp",)
    cors_origins: tuple[str, ...] = ()
    database: str | None = None
    project_dir: Path = field(default_factory=lambda: Path(__file__).resolve().parent.parent)
    pool_size: int = 4
    pool_timeout: float = 2.0
    statement_timeout_ms: int = 20000
    retry_after: int = 5
    max_query_string: int = 2048
    refresh_interval: float = 1.0  # seconds between the refresher's passes; 0: no refresher
    reconcile_interval: float = 60.0  # seconds between reconciliations with the source

    def __post_init__(self) -> None:
        if not self.jwt_secret:
            raise ConfigError(
                "JWT_SECRET is not set: the API refuses to start without it",
                hint="export JWT_SECRET=<the secret the store signs its tokens with>",
            )
        bad = [a for a in self.jwt_algorithms if a not in ALLOWED_ALGORITHMS]
        if bad or not self.jwt_algorithms:
            raise ConfigError(
                f"JWT_ALGORITHMS: unsupported {bad}; use {', '.join(ALLOWED_ALGORITHMS)}"
            )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Config:
        env = os.environ if env is None else env
        values = {
            "jwt_secret": env.get("JWT_SECRET", ""),
            "jwt_algorithms": _split(env.get("JWT_ALGORITHMS", "HS256")),
            "jwt_leeway": int(env.get("JWT_LEEWAY", "0")),
            "jwt_required_claims": tuple(
                sorted({"exp", *_split(env.get("JWT_REQUIRED_CLAIMS", ""))})
            ),
            "cors_origins": _split(env.get("CORS_ORIGINS", "")),
            "database": env.get("DATABASE_URL") or None,
            "pool_size": int(env.get("DB_POOL_SIZE", "4")),
            "pool_timeout": float(env.get("DB_POOL_TIMEOUT", "2")),
            "statement_timeout_ms": int(env.get("DB_STATEMENT_TIMEOUT_MS", "20000")),
            "retry_after": int(env.get("RETRY_AFTER", "5")),
            "refresh_interval": float(env.get("REFRESH_INTERVAL", "1")),
            "reconcile_interval": float(env.get("RECONCILE_INTERVAL", "60")),
        }
        if env.get("PROJECT_DIR"):
            values["project_dir"] = Path(env["PROJECT_DIR"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
