"""The adapter interface: everything the runner needs from an engine, and nothing more.

Engine knowledge lives in adapters and dispatched macros only. An adapter owns its URL
and connection settings, converts its driver's errors to ``DatabaseError`` in one place
(``errors()``), declares its capabilities, and offers the relation primitives that
materializations (runner/execute/materializations.py) are built on.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from runner.errors import ConfigError, DatabaseError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote(name: str) -> str:
    """Identifiers come from file names and project.yml; refuse anything that needs quoting."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def column_sql(name: str) -> str:
    """A column name the database reported, as SQL that means exactly it: lower-case
    plain names as they are, anything else double-quoted (a mixed-case column made by a
    quoted alias keeps its case on PostgreSQL)."""
    if IDENTIFIER.match(name) and name == name.lower():
        return name
    return '"' + name.replace('"', '""') + '"'


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


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared by its adapter; materializations and commands
    ask these instead of asking which engine it is.

    ``transactional_ddl``: CREATE and DROP roll back with the transaction.
    ``named_locks``: a lock by name that blocks no reader and no other table (PostgreSQL's
    advisory locks); without it, a write transaction locks the models' file instead.
    ``upsert``: INSERT ... ON CONFLICT DO UPDATE. ``incremental_strategies``: the ways an
    incremental model may apply a batch (dbt's ``incremental_strategy``)."""

    transactional_ddl: bool = True
    named_locks: bool = False
    upsert: bool = True
    incremental_strategies: tuple[str, ...] = ("delete+insert", "append")


#: URL scheme -> adapter class, filled by ``@register`` as each adapter module loads
REGISTRY: dict[str, type[Adapter]] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator: the adapter answers the URL schemes it lists in ``SCHEMES``."""
    for scheme in cls.SCHEMES:
        REGISTRY[scheme] = cls
    return cls


class Adapter(ABC):
    """One engine. Subclasses set the class attributes below and implement the abstract
    methods; everything else is built on those primitives. An adapter registers itself
    (``@register``) and carries its engine's facts as class attributes, so rendering and
    compiling ask the class, never a table keyed by engine name."""

    #: sqlglot's name for the engine's SQL, and the prefix of its dispatched macros
    DIALECT: str = ""
    #: the URL schemes it answers (``postgresql://``, ``postgres://``)
    SCHEMES: tuple[str, ...] = ()
    #: the schema models land in when the project names none (dbt's ``target.schema``)
    DEFAULT_SCHEMA = "main"
    #: how the dialect asks to inline a CTE (an ephemeral model) rather than compute it once
    INLINE_CTE = ""
    CAPABILITIES = Capabilities()
    #: the schema a connection's temporary tables live in
    TEMP_SCHEMA = "temp"
    #: what DROP needs to drop a relation others depend on
    DROP_SUFFIX = ""
    #: opening a write transaction (SQLite takes the write lock at BEGIN with IMMEDIATE)
    BEGIN_WRITE = "BEGIN"
    #: portable type names (seeds' column_types, YAML data_type) -> this engine's
    TYPE_NAMES = {
        "integer": "INTEGER",
        "real": "REAL",
        "text": "TEXT",
        "decimal": "TEXT",
        "timestamp": "TEXT",
        "date": "TEXT",  # ISO text: SQLite's date functions read it
        "datetime": "TEXT",
        "boolean": "INTEGER",  # 1/0
    }

    def __init__(self, url: str) -> None:
        self.url = url

    # -- connections and errors -------------------------------------------------------

    @abstractmethod
    def connection(self, dedicated: bool = False) -> AbstractContextManager[Any]:
        """A connection in autocommit mode; closed or returned to the pool on exit.
        ``dedicated``: for a background writer (a server's refresher): never taken from
        the pool (requests keep every pooled connection), and it waits for another
        writer's lock as long as a statement may run, where a request gives up after
        ``lock_timeout``."""

    @abstractmethod
    def errors(self) -> AbstractContextManager[None]:
        """Convert driver errors raised inside the block into DatabaseError, with the
        cause classified (unavailable, timeout, sql) and, where the message names one,
        the identifier it complains about (``token``)."""

    @abstractmethod
    def bind(self, sql: str, names: Sequence[str]) -> str:
        """Rewrite ``:name`` placeholders into the driver's paramstyle."""

    @abstractmethod
    def in_transaction(self, conn: Any) -> bool:
        """Whether a transaction is open (a library may have committed ours)."""

    def close(self) -> None:  # noqa: B027 - most engines hold nothing to release
        """Release what the adapter holds (a pool); connections close on their own."""

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

    def transaction(
        self, conn: Any, write_lock: str | Sequence[str] | None = None, rollback: bool = False
    ) -> AbstractContextManager[None]:
        """BEGIN ... COMMIT (ROLLBACK on error, or always with ``rollback``: a scratch
        transaction whose temporary tables vanish with it). ``write_lock``: the names of
        the models this writer may write, locked in order (``lock``), so writers of one
        model take turns."""
        locks = (write_lock,) if isinstance(write_lock, str) else tuple(write_lock or ())
        return _Transaction(self, conn, locks, rollback, write=write_lock is not None)

    def scratch(self, conn: Any) -> AbstractContextManager[None]:
        """Where a query builds its per-request relations: by default one transaction
        that always rolls back (its temporary tables vanish with it, and every statement
        reads the same snapshot). Engines where a read snapshot held across statements
        hurts other connections override it."""
        return self.transaction(conn, rollback=True)

    def lock(self, conn: Any, name: str) -> None:
        """Hold a lock named ``name`` until the transaction ends (engines with named locks)."""
        return None

    def prepare_schema(self, conn: Any) -> None:  # noqa: B027 - most engines need nothing
        """Make sure the schema models are built in exists (before a persistent run)."""

    @contextmanager
    def source_scope(self, conn: Any) -> Iterator[None]:
        """Inside it, unqualified names a seed's DDL creates land with the sources, not in
        the models' schema (engines that find both through one search path need this)."""
        yield

    def search_schemas(self, schemas: tuple[str, ...]) -> None:
        """dbt's custom schemas of sources and seeds (a source's ``schema:``, a seed's
        ``+schema``): engines with schemas search them after the models' schema."""
        if schemas:
            raise ConfigError(
                f"custom schemas ({', '.join(schemas)}) need an engine with schemas",
                hint="use PostgreSQL, or remove the sources' schema: and the seeds' +schema",
            )

    @contextmanager
    def seed_schema(self, conn: Any, schema: str | None) -> Iterator[None]:
        """Inside it, a seed with a custom schema is created in that schema."""
        yield

    def prepare_sources(self, conn: Any) -> None:  # noqa: B027 - most engines need nothing
        """Settings the sources' storage needs so that other writers never wait on us
        (``runner seed`` and ``runner run`` call it; a read-only connection cannot)."""

    # -- the catalogue -----------------------------------------------------------------

    @abstractmethod
    def relation_kind(self, conn: Any, name: str, source: bool = False) -> str | None:
        """'table', 'view', 'index' or None; ``source`` looks where sources and seeds
        live instead of where models are built (they differ on SQLite)."""

    def qualify(self, name: str, source: bool = False) -> str:
        """The name to create a relation under (schema-qualified where models live apart)."""
        return quote(name)

    def temp_name(self, name: str) -> str:
        return f"{self.TEMP_SCHEMA}.{quote(name)}"

    # -- relations: the primitives materializations are built on ----------------------

    def drop_relation(self, conn: Any, name: str, source: bool = False) -> None:
        kind = self.relation_kind(conn, name, source)
        if kind:
            target = self.qualify(name, source)
            self.execute(conn, f"DROP {kind.upper()} IF EXISTS {target}{self.DROP_SUFFIX}")

    def create_view_as(self, conn: Any, name: str, sql: str, params: dict | None) -> None:
        """The statement's first line is the CREATE and the model's SQL starts on line 2
        (error positions rely on it)."""
        self.execute(conn, f"CREATE VIEW {self.qualify(name)} AS\n{sql}", params)

    def create_table_as(self, conn: Any, name: str, sql: str, params: dict | None) -> None:
        self.execute(conn, f"CREATE TABLE {self.qualify(name)} AS\n{sql}", params)

    def create_temp_table_as(self, conn: Any, name: str, sql: str, params: dict | None) -> int:
        """A temporary table private to this connection (shadows a same-named relation)."""
        self.execute(conn, f"DROP TABLE IF EXISTS {self.temp_name(name)}")
        self.execute(conn, f"CREATE TEMP TABLE {quote(name)} AS\n{sql}", params)
        return self.count(conn, self.temp_name(name))

    def columns_of(self, conn: Any, relation: str) -> list[str]:
        return self.query(conn, f"SELECT * FROM {relation} LIMIT 0")[0]

    def column_types(self, conn: Any, table: str) -> dict[str, str]:
        """Declared type of each column of a source table ({} where the engine cannot say)."""
        return {}

    def count(self, conn: Any, relation: str) -> int:
        return self.query(conn, f"SELECT COUNT(*) FROM {relation}")[1][0][0]

    def has_rows(self, conn: Any, sql: str, params: dict[str, Any] | None) -> bool:
        """Whether a query returns any row (read only, so it costs no lock)."""
        # no LIMIT: PostgreSQL would pick a fast-start plan that reads everything when
        # nothing matches (seen: 9 s instead of 1 ms)
        return bool(self.query(conn, f"SELECT COUNT(*) FROM (\n{sql}\n) AS batch", params)[1][0][0])

    def analyze(self, conn: Any, name: str) -> None:
        """Planner statistics for a table just built (outside its transaction): without
        them both engines chose plans thousands of times slower for the incremental
        models' lookups."""
        self.execute(conn, f"ANALYZE {self.qualify(name)}")

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

    @abstractmethod
    def load_rows(self, conn: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        """Bulk-load rows into an existing table."""


class _Transaction:
    def __init__(
        self, adapter: Adapter, conn: Any, locks: tuple[str, ...], rollback: bool, write: bool
    ) -> None:
        self.adapter, self.conn, self.locks = adapter, conn, locks
        self.rollback, self.write = rollback, write

    def __enter__(self) -> None:
        self.adapter.execute(self.conn, self.adapter.BEGIN_WRITE if self.write else "BEGIN")
        for name in self.locks:
            self.adapter.lock(self.conn, name)

    def __exit__(self, kind, exc, tb) -> bool:
        if not self.adapter.in_transaction(self.conn):
            return False
        try:
            self.adapter.execute(self.conn, "ROLLBACK" if exc or self.rollback else "COMMIT")
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
