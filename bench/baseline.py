"""Baseline (a): the old approach, the window's rows fetched from the same database and
the dashboard computed from them in plain Python.

The computation is the tests' reference (tests/reference.py): one independent reading
of the spec serves as the benchmark's baseline, as the live benchmark's check of its
final answer and as the tests' oracle, so a new field is written once. What is the
benchmark's own is the fetch: every event that can be in W or, for purchases, in R.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.reference import alerts, compute, funnel, rfm

FIELDS = ("id", "event_type", "session_id", "user_id", "product_slug", "product_name", "price",
          "metadata", "source", "created_at")  # fmt: skip
COLUMNS = ", ".join(FIELDS)


def fetch_rows(adapter, conn, as_of: datetime, days: int = 7) -> list[tuple]:
    """The rows the ``days``-day dashboard at ``as_of`` can read (W, retention's 90 days,
    a day's margin)."""
    lo = (as_of - timedelta(days=max(days, 90) + 1)).strftime("%Y-%m-%d")
    hi = (as_of + timedelta(days=2)).strftime("%Y-%m-%d")
    sql = f"SELECT {select_list(adapter.DIALECT)} FROM events WHERE created_at >= :lo AND created_at < :hi"
    return adapter.query(conn, sql, {"lo": lo, "hi": hi})[1]


def select_list(dialect: str) -> str:
    """``FIELDS`` as a SELECT list; PostgreSQL's JSONB metadata as its text."""
    return COLUMNS.replace("metadata,", "metadata::text,") if dialect == "postgres" else COLUMNS


def python_dashboard(rows: list[tuple], mode: str, as_of: datetime, days: int = 7) -> dict:
    """The body for rows in ``FIELDS`` order (what ``fetch_rows`` returns)."""
    return compute([dict(zip(FIELDS, row)) for row in rows], mode, as_of, days)


#: the admin page's other endpoints as the reference computes them (their defaults)
ADMIN = {"funnel": funnel, "alerts": alerts, "rfm": rfm}


def python_admin(rows: list[tuple], name: str, as_of: datetime) -> dict:
    """The funnel's (30 days, no source), the alerts' or RFM's body for rows in
    ``FIELDS`` order."""
    return ADMIN[name]([dict(zip(FIELDS, row)) for row in rows], as_of)
