"""Falcon resources. They get their collaborators through __init__ and hold no state."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import falcon

from api.auth import Authenticator
from api.service import EndpointService
from runner.serving import Session


class EndpointResource:
    """GET an endpoint: the admin token, then its parameters (validated once, by the
    project's params), then its body. Errors are not caught here: api.errors maps every
    runner error to its status."""

    def __init__(self, service: EndpointService, auth: Authenticator, max_query: int) -> None:
        self.service = service
        self.auth = auth
        self.max_query = max_query

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.auth.admin_claims(req.get_header("Authorization"))
        if len(req.query_string) > self.max_query:
            raise falcon.HTTPBadRequest(
                title="Bad request", description=f"the query string exceeds {self.max_query} bytes"
            )
        values = self.service.request(req.params, now=datetime.now(timezone.utc))
        if "mode" in self.service.endpoint.params:  # the access log's mode field
            req.context.mode = values["mode"]
        resp.media = self.service.compute(values)


class HealthResource:
    """/healthz: the process is up. No auth, no data."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """/readyz: the project compiles and the database answers. No auth, no data."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        checks: dict[str, Any] = {}
        try:
            self.session.compiled()
            checks["project"] = "ok" if self.session.last_error is None else "stale"
        except Exception:  # noqa: BLE001 - readiness reports, never raises
            checks["project"] = "error"
        try:
            self.session.ping()
            checks["database"] = "ok"
        except Exception:  # noqa: BLE001
            checks["database"] = "error"
        ready = checks["database"] == "ok" and checks["project"] in ("ok", "stale")
        resp.status = falcon.HTTP_200 if ready else falcon.HTTP_503
        resp.media = {"status": "ready" if ready else "not ready", **checks}
