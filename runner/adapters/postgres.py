"""PostgreSQL through psycopg 3, with a psycopg_pool pool when the API asks for one.

Every connection runs with ``TimeZone = 'UTC'`` (days are UTC calendar dates) and
loads NUMERIC as float, so results leave the database as JSON-ready values identical
to SQLite's. Placeholders are written ``:name`` in compiled SQL and rewritten here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.numeric import FloatLoader

from runner.adapters.base import Adapter, Capabilities, ConnectionSettings, quote, register
from runner.errors import DatabaseError


@register
class PostgresAdapter(Adapter):
    DIALECT = "postgres"
    SCHEMES = ("postgresql", "postgres")
    DEFAULT_SCHEMA = "public"
    INLINE_CTE = "NOT MATERIALIZED "
    CAPABILITIES = Capabilities(transactional_ddl=True, named_locks=True, upsert=True)
    DROP_SUFFIX = " CASCADE"
    TEMP_SCHEMA = "pg_temp"

    def __init__(
        self,
        url: str,
        root: Path | None = None,
        settings: ConnectionSettings | None = None,
        schema: str | None = None,
    ) -> None:
        """From ``settings``: ``pool_size`` (a psycopg_pool pool when > 0) and
        ``pool_timeout``, ``connect_timeout``, ``statement_timeout_ms`` (the server's
        statement_timeout). ``read_only`` does not apply: least privilege is the role's
        (deploy/postgres-roles.sql). ``root`` is unused (no files).

        ``schema`` (the project's): models are built there, because every connection
        puts it first on its search_path (sources are still found on the rest of it);
        ``runner run`` creates it when missing. A URL that sets search_path itself
        (``?options=-csearch_path%3D...``) wins, as the URL wins over project.yml."""
        super().__init__(url)
        self.schema = None if schema is None or _sets_search_path(url) else schema
        self.extra_schemas: tuple[str, ...] = ()
        settings = settings or ConnectionSettings()
        self.connect_timeout = settings.connect_timeout
        self.statement_timeout_ms = settings.statement_timeout_ms
        self.pool_timeout = settings.pool_timeout
        pool_size = settings.pool_size
        self.pool = None
        if pool_size:
            from psycopg_pool import ConnectionPool

            self.pool = ConnectionPool(
                url,
                min_size=1,
                max_size=pool_size,
                kwargs=self._connect_kwargs(),
                configure=self._configure,
                check=ConnectionPool.check_connection,
                open=False,
                reconnect_timeout=0,
            )
            self.pool.open(wait=False)

    def _connect_kwargs(self) -> dict[str, Any]:
        return {"autocommit": True, "connect_timeout": self.connect_timeout}

    def _configure(self, conn: psycopg.Connection) -> None:
        conn.adapters.register_loader("numeric", FloatLoader)
        conn.execute("SET TimeZone TO 'UTC'")
        # JIT compiles a plan's expressions once its estimated cost is high; the
        # dashboard's queries are short but wide, and compiling took ~0.9 s of a 1 s
        # request at 1M events (bench/README.md)
        conn.execute("SET jit = off")
        if self.statement_timeout_ms:
            conn.execute(f"SET statement_timeout = {int(self.statement_timeout_ms)}")
        if self.schema or self.extra_schemas:
            current = conn.execute("SHOW search_path").fetchone()[0]
            first = [f'"{quote(self.schema)}"'] if self.schema else []
            last = [f'"{quote(s)}"' for s in self.extra_schemas]
            conn.execute(f"SET search_path TO {', '.join([*first, current, *last])}")

    def search_schemas(self, schemas: tuple[str, ...]) -> None:
        """Sources and seeds in custom schemas are found by their bare names, after the
        models' schema (a unit test's TEMP inputs still stand in for them)."""
        self.extra_schemas = tuple(schemas)

    @contextmanager
    def seed_schema(self, conn: Any, schema: str | None) -> Iterator[None]:
        if not schema:
            yield
            return
        found = self.query(conn, "SELECT 1 FROM pg_namespace WHERE nspname = :s", {"s": schema})
        if not found[1]:
            self.execute(conn, f'CREATE SCHEMA "{quote(schema)}"')
        current = self.query(conn, "SHOW search_path")[1][0][0]
        self.execute(conn, f'SET search_path TO "{quote(schema)}"')
        try:
            yield
        finally:
            self.execute(conn, f"SET search_path TO {current}")

    @contextmanager
    def source_scope(self, conn: Any) -> Iterator[None]:
        """The search path without the models' schema (which connect() put first), so
        a seed's ``CREATE TABLE events`` goes where the sources live even once the
        models' schema exists; restored on the way out."""
        if not self.schema:
            yield
            return
        current = self.query(conn, "SHOW search_path")[1][0][0]
        rest = [p.strip() for p in current.split(",")]
        rest = [p for p in rest if p.strip('"') != self.schema] or ["public"]
        self.execute(conn, f"SET search_path TO {', '.join(rest)}")
        try:
            yield
        finally:
            self.execute(conn, f"SET search_path TO {current}")

    def prepare_schema(self, conn: Any) -> None:
        """Create the schema when missing (checked first: CREATE SCHEMA IF NOT EXISTS needs
        the CREATE privilege on the database even when the schema is there)."""
        if (
            self.schema
            and not self.query(
                conn, "SELECT 1 FROM pg_namespace WHERE nspname = :s", {"s": self.schema}
            )[1]
        ):
            self.execute(conn, f'CREATE SCHEMA "{quote(self.schema)}"')

    @contextmanager
    def connection(self, dedicated: bool = False) -> Iterator[psycopg.Connection]:
        if self.pool is not None and not dedicated:
            with self.errors():
                ctx = self.pool.connection(timeout=self.pool_timeout)
                conn = ctx.__enter__()
            try:
                yield conn
            except BaseException as exc:
                ctx.__exit__(type(exc), exc, exc.__traceback__)
                raise
            else:
                ctx.__exit__(None, None, None)
            return
        with self.errors():
            conn = psycopg.connect(self.url, **self._connect_kwargs())
            self._configure(conn)
        try:
            yield conn
        finally:
            conn.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    @contextmanager
    def errors(self) -> Iterator[None]:
        from psycopg_pool import PoolTimeout

        try:
            yield
        except PoolTimeout as exc:
            raise DatabaseError(
                "PostgreSQL: no free connection in the pool", cause="unavailable"
            ) from exc
        except psycopg.OperationalError as exc:
            raise DatabaseError(f"PostgreSQL: {_first_line(exc)}", cause=_cause(exc)) from exc
        except psycopg.Error as exc:
            diag = getattr(exc, "diag", None)
            position = getattr(diag, "statement_position", None)
            token = _token(_first_line(exc))
            undefined_table = getattr(exc, "sqlstate", None) == "42P01"
            raise DatabaseError(
                f"PostgreSQL: {_first_line(exc)}",
                cause=_cause(exc),
                hint=getattr(diag, "message_hint", None),  # e.g. "Perhaps you meant ..."
                position=int(position) if position else None,
                token=token,
                missing=token.split(".")[-1] if undefined_table and token else None,
            ) from exc
        except ValueError as exc:  # e.g. an unparseable URL (psycopg raises ProgrammingError too)
            raise DatabaseError(f"PostgreSQL: {exc}", cause="unavailable") from exc

    def bind(self, sql: str, names: Sequence[str]) -> str:
        """``:name`` (as rendered) or ``%(name)s`` (as sqlglot writes it) -> psycopg style."""
        if not names:
            return sql
        sql = sql.replace("%", "%%")
        for name in names:
            sql = re.sub(r"(?<![:\w]):" + re.escape(name) + r"\b", f"%({name})s", sql)
            sql = sql.replace(f"%%({name})s", f"%({name})s")
        return sql

    def scratch(self, conn: Any) -> AbstractContextManager[None]:
        """One REPEATABLE READ transaction that always rolls back: every statement of a
        request reads the same snapshot, and MVCC makes no writer wait for it."""
        return _Scratch(self, conn)

    def analyze(self, conn: Any, name: str) -> None:
        """VACUUM as well: a table made by CREATE TABLE AS has no visibility map, so no
        index-only scan until autovacuum gets to it (seen: 230 ms of heap fetches for
        85k rows that an index holds)."""
        self.execute(conn, f"VACUUM (ANALYZE) {self.qualify(name)}")

    def lock(self, conn: Any, name: str) -> None:
        """A transaction-scoped advisory lock: writers of one model take turns; readers
        (and the storefront's writes to events) are never blocked by it."""
        self.query(conn, "SELECT pg_advisory_xact_lock(hashtext(:n))", {"n": f"runner:{name}"})

    def in_transaction(self, conn: Any) -> bool:
        return conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    TYPE_NAMES = {
        "integer": "BIGINT",
        "real": "DOUBLE PRECISION",
        "text": "TEXT",
        "decimal": "NUMERIC",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",  # what dbt-postgres makes of an inferred seed column
        "datetime": "TIMESTAMP",
        "boolean": "BOOLEAN",
    }

    def relation_kind(self, conn: Any, name: str, source: bool = False) -> str | None:
        rows = self.query(
            conn,
            "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'i' THEN 'index' ELSE 'table' END "
            "FROM pg_class c "
            "WHERE c.oid = to_regclass(:n)",
            {"n": name},
        )[1]
        return rows[0][0] if rows else None

    def column_types(self, conn: Any, table: str) -> dict[str, str]:
        rows = self.query(
            conn,
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = to_regclass(:t) AND attnum > 0 AND NOT attisdropped",
            {"t": table},
        )[1]
        return dict(rows)

    def load_rows(self, conn: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        types = self.column_types(conn, table)
        json_cols = [i for i, c in enumerate(columns) if types.get(c) in ("jsonb", "json")]
        cols = ", ".join(quote(c) for c in columns)
        with self.errors(), conn.cursor() as cur:
            with cur.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    for i in json_cols:
                        row[i] = _json_or_null(row[i])
                    copy.write_row(row)


class _Scratch:
    def __init__(self, adapter: PostgresAdapter, conn: Any) -> None:
        self.adapter, self.conn = adapter, conn

    def __enter__(self) -> None:
        self.adapter.execute(self.conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")

    def __exit__(self, kind, exc, tb) -> bool:
        if self.adapter.in_transaction(self.conn):
            try:
                self.adapter.execute(self.conn, "ROLLBACK")
            except Exception:
                if exc is None:
                    raise
        return False


def _sets_search_path(url: str) -> bool:
    try:
        options = psycopg.conninfo.conninfo_to_dict(url).get("options") or ""
    except psycopg.ProgrammingError:
        return False  # an unparseable URL fails when connecting, with its own message
    return "search_path" in str(options)


def _json_or_null(value: Any) -> Any:
    """JSONB cannot hold invalid JSON; the spec treats it like NULL (quantity 1)."""
    if value is None:
        return None
    try:
        json.loads(value, parse_constant=_reject)
    except (TypeError, ValueError):
        return None
    return value


def _reject(token: str) -> None:
    raise ValueError(f"{token} is not JSON")


#: messages that name the identifier they complain about (it locates the template line)
TOKENS = (
    re.compile(r'column "?([\w.]+)"? does not exist'),
    re.compile(r'relation "([\w.]+)" does not exist'),
    re.compile(r"function ([\w.]+)\("),
)


def _token(message: str) -> str | None:
    for pattern in TOKENS:
        match = pattern.search(message)
        if match:
            return match.group(1)  # qualified names stay whole
    return None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _cause(exc: psycopg.Error) -> str:
    """57014 query_canceled is the statement timeout; class 08 (connection exception),
    other 57 (operator intervention: shutdown) and 53 (insufficient resources) mean the
    server, not the SQL, is the problem; an error without a SQLSTATE never reached it."""
    sqlstate = getattr(exc, "sqlstate", None) or ""
    if sqlstate == "57014":
        return "timeout"
    if sqlstate == "" and isinstance(exc, psycopg.OperationalError):
        return "unavailable"
    return "unavailable" if sqlstate[:2] in ("08", "57", "53") else "sql"
