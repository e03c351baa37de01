"""Adapters, registered by URL scheme: ``adapter_for_url`` is the only place that
chooses one, and each adapter reads its own URL and applies its own settings."""

from __future__ import annotations

import importlib
from pathlib import Path

from runner.adapters.base import Adapter, ConnectionSettings
from runner.errors import ConfigError

#: URL scheme -> "module:class"; an adapter for another engine is one line here
ADAPTERS = {
    "sqlite": "runner.adapters.sqlite:SQLiteAdapter",
    "postgresql": "runner.adapters.postgres:PostgresAdapter",
    "postgres": "runner.adapters.postgres:PostgresAdapter",
}


def adapter_for_url(
    url: str, root: Path | None = None, settings: ConnectionSettings | None = None
) -> Adapter:
    """``sqlite:///relative.db`` (relative to the project root), ``sqlite:////abs.db``,
    ``sqlite:///:memory:``, ``postgresql://user@host:port/db``."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ADAPTERS:
        raise ConfigError(
            f"unsupported database URL {url.split('@')[-1]!r}",
            hint="use " + " or ".join(("sqlite:///path.db", "postgresql://user@host:port/dbname")),
        )
    module, _, name = ADAPTERS[scheme].partition(":")
    adapter_class = getattr(importlib.import_module(module), name)
    return adapter_class(url, root or Path.cwd(), settings or ConnectionSettings())


__all__ = ["ADAPTERS", "Adapter", "ConnectionSettings", "adapter_for_url"]
