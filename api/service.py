"""The dashboard: running the mart models for one (mode, as_of) and stitching the response.

The models compute every number; this module only puts their rows into the spec's
shape (section 3), in the spec's key order, with JSON types fixed (counts are ints,
rates and money floats). ``DashboardService`` is used by the Falcon resource and by
``runner dashboard``, so both return the same body.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Any

from api.query import DEFAULT_DAYS, MODES
from runner.compile import CompiledProject, compile_project
from runner.errors import ParamError, RunnerError
from runner.params import parse_timestamp
from runner.project import load_project
from runner.query import query_models
from runner.refresh import refresh
from runner.workspace import Workspace

MARTS = (
    "sales_summary",
    "top_products",
    "top_viewed_products",
    "sales_by_day",
    "events_timeline",
    "abandonment",
    "event_counts",
    "checkout_funnel",
    "error_counts",
    "product_performance",
    "errors_timeline",
    "session_stats",
    "retention_metrics",
    "traffic_sources",
    "whatsapp",
    "whatsapp_sessions_list",
)
FUNNEL = ("product_view", "add_to_cart", "begin_checkout", "purchase")
TIMELINE = FUNNEL + ("checkout_started", "payment_info_entered", "order_completed")
ERRORS = ("payment_error", "checkout_error", "payment_confirmation_error")
ERRORS_TIMELINE = ERRORS + ("address_error",)


log = logging.getLogger("api")


class DashboardService:
    """Compiles the project once per mode and runs the marts for each request.

    With ``watch`` (the server's mode) the project files are checked at most once per
    ``watch_interval`` seconds; a changed project is recompiled for every mode before it
    replaces the running one, so a model broken on disk is logged and the last good
    compiled project keeps serving.
    """

    def __init__(self, workspace: Workspace, watch: bool = False, watch_interval: float = 1.0):
        self.workspace = workspace
        self.watch = watch
        self.watch_interval = watch_interval
        self.last_error: RunnerError | None = None
        self._compiled: dict[str, CompiledProject] = {}
        self._lock = threading.Lock()
        self._fingerprint = _fingerprint(workspace.project.root) if watch else None
        self._checked = time.monotonic()

    def compiled(self, mode: str) -> CompiledProject:
        if self.watch:
            self._reload_if_changed()
        with self._lock:
            if mode not in self._compiled:
                self._compiled[mode] = self.workspace.compile({"mode": mode}, bind=True)
            return self._compiled[mode]

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
                log.error("project changed but does not compile; serving the last good one: %s",
                          exc.format().replace("\n", " | "))  # fmt: skip
            self.last_error = exc
            return
        with self._lock:
            self.workspace = replace(self.workspace, project=project)
            self._compiled = fresh
            self._fingerprint = fingerprint
            self.last_error = None
        log.info("project reloaded")

    def ping(self) -> None:
        """Raise DatabaseError unless the database answers a trivial query."""
        adapter = self.workspace.adapter
        with adapter.connection() as conn:
            adapter.query(conn, "SELECT 1")

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
        compiled = self.compiled(mode)
        adapter = self.workspace.adapter
        params = {"as_of": instant, "window_days": days}
        with adapter.connection() as conn:
            refresh(adapter, conn, compiled, MARTS)
            rows = query_models(adapter, conn, compiled, MARTS, params=params)
        return stitch(rows, mode)


def _fingerprint(root) -> tuple:
    """(path, mtime, size) of project.yml and every model and macro file."""
    files = [
        root / "project.yml",
        *sorted(root.glob("models/**/*.sql")),
        *sorted(root.glob("macros/**/*.sql")),
    ]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file())


def _ints(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, int]:
    return {k: int(row[k]) for k in keys}


def _day_rows(rows: list[dict], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"date": str(r["date"]), **_ints(r, keys)} for r in rows]


def _product(row: dict[str, Any], mode: str) -> dict[str, Any]:
    item = {
        "slug": row["slug"],
        "name": row["name"],
        "views": int(row["views"]),
        "add_to_cart": int(row["add_to_cart"]),
        "purchases": int(row["purchases"]),
    }
    if mode == "unique":
        item["purchases_units"] = int(row["purchases_units"])
    item["conversion_rate"] = float(row["conversion_rate"])
    return item


def stitch(rows: dict[str, list[dict[str, Any]]], mode: str) -> dict[str, Any]:
    """Model rows -> the response, keys in the order of spec section 3."""
    sales = rows["sales_summary"][0]
    counts = rows["event_counts"][0]
    funnel = rows["checkout_funnel"][0]
    sessions = rows["session_stats"][0]
    retention = rows["retention_metrics"][0]
    whatsapp = rows["whatsapp"][0]
    return {
        "mode": mode,
        "total_sales": int(sales["total_sales"]),
        "total_revenue": float(sales["total_revenue"]),
        "average_order_value": float(sales["average_order_value"]),
        "top_products": [
            {"slug": r["slug"], "count": int(r["count"])} for r in rows["top_products"]
        ],
        "top_viewed_products": [
            {"slug": r["slug"], "count": int(r["count"])} for r in rows["top_viewed_products"]
        ],
        "sales_by_day": [
            {"date": str(r["date"]), "count": int(r["count"])} for r in rows["sales_by_day"]
        ],
        "events_timeline": _day_rows(rows["events_timeline"], TIMELINE),
        "abandonment_rate": float(rows["abandonment"][0]["abandonment_rate"]),
        "event_counts": _ints(counts, FUNNEL),
        "conversion_rates": {
            k: float(counts[k])
            for k in ("visit_to_cart", "cart_to_checkout", "checkout_to_purchase")
        },
        "checkout_started_count": int(funnel["checkout_started_count"]),
        "payment_info_entered_count": int(funnel["payment_info_entered_count"]),
        "order_completed_count": int(funnel["order_completed_count"]),
        "conversion_checkout_to_payment": float(funnel["conversion_checkout_to_payment"]),
        "conversion_payment_to_order": float(funnel["conversion_payment_to_order"]),
        "error_counts": _ints(rows["error_counts"][0], ERRORS),
        "product_performance": [_product(r, mode) for r in rows["product_performance"]],
        "errors_timeline": _day_rows(rows["errors_timeline"], ERRORS_TIMELINE),
        "session_stats": {
            "unique_sessions": int(sessions["unique_sessions"]),
            "avg_events_per_session": float(sessions["avg_events_per_session"]),
            "sessions_with_purchase": int(sessions["sessions_with_purchase"]),
        },
        "retention_metrics": {
            "repurchase_rate": float(retention["repurchase_rate"]),
            "recurrent_customers": int(retention["recurrent_customers"]),
            "total_unique_buyers": int(retention["total_unique_buyers"]),
            "period_days": int(retention["period_days"]),
        },
        "traffic_sources": [
            {"source": r["source"], "sessions": int(r["sessions"])} for r in rows["traffic_sources"]
        ],
        "whatsapp_sessions": int(whatsapp["whatsapp_sessions"]),
        "whatsapp_purchases": int(whatsapp["whatsapp_purchases"]),
        "whatsapp_sessions_list": [r["session_id"] for r in rows["whatsapp_sessions_list"]],
    }
