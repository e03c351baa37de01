"""Falcon resources. They get their collaborators through __init__ and hold no state."""

from __future__ import annotations

from collections.abc import Callable
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

    def __init__(
        self,
        service: EndpointService,
        auth: Authenticator,
        max_query: int,
        through: Callable[[], datetime | None] | None = None,
    ) -> None:
        """``through``: how current the state a request reads is (the refresher's
        ``through``), when requests do not refresh it themselves."""
        self.service = service
        self.auth = auth
        self.max_query = max_query
        self.through = through

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.auth.admin_claims(req.get_header("Authorization"))
        if len(req.query_string) > self.max_query:
            raise falcon.HTTPBadRequest(
                title="Bad request", description=f"the query string exceeds {self.max_query} bytes"
            )
        values = self.service.request(req.params, now=datetime.now(timezone.utc))
        if "mode" in self.service.endpoint.params:  # the access log's mode field
            req.context.mode = values["mode"]
        timings: dict[str, float] = {}
        # read before the models are: a pass that completes while they are read must not
        # be claimed (the answer may have read the state from before it)
        through = self.through() if self.through else datetime.now(timezone.utc)
        resp.media = self.service.compute(values, timings)
        resp.set_header("Server-Timing", server_timing(timings))
        if self.through is None and "refresh" not in timings:
            through = None  # a session that neither refreshes nor has a refresher: unknown
        if through is not None:  # every event committed before it is in the answer
            resp.set_header("X-Events-Through", through.isoformat(timespec="microseconds"))


def server_timing(timings: dict[str, float]) -> str:
    """The steps of an answer, in milliseconds (W3C Server-Timing: the browser's
    developer tools and the benchmarks read it): ``refresh`` (applying arrivals, when the
    request does it), ``read`` (the models)."""
    return ", ".join(f"{name};dur={seconds * 1000:.1f}" for name, seconds in timings.items())


class HealthResource:
    """/healthz: the process is up. No auth, no data."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}


class ReadyResource:
    """/readyz: the project compiles, the database answers and, where a refresher keeps
    the state, its first pass has completed (the state is built). No auth, no data."""

    def __init__(
        self, session: Session, through: Callable[[], datetime | None] | None = None
    ) -> None:
        self.session = session
        self.through = through

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
        if self.through is not None:
            through = self.through()
            checks["events_through"] = through.isoformat() if through else "building"
        ready = checks["database"] == "ok" and checks["project"] in ("ok", "stale")
        ready = ready and checks.get("events_through") != "building"
        resp.status = falcon.HTTP_200 if ready else falcon.HTTP_503
        resp.media = {"status": "ready" if ready else "not ready", **checks}
