"""Adapters, registered by URL scheme: ``adapter_for_url`` is the only place that
chooses one, and each adapter reads its own URL and applies its own settings."""

from __future__ import annotations

import importlib
from pathlib import Path

from runner.adapters.base import Adapter, ConnectionSettings
from runner.errors import ConfigError

#: URL scheme -> (its SQL dialect, "module:class"); another engine is one line here
ADAPTERS = {
    "sqlite": ("sqlite", "runner.adapters.sqlite:SQLiteAdapter"),
    "postgresql": ("postgres", "runner.adapters.postgres:PostgresAdapter"),
    "postgres": ("postgres", "runner.adapters.postgres:PostgresAdapter"),
}
#: how a dialect asks to inline a CTE (an ephemeral model) rather than compute it once
INLINE_CTE = {"sqlite": "NOT MATERIALIZED ", "postgres": "NOT MATERIALIZED "}
#: the schema models land in when the project names none (dbt's ``target.schema``)
DEFAULT_SCHEMA = {"sqlite": "main", "postgres": "public"}
#: the dialects a macro name may be prefixed with (``sqlite__x``), besides ``default``
DIALECTS = tuple(sorted({dialect for dialect, _ in ADAPTERS.values()}))


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
    if scheme not in ADAPTERS:
        raise ConfigError(
            f"unsupported database URL {url.split('@')[-1]!r}",
            hint="use " + " or ".join(("sqlite:///path.db", "postgresql://user@host:port/dbname")),
        )
    module, _, name = ADAPTERS[scheme][1].partition(":")
    adapter_class = getattr(importlib.import_module(module), name)
    return adapter_class(url, root or Path.cwd(), settings or ConnectionSettings(), schema)


__all__ = [
    "ADAPTERS",
    "DEFAULT_SCHEMA",
    "DIALECTS",
    "INLINE_CTE",
    "Adapter",
    "ConnectionSettings",
    "adapter_for_url",
]
