"""Baseline (b): the same models on DuckDB, rendered with PostgreSQL's macros (DuckDB's
own where sqlglot cannot express the difference) and transpiled by sqlglot."""

from __future__ import annotations

from pathlib import Path

import sqlglot

from runner.params import resolve_params
from runner.project import Project
from runner.render import Renderer

MARTS_FROM = "api.dashboard"


def compile_for_duckdb(project: Project, mode: str) -> list[tuple[str, str, bool]]:
    """(name, DuckDB SQL, is_intermediate) in execution order."""
    from api.dashboard import MARTS

    params = resolve_params(project.params, {"mode": mode})
    rendered = Renderer(project, "duckdb", fallbacks=("postgres",)).render_all(
        dict(project.vars), params, True
    )
    order = ["stg_events", *MARTS]
    return [
        (
            name,
            sqlglot.transpile(rendered[name].sql, read="postgres", write="duckdb")[0],
            name == "stg_events",
        )
        for name in order
    ]


def load_duckdb(csv_path: Path):
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"""
        CREATE TABLE events AS
        SELECT id, event_type, session_id, user_id, product_slug, product_name, price, metadata,
               source, error_message, idempotency_key, CAST(created_at AS TIMESTAMPTZ) AS created_at
        FROM read_csv('{csv_path}', header = true, nullstr = '\\N', all_varchar = true,
                      quote = '"', escape = '"')
        """
    )
    con.execute("ALTER TABLE events ALTER id TYPE BIGINT")
    return con


def run_duckdb(con, compiled: list[tuple[str, str, bool]], as_of: str) -> dict[str, list[tuple]]:
    out = {}
    for name, sql, intermediate in compiled:
        params = {"as_of": as_of} if "$as_of" in sql else None
        if intermediate:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)
        else:
            out[name] = con.execute(sql, params).fetchall()
    return out
