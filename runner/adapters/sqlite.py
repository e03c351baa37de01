"""SQLite through the standard sqlite3 module.

SQLite has no exact decimal type; its decimal extension (exact arithmetic on text) is
built into the sqlite3 shell but not into Python's module, so every connection gets the
same functions here. Nothing else is registered: a model persisted on SQLite reads the
same in any client that has the extension.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from runner.adapters.base import Adapter, Capabilities, ConnectionSettings, quote, register
from runner.errors import ConfigError, DatabaseError

UNAVAILABLE = ("unable to open", "database is locked", "disk i/o", "readonly")
TIMEOUT = ("interrupted",)  # the statement timeout (progress handler)


CROSS_FILE_VIEW = "cannot reference objects in database"


def _resolve(root: Path, path: str) -> Path:
    return Path(path) if path.startswith("/") else root / path


@register
class SQLiteAdapter(Adapter):
    DIALECT = "sqlite"
    SCHEMES = ("sqlite",)
    DEFAULT_SCHEMA = "main"
    INLINE_CTE = "NOT MATERIALIZED "
    # no named locks: BEGIN IMMEDIATE takes the models' file's write lock (the sources'
    # file, which the storefront writes, is another file and never locked by a model)
    CAPABILITIES = Capabilities(transactional_ddl=True, named_locks=False, upsert=True)

    def __init__(
        self,
        url: str,
        root: Path,
        settings: ConnectionSettings | None = None,
        schema: str | None = None,
    ) -> None:
        """The URL's file holds the sources (the storefront's ``events``, the seeds).
        With a ``schema`` (the project's), models are built in a separate file attached
        under that name: the sibling ``<name>.<schema>.db``, or ``?<schema>=path`` in the
        URL; the sources' file can then stay read-only. Without one, models live beside
        the sources. From ``settings``: ``read_only`` opens the sources' file so it cannot
        be written (the API's mode), ``statement_timeout_ms`` interrupts a statement
        through a progress handler, ``lock_timeout`` is SQLite's busy timeout. Pools do
        not apply: a connection is a file handle."""
        super().__init__(url)
        settings = settings or ConnectionSettings()
        self.read_only = settings.read_only
        self.statement_timeout_ms = settings.statement_timeout_ms
        self.busy_timeout = settings.lock_timeout
        #: a background writer (``connection(dedicated=True)``) waits for another writer
        #: as long as a statement may run
        self.writer_timeout = max(settings.lock_timeout, settings.statement_timeout_ms / 1000, 30.0)
        rest, _, query = url.split(":", 1)[1].partition("?")
        options = dict(part.partition("=")[::2] for part in query.split("&") if part)
        if not rest.startswith("///") or len(rest) <= 3 or set(options) - {schema}:
            raise ConfigError(
                f"bad SQLite URL {url!r}",
                hint="use sqlite:///relative/path.db or sqlite:////absolute/path.db"
                + (f", optionally ?{schema}=path/of/the/models.db" if schema else ""),
            )
        path = rest[3:]
        self.memory = path == ":memory:"
        self.path = path if self.memory else str(_resolve(root, path))
        self.schema = schema if schema and not self.memory else None
        self.models_path = None
        if self.schema:
            base = Path(self.path)
            given = options.get(self.schema)
            default = base.with_name(f"{base.stem}.{self.schema}{base.suffix}")
            self.models_path = str(_resolve(root, given) if given else default)

    #: takes the write lock at BEGIN, so a writer never works from a stale snapshot
    BEGIN_WRITE = "BEGIN IMMEDIATE"

    @contextmanager
    def scratch(self, conn: Any) -> Iterator[None]:
        """No transaction: each statement reads its own snapshot, so a request never
        holds a read transaction across statements (with readers overlapping all the
        time, a held snapshot would keep WAL checkpoints from finishing). The temporary
        tables the query made are dropped at the end."""
        before = set(self._temp_tables(conn))
        try:
            yield
        finally:
            for name in sorted(set(self._temp_tables(conn)) - before):
                self.execute(conn, f"DROP TABLE IF EXISTS temp.{quote(name)}")

    def _temp_tables(self, conn: Any) -> list[str]:
        return [
            r[0]
            for r in self.query(conn, "SELECT name FROM temp.sqlite_master WHERE type = 'table'")[1]
        ]

    def prepare_sources(self, conn: Any) -> None:
        """The sources' file in WAL mode (a persistent setting of the file): the
        storefront's inserts then never wait for our reads, nor our reads for them."""
        if not self.read_only and not self.memory:
            self.execute(conn, "PRAGMA main.journal_mode = WAL")

    def index_sql(self, index: str, table: str, columns: list[str], model: bool) -> str:
        """SQLite names the schema on the index, not on the table."""
        schema = f"{self.schema}." if model and self.models_path else ""
        return f"CREATE INDEX {schema}{index} ON {quote(table)} ({', '.join(columns)})"

    def qualify(self, name: str, source: bool = False) -> str:
        name = quote(name)
        return name if source or self.models_path is None else f"{self.schema}.{name}"

    @contextmanager
    def connection(self, dedicated: bool = False) -> Iterator[sqlite3.Connection]:
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
                timeout=self.writer_timeout if dedicated else self.busy_timeout,
                uri=uri,
            )
        try:
            if self.models_path:
                with self.errors():
                    conn.execute(f"ATTACH DATABASE ? AS {quote(self.schema)}", (self.models_path,))
                _write_ahead_log(conn, self.schema)
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
            hint = self._hint(message)
            missing = MISSING.search(message)
            raise DatabaseError(
                f"SQLite: {message}",
                cause=cause,
                hint=hint,
                token=_token(message),
                missing=missing.group(1).split(".")[-1] if missing else None,
            ) from exc
        except OSError as exc:
            raise DatabaseError(
                f"SQLite: {exc.strerror}: {exc.filename}", cause="unavailable"
            ) from exc

    def _hint(self, message: str) -> str | None:
        """What to do about a missing relation: a view reading across files, or a
        parent that was never built (``build --select`` builds only what it selects)."""
        if CROSS_FILE_VIEW in message:
            return (
                "on SQLite models live in their own file, and a view there can read only "
                "that file, not the sources: make this model a table or ephemeral"
            )
        if self.schema and f"no such table: {self.schema}." in message:
            missing = message.split(f"no such table: {self.schema}.", 1)[1].split()[0]
            return (
                f"{missing} is not in {self.schema}. A model: build it first (--select +MODEL "
                "builds a model with its parents). A source: on SQLite models live in their "
                "own file, and a view there can read only that file: make this model a table "
                "or ephemeral"
            )
        return None

    def bind(self, sql: str, names: Sequence[str]) -> str:
        return sql

    def in_transaction(self, conn: Any) -> bool:
        return conn.in_transaction

    def relation_kind(self, conn: Any, name: str, source: bool = False) -> str | None:
        schema = "main" if source or self.models_path is None else self.schema
        rows = self.query(
            conn,
            f"SELECT type FROM {schema}.sqlite_master WHERE name = :n "
            "AND type IN ('table', 'view', 'index')",
            {"n": name},
        )[1]
        return rows[0][0] if rows else None

    def column_types(self, conn: Any, table: str) -> dict[str, str]:
        """Declared types of a table's columns (sources live in the main file)."""
        rows = self.query(conn, f"SELECT name, type FROM pragma_table_info('{quote(table)}')")[1]
        return dict(rows)

    def load_rows(self, conn: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        import sqlite_utils

        with self.errors():
            db = sqlite_utils.Database(conn)
            db[quote(table)].insert_all((dict(zip(columns, row)) for row in rows), batch_size=1000)


#: the message of a relation that does not exist (``main.base``, ``base``)
MISSING = re.compile(r"no such table: ([\w.]+)")
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
            return match.group(1)  # qualified names stay whole: x.q3, not q3
    return None


def _write_ahead_log(conn: sqlite3.Connection, schema: str) -> None:
    """The models' file in WAL mode (persistent, set once): an incremental refresh then
    commits while requests read, instead of waiting for every reader to finish."""
    try:
        conn.execute(f"PRAGMA {quote(schema)}.journal_mode = WAL")
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


def _register_functions(conn: sqlite3.Connection) -> None:
    """SQLite's own decimal extension (ext/misc/decimal.c: exact decimal arithmetic on
    text), which the sqlite3 shell has built in but Python's sqlite3 module does not. The
    same names and arguments, so a view that uses them reads the same in both."""
    for name, arity, fn in (
        ("decimal", 1, _decimal),
        ("decimal_add", 2, _decimal_add),
        ("decimal_sub", 2, _decimal_sub),
        ("decimal_mul", 2, _decimal_mul),
        ("md5", 1, _md5),  # PostgreSQL's md5(text): dbt.hash, dbt_utils' surrogate keys
    ):
        conn.create_function(name, arity, fn, deterministic=True)
    conn.create_aggregate("decimal_sum", 1, _DecimalSum)


def _md5(value: Any) -> str | None:
    """The hex MD5 of the text, as PostgreSQL's md5() gives it (NULL stays NULL)."""
    if value is None:
        return None
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - a key, not security


def _parse(value: Any) -> Decimal | None:
    """Like the extension: NULL stays NULL, text that is not a number is 0."""
    if value is None:
        return None
    try:
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def _text(number: Decimal | None) -> str | None:
    """Plain notation, never an exponent (the extension's output)."""
    return None if number is None else format(number, "f")


def _exact(op, a: Any, b: Any) -> str | None:
    x, y = _parse(a), _parse(b)
    if x is None or y is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 1000  # far beyond any value here: results are exact
        return _text(op(x, y))


def _decimal(value: Any) -> str | None:
    return _text(_parse(value))


def _decimal_add(a: Any, b: Any) -> str | None:
    return _exact(lambda x, y: x + y, a, b)


def _decimal_sub(a: Any, b: Any) -> str | None:
    return _exact(lambda x, y: x - y, a, b)


def _decimal_mul(a: Any, b: Any) -> str | None:
    return _exact(lambda x, y: x * y, a, b)


class _DecimalSum:
    """decimal_sum(X): the exact sum as text; NULLs are skipped, no rows is NULL."""

    def __init__(self) -> None:
        self.total: Decimal | None = None

    def step(self, value: Any) -> None:
        number = _parse(value)
        if self.total is None:
            self.total = Decimal(0)
        if number is not None:
            with localcontext() as ctx:
                ctx.prec = 1000
                self.total += number

    def finalize(self) -> str | None:
        return _text(self.total)
