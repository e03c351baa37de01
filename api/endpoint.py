"""Endpoints, each declared once: its path, its response contract, which of the
project's params a request sets by name, and its period.

The request parameters are not written here: their names, types, choices, bounds,
lengths and defaults are the project's params (``params:`` in project.yml). An endpoint
only says which params a request sets by their own names (``mode``, a choice; the
funnel's ``source``, a string) and which period it takes: spec section 2's
``start``/``end``/``as_of`` setting the project's ``as_of`` and a window-length param
(the dashboard's ``window_days``, the funnel's ``funnel_days``), or ``as_of`` alone for
an endpoint whose windows are fixed (alerts, RFM). Request validation (api/period.py),
the OpenAPI document (api/openapi.py), the CLI's options (api/cli.py) and the page's
buttons (api/page.py) derive from this and the project's params. A new endpoint is a
declaration here, its contract and its marts.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.admin_contracts import ALERTS, FUNNEL, RFM
from api.contract import Contract
from api.dashboard_contract import DASHBOARD


@dataclass(frozen=True)
class Period:
    """How a request sets the instant and the window: ``as_of`` (or ``end``) sets the
    project's ``as_of`` param (a timestamp); ``days`` names the integer param that
    ``start`` sets (the window's length N; its bounds and default are the project's).
    ``days=None``: a fixed window, read from ``as_of`` alone (``start`` and ``end`` are
    then parameters like any unknown one: ignored)."""

    as_of: str = "as_of"
    days: str | None = "window_days"


@dataclass(frozen=True)
class Endpoint:
    name: str  # the operationId
    path: str  # without the trailing slash (both spellings are routed)
    summary: str
    contract: Contract
    params: tuple[str, ...] = ()  # the project's params a request sets by their names
    period: Period | None = None

    @property
    def cli_name(self) -> str:
        """What ``runner dashboard --endpoint`` calls it: the path's last part."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


DASHBOARD_STATS = Endpoint(
    name="dashboardStats",
    path="/api/analytics/dashboard-stats",
    summary="Dashboard statistics for the N-day window ending at as_of (spec section 2)",
    contract=DASHBOARD,
    params=("mode",),
    period=Period(),
)

FUNNEL_ENDPOINT = Endpoint(
    name="funnel",
    path="/api/analytics/funnel",
    summary="Distinct sessions per funnel step in the N-day window ending at as_of "
    "(N = 30 by default), optionally of one traffic source",
    contract=FUNNEL,
    params=("source",),
    period=Period(days="funnel_days"),
)

ALERTS_ENDPOINT = Endpoint(
    name="alerts",
    path="/api/analytics/alerts",
    summary="The alert rules over the last 24 hours, 7 days, 6 hours and hour before as_of",
    contract=ALERTS,
    period=Period(days=None),
)

RFM_ENDPOINT = Endpoint(
    name="rfm",
    path="/api/analytics/rfm",
    summary="Recency, frequency, monetary value and segment of each customer who bought "
    "in the 90 days before as_of",
    contract=RFM,
    period=Period(days=None),
)

#: every endpoint the app serves (api/app.py routes them; the refresher keeps the
#: incremental state of all their marts current)
ENDPOINTS: tuple[Endpoint, ...] = (DASHBOARD_STATS, FUNNEL_ENDPOINT, ALERTS_ENDPOINT, RFM_ENDPOINT)


def by_cli_name(name: str) -> Endpoint:
    """The endpoint ``runner dashboard --endpoint NAME`` names (argparse checked it)."""
    return next(e for e in ENDPOINTS if e.cli_name == name)
