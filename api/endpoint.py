"""Endpoints, each declared once: its path, its response contract, and which of the
project's params a request may set.

The request parameters are not written here: their names, types, choices, bounds and
defaults are the project's params (``params:`` in project.yml). An endpoint only says
which choice params it takes by name (``mode``) and whether it takes spec section 2's
period (``start``/``end``/``as_of``, setting the project's ``as_of`` and window-length
params). Request validation (api/period.py), the OpenAPI document (api/openapi.py), the
CLI's options (api/cli.py) and the page's buttons (api/page.py) derive from this and
the project's params. A new endpoint is a declaration here and its marts.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.contract import DASHBOARD, Contract


@dataclass(frozen=True)
class Period:
    """Spec section 2's period: ``start``, ``end`` and ``as_of`` in the query string set
    the project's ``as_of`` (a timestamp param) and ``days`` (an integer param, the
    window's length N; its bounds and default are the project's)."""

    as_of: str = "as_of"
    days: str = "window_days"


@dataclass(frozen=True)
class Endpoint:
    name: str  # the operationId and the CLI's name for it
    path: str  # without the trailing slash (both spellings are routed)
    summary: str
    contract: Contract
    choices: tuple[str, ...] = ()  # the project's choice params a request sets by name
    period: Period | None = None


DASHBOARD_STATS = Endpoint(
    name="dashboardStats",
    path="/api/analytics/dashboard-stats",
    summary="Dashboard statistics for the N-day window ending at as_of (spec section 2)",
    contract=DASHBOARD,
    choices=("mode",),
    period=Period(),
)
