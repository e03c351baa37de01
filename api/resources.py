"""Falcon resources. They get their collaborators through __init__ and hold no state."""

from __future__ import annotations

import logging
from typing import Any

import falcon

from api.auth import Authenticator
from api.dashboard import MODES, DashboardService
from runner.errors import DatabaseError, ProjectError

log = logging.getLogger("api")


def _single_param(req: falcon.Request, name: str) -> str | None:
    value = req.params.get(name)
    if isinstance(value, list):
        raise falcon.HTTPInvalidParam("it must be given at most once", name)
    return value


class DashboardResource:
    """GET /api/analytics/dashboard-stats/?mode=total|unique[&as_of=ISO-8601]"""

    def __init__(
        self, service: DashboardService, auth: Authenticator, retry_after: int, max_query: int
    ) -> None:
        self.service = service
        self.auth = auth
        self.retry_after = retry_after
        self.max_query = max_query

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.auth.admin_claims(req.get_header("Authorization"))
        if len(req.query_string) > self.max_query:
            raise falcon.HTTPBadRequest(
                title="Bad request", description=f"the query string exceeds {self.max_query} bytes"
            )
        unknown = sorted(set(req.params) - {"mode", "as_of"})
        if unknown:
            raise falcon.HTTPInvalidParam(
                "unknown parameter (only mode and as_of exist)", unknown[0][:40]
            )
        mode = _single_param(req, "mode")
        mode = "total" if mode is None else mode
        if mode not in MODES:
            raise falcon.HTTPInvalidParam("it must be exactly 'total' or 'unique'", "mode")
        as_of = _single_param(req, "as_of")
        req.context.mode = mode
        try:
            resp.media = self.service.compute(mode, as_of)
        except ProjectError:
            raise falcon.HTTPInvalidParam("it must be an ISO-8601 date-time", "as_of") from None
        except DatabaseError as exc:
            raise self._database_error(exc) from None

    def _database_error(self, exc: DatabaseError) -> falcon.HTTPError:
        log.error("dashboard query failed: %s", exc.format().replace("\n", " | "))
        if exc.unavailable:
            return falcon.HTTPServiceUnavailable(
                title="Service unavailable",
                description="the database is unavailable; try again shortly",
                retry_after=self.retry_after,
            )
        return falcon.HTTPInternalServerError(
            title="Internal server error", description="the dashboard could not be computed"
        )


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
