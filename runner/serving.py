"""The serving facade: the one door between an application and the runner.

An application that answers requests from a project's models (an HTTP API, a CLI
command printing what the API would answer, a benchmark) holds one ``Session``:

* it is built on ``Workspace.open``, so the project is bound to its database exactly as
  every runner command binds it (schemas resolved, ``run_query`` while rendering);
* it exposes the project's declared params (``params``): the application derives its
  request validation, its API schema and its CLI options from them;
* ``resolve`` validates a request's values once; ``query(outputs, values)`` brings the
  outputs' incremental ancestors up to date and reads the outputs, on the project
  compiled once per combination of choice params (they are SQL text; every other param
  is a bound value);
* with ``watch``, it reloads the project when any file it was read from changes
  (``Project.read_from``: the project file, packages, model/macro/seed/test paths) and
  keeps serving the last good compiled project while the new one does not compile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from runner.adapters import Adapter, ConnectionSettings
from runner.compile.compiler import CompiledProject
from runner.errors import DatabaseError, RunnerError
from runner.execute.reading import query_models
from runner.execute.refresh import incremental_ancestors, refresh
from runner.project.loader import Project
from runner.project.params import ParamSet, ParamSpec, ParamValues, parse_timestamp
from runner.workspace import Workspace

#: what an application needs besides the Session, so that it imports the runner from
#: here (and ``runner.errors``, whose stages it maps to its own answers) only
__all__ = [
    "ConnectionSettings",
    "ParamSet",
    "ParamSpec",
    "ParamValues",
    "Project",
    "Session",
    "Workspace",
    "parse_timestamp",
]

log = logging.getLogger("runner.serving")
Rows = dict[str, list[dict[str, Any]]]


class Session:
    """A project and its database, serving queries; safe to share between threads."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        watch: bool = False,
        watch_interval: float = 1.0,
        refresh_on_query: bool = True,
    ) -> None:
        """``refresh_on_query``: each query first applies what arrived (an answer then
        includes every event committed before it; the query may write and wait for the
        write lock). A server that keeps the state current with its own refresher turns
        it off: its queries only read, never wait on a writer, and their answers include
        what the refresher has applied (``refresh``)."""
        self._workspace = workspace
        self.refresh_on_query = refresh_on_query
        self.watch = watch
        self.watch_interval = watch_interval
        self.last_error: RunnerError | None = None
        self._compiled: dict[tuple, CompiledProject] = {}
        self._lock = threading.Lock()
        self._fingerprint = fingerprint(workspace.project) if watch else None
        self._checked = time.monotonic()

    @classmethod
    def open(
        cls,
        project_dir: str | Path = ".",
        database: str | None = None,
        settings: ConnectionSettings | None = None,
        *,
        watch: bool = False,
        watch_interval: float = 1.0,
        refresh_on_query: bool = True,
    ) -> Session:
        """The database is chosen as every command chooses it (``Workspace.open``)."""
        workspace = Workspace.open(project_dir, database, settings)
        return cls(
            workspace,
            watch=watch,
            watch_interval=watch_interval,
            refresh_on_query=refresh_on_query,
        )

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    @property
    def project(self) -> Project:
        return self._workspace.project

    @property
    def adapter(self) -> Adapter:
        return self._workspace.adapter

    @property
    def params(self) -> ParamSet:
        """The project's declared params: the one place their names, types, choices,
        bounds and defaults are written."""
        return self.project.params

    def resolve(
        self, given: Mapping[str, Any] | None = None, names: Mapping[str, str] | None = None
    ) -> ParamValues:
        """Validate a request's values, once (see ``ParamSet.resolve``)."""
        return self.params.resolve(given, names)

    def compiled(self, values: ParamValues | None = None, **vars: Any) -> CompiledProject:
        """The project compiled for ``values``' choice params (once each) and the plain
        ``vars`` (``reconcile=True``: the refresher's variant)."""
        if self.watch:
            self._reload_if_changed()
        values = values if values is not None else self.resolve()
        key = _key(values.choices(), vars)
        with self._lock:
            if key not in self._compiled:
                self._compiled[key] = self._workspace.compile(vars, values=values)
            return self._compiled[key]

    def query(
        self,
        outputs: Iterable[str],
        values: ParamValues | None = None,
        *,
        limit: int | None = None,
        timings: dict[str, float] | None = None,
    ) -> Rows:
        """Rows of each output model for ``values`` (``resolve``'s result; the params'
        defaults when None); with ``refresh_on_query``, after applying what arrived to
        their incremental ancestors, so an answer includes every event committed before
        the call. ``timings`` gets the seconds of each step ("refresh", "read")."""
        values = values if values is not None else self.resolve()
        outputs = list(outputs)
        compiled, adapter = self.compiled(values), self.adapter
        timings = {} if timings is None else timings
        with adapter.connection() as conn:
            if self.refresh_on_query:
                started = time.perf_counter()
                refresh(adapter, conn, compiled, outputs)
                timings["refresh"] = time.perf_counter() - started
            started = time.perf_counter()
            try:
                rows = query_models(adapter, conn, compiled, outputs, values, limit=limit)
            except DatabaseError as exc:
                raise self._not_built(compiled, outputs, exc) from exc
            timings["read"] = time.perf_counter() - started
        return rows

    def _not_built(self, compiled: CompiledProject, outputs: list[str], exc: DatabaseError):
        """A query that does not refresh and finds an incremental model missing reads
        state nobody has built yet (a server starting, its refresher's first pass under
        way): the database cannot answer yet, which is not a broken model."""
        if self.refresh_on_query or exc.missing not in incremental_ancestors(compiled, outputs):
            return exc
        return DatabaseError(
            f"the incremental model {exc.missing} is not built yet",
            cause="unavailable",
            hint="the refresher's first pass builds it; `runner run` does too",
        )

    def refresh(self, outputs: Iterable[str], reconcile: bool = False) -> int:
        """Bring the incremental ancestors of ``outputs`` up to date; with ``reconcile``,
        also apply rows changed or deleted at the source. Returns the rows written."""
        compiled = self.compiled(**({"reconcile": True} if reconcile else {}))
        with self.adapter.connection(dedicated=True) as conn:  # never a request's
            results = refresh(self.adapter, conn, compiled, list(outputs))
        return sum(r.rows or 0 for r in results)

    def ping(self) -> None:
        """Raise DatabaseError unless the database answers a trivial query."""
        with self.adapter.connection() as conn:
            self.adapter.query(conn, "SELECT 1")

    def _reload_if_changed(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.watch_interval:
            return
        self._checked = now
        current = fingerprint(self.project)
        if current == self._fingerprint:
            return
        try:
            workspace = self._workspace.reload()
            keys = list(self._compiled) or [_key(workspace.project.params.resolve().choices(), {})]
            fresh = {key: workspace.compile({**dict(key[0]), **dict(key[1])}) for key in keys}
        except RunnerError as exc:
            if self.last_error is None or exc.format() != self.last_error.format():
                log.error(
                    "project changed but does not compile; serving the last good one: %s",
                    exc.format().replace("\n", " | "),
                )
            self.last_error = exc
            return
        with self._lock:
            self._workspace, self._compiled = workspace, fresh
            self._fingerprint, self.last_error = current, None
        log.info("project reloaded")


def _key(choices: Mapping[str, Any], vars: Mapping[str, Any]) -> tuple:
    """A compiled project's cache key: its choice params and plain vars."""
    return tuple(sorted(choices.items())), tuple(sorted(vars.items()))


def fingerprint(project: Project) -> tuple:
    """(path, mtime, size) of every file the project was read from (``read_from``)."""
    files: list[Path] = []
    for place in project.read_from:
        files.extend(
            sorted(p for p in place.rglob("*") if p.is_file()) if place.is_dir() else [place]
        )
    return tuple((str(p), s.st_mtime_ns, s.st_size) for p in files if (s := _stat(p)) is not None)


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None
