"""The adapter interface: everything the runner needs from an engine, and nothing more.

Engine knowledge lives here and in dispatched macros only. Each adapter converts its
driver's errors to ``DatabaseError`` in one place, ``errors()``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from runner.errors import DatabaseError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote(name: str) -> str:
    """Identifiers come from file names and project.yml; refuse anything that needs quoting."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


@dataclass(frozen=True)
class ConnectionSettings:
    """What an application asks of its connections, engine-neutral; each adapter applies
    the settings its engine has and documents the ones it ignores.

    ``read_only``: never write the sources (SQLite opens the sources' file read-only;
    PostgreSQL leaves it to the role). ``statement_timeout_ms``: interrupt a statement
    after this long (0: never). ``lock_timeout``: seconds to wait for a lock held by
    another writer before failing as unavailable. ``pool_size``/``pool_timeout``: a
    connection pool and how long to wait for a free connection (engines with network
    connections). ``connect_timeout``: seconds to wait for a server."""

    read_only: bool = False
    statement_timeout_ms: int = 0
    lock_timeout: float = 5.0
    pool_size: int = 0
    pool_timeout: float = 5.0
    connect_timeout: int = 5


class Adapter(ABC):
    DIALECT: str = ""
    #: True when the engine can run two connections' temp relations side by side
    SUPPORTS_TEMP = True

    def __init__(self, url: str) -> None:
        self.url = url

    @abstractmethod
    def connection(self) -> AbstractContextManager[Any]:
        """A connection in autocommit mode; closed or returned to the pool on exit."""

    @abstractmethod
    def errors(self) -> AbstractContextManager[None]:
        """Convert driver errors raised inside the block into DatabaseError."""

    @abstractmethod
    def bind(self, sql: str, names: Sequence[str]) -> str:
        """Rewrite ``:name`` placeholders into the driver's paramstyle."""

    @abstractmethod
    def relation_kind(self, conn: Any, name: str, source: bool = False) -> str | None:
        """'table', 'view', 'index' or None; ``source`` looks where sources and seeds
        live instead of where models are built (they differ on SQLite)."""

    def qualify(self, name: str, source: bool = False) -> str:
        """The name to create a relation under (schema-qualified where models live apart)."""
        return quote(name)

    @abstractmethod
    def load_rows(self, conn: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        """Bulk-load rows into an existing table."""

    def describe(self) -> str:
        """The URL without a password, for messages."""
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.url)

    def execute(self, conn: Any, sql: str, params: dict[str, Any] | None = None) -> None:
        with _sql_line(sql), self.errors():
            if params:
                conn.execute(self.bind(sql, list(params)), params)
            else:
                conn.execute(sql)

    def query(
        self, conn: Any, sql: str, params: dict[str, Any] | None = None
    ) -> tuple[list[str], list[tuple]]:
        with _sql_line(sql), self.errors():
            cur = (
                conn.execute(self.bind(sql, list(params)), params) if params else conn.execute(sql)
            )
            columns = [d[0] for d in cur.description or ()]
            return columns, list(cur.fetchall())

    def transaction(self, conn: Any, write_lock: str | None = None) -> Iterator[None]:
        """BEGIN ... COMMIT (ROLLBACK on error); ``write_lock`` serialises writers by name."""
        return _Transaction(self, conn, write_lock)

    BEGIN_WRITE = "BEGIN"

    @abstractmethod
    def in_transaction(self, conn: Any) -> bool:
        """Whether a transaction is open (a library may have committed ours)."""

    def drop_relation(self, conn: Any, name: str, source: bool = False) -> None:
        kind = self.relation_kind(conn, name, source)
        if kind:
            target = self.qualify(name, source)
            self.execute(conn, f"DROP {kind.upper()} IF EXISTS {target}{self.DROP_SUFFIX}")

    DROP_SUFFIX = ""

    def materialize(
        self, conn: Any, name: str, sql: str, kind: str, params: dict[str, Any] | None
    ) -> int | None:
        """Create ``name`` as a view or table from ``sql``, replacing it atomically.

        Returns the row count for tables. The statement's first line is the CREATE,
        the model's SQL starts on line 2 (error positions rely on it).
        """
        target = self.qualify(name)
        with self.transaction(conn):
            self.drop_relation(conn, name)
            self.execute(conn, f"CREATE {kind.upper()} {target} AS\n{sql}", params)
        if kind == "view":
            # SQLite binds views late; selecting nothing makes a bad view fail here, not later
            self.query(conn, f"SELECT * FROM {target} LIMIT 0")
            return None
        return self.count(conn, target)

    def materialize_incremental(
        self, conn: Any, model: Any, params: dict[str, Any] | None, full_refresh: bool = False
    ) -> int:
        """Build an incremental model: the whole table the first time (or on
        ``full_refresh``), afterwards dbt's delete+insert of the rows its incremental SQL
        returns. One transaction that holds the model's write lock, so concurrent runs
        (API workers refreshing before a request) apply each batch once, in turn.
        Returns the number of rows written.
        """
        exists = not full_refresh and self.relation_kind(conn, model.name) == "table"
        if exists and not self._has_rows(conn, model.incremental_sql, params):
            return 0  # nothing arrived: no write lock taken, readers and writers unaffected
        if not exists:
            built = self._build_whole(conn, model, params, full_refresh)
            if built is not None:
                self.analyze(conn, model.name)
                return built
        return self._apply_batch(conn, model, params)

    def _build_whole(self, conn: Any, model: Any, params: dict[str, Any] | None,
                     full_refresh: bool) -> int | None:  # fmt: skip
        """The whole table and its indexes; None when a concurrent run built it first."""
        target = self.qualify(model.name)
        with self.transaction(conn, write_lock=model.name):
            if not full_refresh and self.relation_kind(conn, model.name) == "table":
                return None
            self.drop_relation(conn, model.name)
            self.execute(conn, f"CREATE TABLE {target} AS\n{model.sql}", params)
            for columns in model.indexes:
                self.create_index(conn, model.name, columns, model=True)
            return self.count(conn, target)

    def _apply_batch(self, conn: Any, model: Any, params: dict[str, Any] | None) -> int:
        """dbt's delete+insert: the rows the incremental SQL returns replace the rows
        with the same unique key. Computed under the write lock, never from a stale read."""
        target = self.qualify(model.name)
        batch = quote(model.name + "__batch")
        staged = f"{self.TEMP_SCHEMA}.{batch}"
        with self.transaction(conn, write_lock=model.name):
            self.execute(conn, f"DROP TABLE IF EXISTS {staged}")
            self.execute(conn, f"CREATE TEMP TABLE {batch} AS\n{model.incremental_sql}", params)
            names = self.query(conn, f"SELECT * FROM {staged} LIMIT 0")[0]
            columns = ", ".join(quote(c) for c in names)
            key = quote(model.unique_key)
            self.execute(conn, f"DELETE FROM {target} WHERE {key} IN (SELECT {key} FROM {staged})")
            self.execute(conn, f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {staged}")
            written = self.count(conn, staged)
            self.execute(conn, f"DROP TABLE {staged}")
            return written

    def analyze(self, conn: Any, name: str) -> None:
        """Planner statistics for a table just built (outside its transaction): without
        them both engines chose plans thousands of times slower for the incremental
        models' lookups."""
        self.execute(conn, f"ANALYZE {self.qualify(name)}")

    def _has_rows(self, conn: Any, sql: str, params: dict[str, Any] | None) -> bool:
        """Whether a query returns any row (read only, so it costs no lock)."""
        # no LIMIT: PostgreSQL would pick a fast-start plan that reads everything when
        # nothing matches (seen: 9 s instead of 1 ms)
        return bool(self.query(conn, f"SELECT COUNT(*) FROM (\n{sql}\n) AS batch", params)[1][0][0])

    def lock(self, conn: Any, name: str) -> None:
        """Hold a lock named ``name`` until the transaction ends (engines that need one)."""
        return None

    def create_temp(self, conn: Any, name: str, sql: str, params: dict[str, Any] | None) -> int:
        """A temporary table private to this connection (shadows a same-named relation)."""
        name = quote(name)
        self.execute(conn, f"DROP TABLE IF EXISTS {self.TEMP_SCHEMA}.{name}")
        self.execute(conn, f"CREATE TEMP TABLE {name} AS\n{sql}", params)
        return self.count(conn, f"{self.TEMP_SCHEMA}.{name}")

    def count(self, conn: Any, name: str) -> int:
        return self.query(conn, f"SELECT COUNT(*) FROM {name}")[1][0][0]

    TEMP_SCHEMA = "temp"
    #: portable type names (seeds' column_types, YAML data_type) -> this engine's
    TYPE_NAMES = {"integer": "INTEGER", "real": "REAL", "text": "TEXT", "decimal": "TEXT",
                  "timestamp": "TEXT"}  # fmt: skip

    def create_index(
        self, conn: Any, table: str, columns: Sequence[str], model: bool = False
    ) -> bool:
        """Create the index unless it exists; True when it was created now. ``model``:
        ``table`` is a model's relation (not a source's)."""
        cols = [quote(c) for c in columns]
        index = quote(f"ix_{table}_{'_'.join(cols)}")
        if self.relation_kind(conn, index, source=not model):
            return False
        self.execute(conn, self.index_sql(index, table, cols, model))
        return True

    def index_sql(self, index: str, table: str, columns: list[str], model: bool) -> str:
        return f"CREATE INDEX {index} ON {quote(table)} ({', '.join(columns)})"


class _Transaction:
    def __init__(self, adapter: Adapter, conn: Any, write_lock: str | None = None) -> None:
        self.adapter, self.conn, self.write_lock = adapter, conn, write_lock

    def __enter__(self) -> None:
        if self.write_lock is None:
            self.adapter.execute(self.conn, "BEGIN")
            return
        self.adapter.execute(self.conn, self.adapter.BEGIN_WRITE)
        self.adapter.lock(self.conn, self.write_lock)

    def __exit__(self, kind, exc, tb) -> bool:
        if not self.adapter.in_transaction(self.conn):
            return False
        try:
            self.adapter.execute(self.conn, "ROLLBACK" if exc else "COMMIT")
        except Exception:
            if exc is None:
                raise
        return False


@contextmanager
def _sql_line(sql: str) -> Iterator[None]:
    """A DatabaseError with a character position gets the line of ``sql`` it points at."""
    try:
        yield
    except DatabaseError as exc:
        if not exc.position:
            raise
        raise exc.located(sql_line=sql[: exc.position - 1].count("\n") + 1) from exc.__cause__
