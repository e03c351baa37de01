"""SQLite through the standard sqlite3 module.

SQLite has no exact decimal type, so money is summed by three small functions
registered on every connection (``decimal_sum``, ``decimal_round``,
``decimal_div_round``) that use Python's Decimal: exact, no overflow, half-up.
The dispatched money macros call them; PostgreSQL does the same with NUMERIC.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from runner.adapters.base import Adapter, quote
from runner.errors import DatabaseError

UNAVAILABLE = (
    "unable to open",
    "database is locked",
    "disk i/o",
    "readonly",
    "interrupted",  # the statement timeout (progress handler)
)


class SQLiteAdapter(Adapter):
    DIALECT = "sqlite"

    def __init__(
        self,
        url: str,
        root: Path,
        read_only: bool = False,
        statement_timeout_ms: int = 0,
        busy_timeout: float = 5.0,
    ) -> None:
        """``read_only`` opens an existing file that cannot be written (the API's mode:
        its temporary tables live in SQLite's separate temp store, never in the file).
        ``statement_timeout_ms`` interrupts a statement through a progress handler."""
        super().__init__(url)
        self.read_only = read_only
        self.statement_timeout_ms = statement_timeout_ms
        self.busy_timeout = busy_timeout
        rest = url.split(":", 1)[1]
        if not rest.startswith("///") or len(rest) <= 3:
            raise DatabaseError(
                f"bad SQLite URL {url!r}",
                hint="use sqlite:///relative/path.db or sqlite:////absolute/path.db",
            )
        path = rest[3:]
        self.memory = path == ":memory:"
        self.path = (
            path if self.memory else str((root / path) if not path.startswith("/") else Path(path))
        )

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        with self.errors():
            if self.read_only and not self.memory:
                target, uri = Path(self.path).resolve().as_uri() + "?mode=ro", True
            else:
                if not self.memory:
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                target, uri = self.path, False
            conn = sqlite3.connect(
                target,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.busy_timeout,
                uri=uri,
            )
        try:
            _register_functions(conn)
            if self.statement_timeout_ms:
                _limit_statements(conn, self.statement_timeout_ms / 1000)
            yield conn
        finally:
            conn.close()

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            message = str(exc)
            unavailable = any(s in message.lower() for s in UNAVAILABLE)
            raise DatabaseError(f"SQLite: {message}", unavailable=unavailable) from exc
        except OSError as exc:
            raise DatabaseError(
                f"SQLite: {exc.strerror}: {exc.filename}", unavailable=True
            ) from exc

    def bind(self, sql: str, names: Sequence[str]) -> str:
        return sql

    def in_transaction(self, conn: Any) -> bool:
        return conn.in_transaction

    def relation_kind(self, conn: Any, name: str) -> str | None:
        rows = self.query(
            conn,
            "SELECT type FROM sqlite_master WHERE name = :n AND type IN ('table', 'view')",
            {"n": name},
        )[1]
        return rows[0][0] if rows else None

    def load_rows(self, conn: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        import sqlite_utils

        with self.errors():
            db = sqlite_utils.Database(conn)
            db[quote(table)].insert_all((dict(zip(columns, row)) for row in rows), batch_size=1000)


def _limit_statements(conn: sqlite3.Connection, seconds: float) -> None:
    """Interrupt any statement running longer than ``seconds`` (SQLite has no timeout).

    The handler runs every 10,000 virtual-machine steps and is reset per statement by
    the trace callback, so the limit is per statement, like PostgreSQL's.
    """
    state = {"deadline": time.monotonic() + seconds}

    def reset(_sql: str) -> None:
        state["deadline"] = time.monotonic() + seconds

    conn.set_trace_callback(reset)
    conn.set_progress_handler(lambda: int(time.monotonic() > state["deadline"]), 10000)


def _register_functions(conn: sqlite3.Connection) -> None:
    conn.create_aggregate("decimal_sum", 2, _DecimalSum)
    conn.create_function("decimal_round", 2, _decimal_round, deterministic=True)
    conn.create_function("decimal_div_round", 3, _decimal_div_round, deterministic=True)


def _to_decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


class _DecimalSum:
    """SUM(price * quantity) exactly; returns the sum as text so nothing is lost."""

    def __init__(self) -> None:
        self.total = Decimal(0)

    def step(self, price: Any, quantity: Any) -> None:
        self.total += _to_decimal(price) * _to_decimal(quantity)

    def finalize(self) -> str:
        return str(self.total)


def _decimal_round(value: Any, places: int) -> float:
    with localcontext() as ctx:
        ctx.prec = 100
        exponent = Decimal(1).scaleb(-int(places))
        return float(_to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP))


def _decimal_div_round(value: Any, divisor: Any, places: int) -> float:
    divisor = _to_decimal(divisor)
    if divisor == 0:
        return 0.0
    with localcontext() as ctx:
        ctx.prec = 100  # far beyond any money value: the quotient is exact where it matters
        quotient = _to_decimal(value) / divisor
        return float(quotient.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP))
