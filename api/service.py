"""An endpoint served: its contract's marts read through the runner's ``Session`` and
stitched into the response body.

The models compute every number; the contract (api/contract.py) puts their rows in the
response's shape; the session (runner/serving.py) is the only way in to the runner.
``EndpointService`` serves the Falcon resource, ``runner dashboard`` and the benchmarks
alike, so all of them return the same body for the same request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from api.contract import BoundContract
from api.endpoint import DASHBOARD_STATS, Endpoint
from api.period import resolve_request
from runner.serving import ParamValues, Session


class EndpointService:
    """One endpoint over a session: request -> validated params -> body."""

    def __init__(self, session: Session, endpoint: Endpoint = DASHBOARD_STATS) -> None:
        self.session = session
        self.endpoint = endpoint
        self._bound: BoundContract | None = None

    @property
    def contract(self) -> BoundContract:
        """The contract bound to the session's current project (it follows a reload)."""
        project = self.session.project
        if self._bound is None or self._bound.project is not project:
            self._bound = self.endpoint.contract.bind(project)
        return self._bound

    def request(
        self, query: Mapping[str, Any], now: datetime | None = None, days: int | None = None
    ) -> ParamValues:
        """A request's query string as the project's params, validated once
        (api/period.py); ``days``: N given directly (the CLI's ``--days``)."""
        return resolve_request(self.endpoint, self.session.params, query, now, days)

    def compute(
        self, values: ParamValues, timings: dict[str, float] | None = None
    ) -> dict[str, Any]:
        """The body for validated ``values`` (``request``'s result); ``timings`` gets
        the seconds of each step (``Session.query``)."""
        contract = self.contract
        rows = self.session.query(contract.marts, values, timings=timings)
        return contract.stitch(rows, values)

    def answer(
        self,
        query: Mapping[str, Any] | None = None,
        now: datetime | None = None,
        days: int | None = None,
    ) -> dict[str, Any]:
        """``compute(request(query))``: what the endpoint answers to that query string."""
        return self.compute(self.request(query or {}, now, days))

    def refresh(self, reconcile: bool = False) -> int:
        """Bring the incremental state the contract reads up to date (rows written)."""
        return self.session.refresh(self.contract.marts, reconcile)
