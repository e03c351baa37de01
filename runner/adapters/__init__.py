"""Adapters, registered by URL scheme: each adapter module registers its class
(``@register``) with its engine's facts as class attributes; ``adapter_for_url`` is the
only place that chooses one, and each adapter reads its own URL and applies its own
settings. Another engine is one module here and one import line below.
"""

from __future__ import annotations

from pathlib import Path

from runner.adapters import postgres, sqlite  # noqa: F401 - each registers itself
from runner.adapters.base import REGISTRY, Adapter, ConnectionSettings, register
from runner.errors import ConfigError


def adapter_class(dialect: str) -> type[Adapter]:
    """The adapter of a dialect (its engine's facts: ``INLINE_CTE``, ``DEFAULT_SCHEMA``)."""
    for cls in REGISTRY.values():
        if cls.DIALECT == dialect:
            return cls
    raise ConfigError(
        f"no adapter for the dialect {dialect!r}", hint="use " + ", ".join(dialects())
    )


def dialects() -> tuple[str, ...]:
    """The dialects a macro name may be prefixed with (``sqlite__x``), besides ``default``."""
    return tuple(sorted({cls.DIALECT for cls in REGISTRY.values()}))


def adapter_for_url(
    url: str,
    root: Path | None = None,
    settings: ConnectionSettings | None = None,
    schema: str | None = None,
) -> Adapter:
    """``sqlite:///relative.db`` (relative to the project root), ``sqlite:////abs.db``,
    ``sqlite:///:memory:``, ``postgresql://user@host:port/db``. ``schema``: where models
    are built (the project's ``schema:``); each engine says how it applies it."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in REGISTRY:
        raise ConfigError(
            f"unsupported database URL {url.split('@')[-1]!r}",
            hint="use " + " or ".join(("sqlite:///path.db", "postgresql://user@host:port/dbname")),
        )
    return REGISTRY[scheme](url, root or Path.cwd(), settings or ConnectionSettings(), schema)


__all__ = [
    "Adapter",
    "ConnectionSettings",
    "adapter_class",
    "adapter_for_url",
    "dialects",
    "register",
]
