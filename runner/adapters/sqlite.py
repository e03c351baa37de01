"""SQLite through the standard sqlite3 module.

SQLite has no exact decimal type, so money is summed by three small functions
registered on every connection (``decimal_sum``, ``decimal_round``,
``decimal_div_round``) that use Python's Decimal: exact, no overflow, half-up.
The dispatched money macros call them; PostgreSQL does the same with NUMERIC.
``utc_instant`` parses created_at text to microseconds (see its docstring).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from runner.adapters.base import Adapter, Capabilities, ConnectionSettings, quote
from runner.errors import ConfigError, DatabaseError

UNAVAILABLE = ("unable to open", "database is locked", "disk i/o", "readonly")
TIMEOUT = ("interrupted",)  # the statement timeout (progress handler)


MODELS_SCHEMA = "analytics"
CROSS_FILE_VIEW = "cannot reference objects in database"


def _resolve(root: Path, path: str) -> Path:
    return Path(path) if path.startswith("/") else root / path


class SQLiteAdapter(Adapter):
    DIALECT = "sqlite"
    # no named locks: BEGIN IMMEDIATE takes the models' file's write lock (the sources'
    # file, which the storefront writes, is another file and never locked by a model)
    CAPABILITIES = Capabilities(transactional_ddl=True, named_locks=False, upsert=True)

    def __init__(self, url: str, root: Path, settings: ConnectionSettings | None = None) -> None:
        """The URL's file holds the sources (the storefront's ``events``, the seeds).
        Models are built in a separate file attached as schema ``analytics``: the sibling
        ``<name>.analytics.db``, or ``?analytics=path`` in the URL. From ``settings``:
        ``read_only`` opens the sources' file so it cannot be written (the API's mode),
        ``statement_timeout_ms`` interrupts a statement through a progress handler, and
        ``lock_timeout`` is SQLite's busy timeout. Pools do not apply: a connection is a
        file handle."""
        super().__init__(url)
        settings = settings or ConnectionSettings()
        self.read_only = settings.read_only
        self.statement_timeout_ms = settings.statement_timeout_ms
        self.busy_timeout = settings.lock_timeout
        attach = True
        rest, _, query = url.split(":", 1)[1].partition("?")
        options = dict(part.partition("=")[::2] for part in query.split("&") if part)
        if not rest.startswith("///") or len(rest) <= 3 or set(options) - {"analytics"}:
            raise ConfigError(
                f"bad SQLite URL {url!r}",
                hint="use sqlite:///relative/path.db or sqlite:////absolute/path.db",
            )
        path = rest[3:]
        self.memory = path == ":memory:"
        self.path = path if self.memory else str(_resolve(root, path))
        self.models_path = None
        if attach and not self.memory:
            models = options.get("analytics")
            base = Path(self.path)
            self.models_path = str(
                _resolve(root, models)
                if models
                else base.with_name(f"{base.stem}.analytics{base.suffix}")
            )

    #: takes the write lock at BEGIN, so a writer never works from a stale snapshot
    BEGIN_WRITE = "BEGIN IMMEDIATE"

    def index_sql(self, index: str, table: str, columns: list[str], model: bool) -> str:
        """SQLite names the schema on the index, not on the table."""
        schema = f"{MODELS_SCHEMA}." if model and self.models_path else ""
        return f"CREATE INDEX {schema}{index} ON {quote(table)} ({', '.join(columns)})"

    def qualify(self, name: str, source: bool = False) -> str:
        name = quote(name)
        return name if source or self.models_path is None else f"{MODELS_SCHEMA}.{name}"

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
            if self.models_path:
                with self.errors():
                    conn.execute(f"ATTACH DATABASE ? AS {MODELS_SCHEMA}", (self.models_path,))
                _write_ahead_log(conn)
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
            lowered = message.lower()
            cause = "sql"
            if any(s in lowered for s in UNAVAILABLE):
                cause = "unavailable"
            elif any(s in lowered for s in TIMEOUT):
                cause = "timeout"
            hint = None
            if CROSS_FILE_VIEW in message or f"no such table: {MODELS_SCHEMA}." in message:
                hint = (
                    "on SQLite models live in their own file, and a view there can read only "
                    "that file, not the sources: make this model a table or ephemeral"
                )
            raise DatabaseError(
                f"SQLite: {message}", cause=cause, hint=hint, token=_token(message)
            ) from exc
        except OSError as exc:
            raise DatabaseError(
                f"SQLite: {exc.strerror}: {exc.filename}", cause="unavailable"
            ) from exc

    def bind(self, sql: str, names: Sequence[str]) -> str:
        return sql

    def in_transaction(self, conn: Any) -> bool:
        return conn.in_transaction

    def relation_kind(self, conn: Any, name: str, source: bool = False) -> str | None:
        schema = "main" if source or self.models_path is None else MODELS_SCHEMA
        rows = self.query(
            conn,
            f"SELECT type FROM {schema}.sqlite_master WHERE name = :n "
            "AND type IN ('table', 'view', 'index')",
            {"n": name},
        )[1]
        return rows[0][0] if rows else None

    def load_rows(self, conn: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        import sqlite_utils

        with self.errors():
            db = sqlite_utils.Database(conn)
            db[quote(table)].insert_all((dict(zip(columns, row)) for row in rows), batch_size=1000)


#: messages that name the identifier they complain about (it locates the template line)
TOKENS = (
    re.compile(r"no such (?:column|table|function): ([\w.]+)"),
    re.compile(r'near "([^"]+)"'),
    re.compile(r"ambiguous column name: ([\w.]+)"),
)


def _token(message: str) -> str | None:
    for pattern in TOKENS:
        match = pattern.search(message)
        if match:
            return match.group(1).split(".")[-1]
    return None


def _write_ahead_log(conn: sqlite3.Connection) -> None:
    """The models' file in WAL mode (persistent, set once): an incremental refresh then
    commits while requests read, instead of waiting for every reader to finish."""
    try:
        conn.execute(f"PRAGMA {MODELS_SCHEMA}.journal_mode = WAL")
    except sqlite3.OperationalError:
        pass  # another connection holds it; a later connection sets it


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


_DIGITS = frozenset("0123456789")
_valid_days: dict[str, bool] = {}


def _valid_day(day: str) -> bool:
    """Whether 'YYYY-MM-DD' is a real date (memoised: a window has few distinct days)."""
    known = _valid_days.get(day)
    if known is None:
        try:
            datetime.strptime(day, "%Y-%m-%d")
            known = True
        except ValueError:
            known = False
        if len(_valid_days) < 100_000:
            _valid_days[day] = known
    return known


def utc_instant(value: Any) -> str | None:
    """ISO-8601 text (the spec's forms) -> canonical UTC 'YYYY-MM-DD HH:MM:SS.ffffff'.

    ``YYYY-MM-DD[ T]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]``; the fraction is kept to the
    microsecond. Canonical text compares and sorts like the instant. Anything else (another
    form, an impossible date or time, a non-text value) is NULL, which no window contains.
    A Python function because SQLite's date functions keep milliseconds only, and the same
    parse written as SQL expressions was slower (bench/README.md). Hand-rolled rather than a
    regex: it runs once per event in the window.
    """
    if type(value) is not str or len(value) < 19:
        return None
    s = value
    if s[4] != "-" or s[7] != "-" or s[10] not in " T" or s[13] != ":" or s[16] != ":":
        return None
    digits = s[0:4] + s[5:7] + s[8:10] + s[11:13] + s[14:16] + s[17:19]
    if not _DIGITS.issuperset(digits):
        return None
    if s[11:13] > "23" or s[14:16] > "59" or s[17:19] > "59" or not _valid_day(s[0:10]):
        return None
    rest = s[19:]
    if rest[-1:] == "Z":
        body, offset = rest[:-1], ""
    elif len(rest) >= 6 and rest[-6] in "+-" and rest[-3] == ":":
        body, offset = rest[:-6], rest[-6:]
        if not _DIGITS.issuperset(offset[1:3] + offset[4:6]):
            return None
        if offset[1:] == "00:00":
            offset = ""
    else:
        body, offset = rest, ""
    if body:
        if body[0] != "." or len(body) == 1 or not _DIGITS.issuperset(body[1:]):
            return None
        frac = (body[1:] + "000000")[:6]
    else:
        frac = "000000"
    if not offset:
        return f"{s[0:10]} {s[11:19]}.{frac}"
    moment = datetime(
        int(s[0:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:16]), int(s[17:19])
    )
    shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    moment = moment - shift if offset[0] == "+" else moment + shift
    return f"{moment:%Y-%m-%d %H:%M:%S}.{frac}"


def _register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("utc_instant", 1, utc_instant, deterministic=True)
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
