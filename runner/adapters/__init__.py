"""Choosing an adapter from a database URL."""

from __future__ import annotations

from pathlib import Path

from runner.adapters.base import Adapter
from runner.errors import DatabaseError


def adapter_for_url(url: str, root: Path | None = None, **options) -> Adapter:
    """``sqlite:///relative.db`` (relative to the project root), ``sqlite:////abs.db``,
    ``sqlite:///:memory:``, ``postgresql://user@host:port/db``."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    read_only = options.pop("read_only", False)  # SQLite only; PostgreSQL uses roles
    if scheme == "sqlite":
        from runner.adapters.sqlite import SQLiteAdapter

        return SQLiteAdapter(url, root=root or Path.cwd(), read_only=read_only, **options)
    if scheme in ("postgresql", "postgres"):
        from runner.adapters.postgres import PostgresAdapter

        return PostgresAdapter(url, **options)
    raise DatabaseError(
        f"unsupported database URL {url.split('@')[-1]!r}",
        hint="use sqlite:///path.db or postgresql://user@host:port/dbname",
    )
