"""Baseline (b): the same models on DuckDB, rendered with PostgreSQL's macros (DuckDB's
own where sqlglot cannot express the difference) and transpiled by sqlglot."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import sqlglot

from runner.project.loader import MacroFile, Project
from runner.project.params import resolve_params
from runner.render.renderer import Renderer

#: the source's clean-up, a view the incremental models read (ephemeral in the project)
STAGING = ("stg_store__events",)
#: the incremental models: built once, like the tables a run keeps on the other engines
STATE = (
    "int_events",
    "int_events_hourly",
    "int_events_daily",
    "int_events_weekly",
    "int_events_day_counts",
)
#: per request, before the marts: tables, except ephemeral models (views = inlined)
REQUEST = ("int_window_facts", "int_window_day_counts", "int_window_events")


BENCH_MACROS = Path(__file__).resolve().parent / "macros"


def with_bench_macros(project: Project) -> Project:
    """The project plus bench/macros/ (DuckDB's own macros stay out of the project)."""
    extra = tuple(
        MacroFile(path=f"bench/macros/{p.name}", source=p.read_text(encoding="utf-8"))
        for p in sorted(BENCH_MACROS.glob("*.sql"))
    )
    return replace(project, macros=project.macros + extra)


def compile_for_duckdb(project: Project, mode: str) -> list[tuple[str, str, str]]:
    """(name, DuckDB SQL, kind) in execution order; kind is 'staging' (a view over the
    source), 'state' (a run's incremental tables, built whole), 'table' or 'view' (per
    request) or 'output' (a mart)."""
    from api.dashboard_contract import DASHBOARD

    params = resolve_params(project.params, {"mode": mode})
    rendered = Renderer(with_bench_macros(project), "duckdb", fallbacks=("postgres",)).render_all(
        dict(project.vars), params, True
    )

    def kind(name: str) -> str:
        if name in STAGING:
            return "staging"
        if name in STATE:
            return "state"
        if name in REQUEST:
            return "view" if rendered[name].materialized == "ephemeral" else "table"
        return "output"

    return [
        (
            name,
            sqlglot.transpile(rendered[name].sql, read="postgres", write="duckdb")[0],
            kind(name),
        )
        for name in (*STAGING, *STATE, *REQUEST, *DASHBOARD.bind(project).marts)
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


def build_state(con, compiled: list[tuple[str, str, str]]) -> None:
    """The incremental models, built whole from the events (DuckDB's first run)."""
    for name, sql, kind in compiled:
        if kind == "staging":
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
        elif kind == "state":
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")


def run_duckdb(
    con, compiled: list[tuple[str, str, str]], as_of: str, days: int = 7
) -> dict[str, list[tuple]]:
    """One dashboard request: the per-request models and the marts (state already built)."""
    values = {"as_of": as_of, "window_days": days}
    out = {}
    for name, sql, kind in compiled:
        params = {k: v for k, v in values.items() if f"${k}" in sql} or None
        if kind == "table":
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)
        elif kind == "view":
            # a view cannot take a prepared parameter; the values are our own canonical text
            literal = sql.replace("$as_of", "'" + as_of.replace("'", "") + "'")
            literal = literal.replace("$window_days", str(int(days)))
            con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {literal}")
        elif kind == "output":
            out[name] = con.execute(sql, params).fetchall()
    return out
