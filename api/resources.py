"""Falcon resources. They get their collaborators through __init__ and hold no state."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import falcon

from api.auth import Authenticator
from api.query import parse_query
from api.service import DashboardService


class DashboardResource:
    """GET /api/analytics/dashboard-stats/?mode=total|unique[&start=D&end=D | &as_of=ISO]

    Errors are not caught here: api.errors maps every runner error to its status."""

    def __init__(self, service: DashboardService, auth: Authenticator, max_query: int) -> None:
        self.service = service
        self.auth = auth
        self.max_query = max_query

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.auth.admin_claims(req.get_header("Authorization"))
        if len(req.query_string) > self.max_query:
            raise falcon.HTTPBadRequest(
                title="Bad request", description=f"the query string exceeds {self.max_query} bytes"
            )
        query = parse_query(req.params, now=datetime.now(timezone.utc))
        req.context.mode = query.mode
        resp.media = self.service.compute(query.mode, query.as_of, query.days)


class HealthResource:
    """/healthz: the process is up. No auth, no data."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """/readyz: the project compiles and the database answers. No auth, no data."""

    def __init__(self, service: DashboardService) -> None:
        self.service = service

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        checks: dict[str, Any] = {}
        try:
            self.service.compiled("total")
            checks["project"] = "ok" if self.service.last_error is None else "stale"
        except Exception:  # noqa: BLE001 - readiness reports, never raises
            checks["project"] = "error"
        try:
            self.service.ping()
            checks["database"] = "ok"
        except Exception:  # noqa: BLE001
            checks["database"] = "error"
        ready = checks["database"] == "ok" and checks["project"] in ("ok", "stale")
        resp.status = falcon.HTTP_200 if ready else falcon.HTTP_503
        resp.media = {"status": "ready" if ready else "not ready", **checks}
