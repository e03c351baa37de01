"""A small dbt-style runner: Jinja-templated SQL models executed on SQLite or PostgreSQL."""

from __future__ import annotations

__version__ = "0.1.0"
