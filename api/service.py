"""The dashboard service: the marts of a contract computed for one request.

The models compute every number; the contract (api/contract.py) puts their rows in the
response's shape. ``DashboardService`` serves the Falcon resource and ``runner
dashboard`` alike, so both return the same body.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Any

from api.contract import DASHBOARD, MODES, BoundContract, Contract
from api.query import DEFAULT_DAYS
from runner.compile.compiler import CompiledProject, compile_project
from runner.errors import ParamError, RunnerError
from runner.execute.reading import query_models
from runner.execute.refresh import refresh
from runner.project.loader import load_project
from runner.project.params import parse_timestamp
from runner.workspace import Workspace

log = logging.getLogger("api")


class DashboardService:
    """Compiles the project once per mode and runs the contract's marts per request.

    With ``watch`` (the server's mode) the project files are checked at most once per
    ``watch_interval`` seconds; a changed project is recompiled for every mode before it
    replaces the running one, so a model broken on disk is logged and the last good
    compiled project keeps serving.
    """

    def __init__(
        self,
        workspace: Workspace,
        watch: bool = False,
        watch_interval: float = 1.0,
        contract: Contract = DASHBOARD,
    ) -> None:
        self.workspace = workspace
        self.contract: BoundContract = contract.bind(workspace.project)
        self.watch = watch
        self.watch_interval = watch_interval
        self.last_error: RunnerError | None = None
        self._compiled: dict[str, CompiledProject] = {}
        self._lock = threading.Lock()
        self._fingerprint = _fingerprint(workspace.project.root) if watch else None
        self._checked = time.monotonic()

    def compiled(self, mode: str, reconcile: bool = False) -> CompiledProject:
        """The project compiled for ``mode`` (once); ``reconcile``: the variant whose
        incremental batch also compares every stored event with its source row."""
        if self.watch:
            self._reload_if_changed()
        key = f"{mode}+reconcile" if reconcile else mode
        with self._lock:
            if key not in self._compiled:
                given = {"mode": mode, "reconcile": True} if reconcile else {"mode": mode}
                self._compiled[key] = self.workspace.compile(given, bind=True)
            return self._compiled[key]

    def _reload_if_changed(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.watch_interval:
            return
        self._checked = now
        fingerprint = _fingerprint(self.workspace.project.root)
        if fingerprint == self._fingerprint:
            return
        try:
            project = load_project(self.workspace.project.root)
            fresh = {
                m: compile_project(project, self.workspace.dialect, {"mode": m}, bind=True)
                for m in MODES
            }
        except RunnerError as exc:
            if self.last_error is None or exc.format() != self.last_error.format():
                log.error(
                    "project changed but does not compile; serving the last good one: %s",
                    exc.format().replace("\n", " | "),
                )
            self.last_error = exc
            return
        with self._lock:
            self.workspace = replace(self.workspace, project=project)
            self.contract = self.contract.contract.bind(project)
            self._compiled = fresh
            self._fingerprint = fingerprint
            self.last_error = None
        log.info("project reloaded")

    def ping(self) -> None:
        """Raise DatabaseError unless the database answers a trivial query."""
        adapter = self.workspace.adapter
        with adapter.connection() as conn:
            adapter.query(conn, "SELECT 1")

    def refresh(self, reconcile: bool = False) -> int:
        """Bring the incremental state up to date (every event committed so far); with
        ``reconcile``, also apply rows changed or deleted at the source. Returns the
        rows written. Requests call it too, so the refresher only saves them work."""
        compiled, adapter = self.compiled("total", reconcile), self.workspace.adapter
        with adapter.connection() as conn:
            results = refresh(adapter, conn, compiled, self.contract.marts)
        return sum(r.rows or 0 for r in results)

    def compute(
        self, mode: str = "total", as_of: str | None = None, days: int = DEFAULT_DAYS
    ) -> dict[str, Any]:
        """The endpoint's body for ``mode`` at ``as_of`` (ISO-8601, default now) over an
        N-day window (``days``, spec section 2)."""
        if mode not in MODES:
            raise ParamError(
                "invalid value for param 'mode': must be one of total, unique", param="mode"
            )
        instant = parse_timestamp(as_of if as_of is not None else "now", "as_of")
        compiled, contract = self.compiled(mode), self.contract
        adapter = self.workspace.adapter
        params = {"as_of": instant, "window_days": days}
        with adapter.connection() as conn:
            refresh(adapter, conn, compiled, contract.marts)
            rows = query_models(adapter, conn, compiled, contract.marts, params=params)
        return contract.stitch(rows, mode)


def _fingerprint(root) -> tuple:
    """(path, mtime, size) of project.yml and every model and macro file."""
    files = [
        root / "project.yml",
        *sorted(root.glob("models/**/*.sql")),
        *sorted(root.glob("macros/**/*.sql")),
    ]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())
