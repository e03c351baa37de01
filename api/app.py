"""The Falcon application factory. ``create_app`` only wires routes and middleware."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import falcon

from api.auth import Authenticator
from api.config import Config
from api.endpoint import DASHBOARD_STATS, ENDPOINTS
from api.errors import ErrorMapper, unexpected
from api.openapi import OpenAPIResource
from api.page import STATIC_DIR, STATIC_PREFIX, PageHeaders, PageResource
from api.refresher import Refresher
from api.resources import EndpointResource, HealthResource, ReadyResource
from api.service import EndpointService
from runner.errors import RunnerError
from runner.serving import ConnectionSettings, Session

__all__ = ["ENDPOINTS", "create_app"]
log = logging.getLogger("api.access")


class NoStore:
    """Dashboard answers hold revenue: never cached, by anyone."""

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        resp.set_header("Cache-Control", "no-store")


class AccessLog:
    """One structured line per request; never the token or the secret."""

    def process_request(self, req, resp) -> None:
        req.context.started = time.perf_counter()

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        started = getattr(req.context, "started", time.perf_counter())
        log.info(
            "method=%s path=%s status=%s duration_ms=%.1f mode=%s",
            req.method,
            req.path,
            resp.status.split()[0] if isinstance(resp.status, str) else resp.status,
            (time.perf_counter() - started) * 1000,
            getattr(req.context, "mode", "-"),
        )


def create_app(
    config: Config, session: Session | None = None, refresher: Refresher | None = None
) -> falcon.App:
    """The app; without a ``session`` (a server), it opens the configured database,
    watching the project's files, and (with a ``refresh_interval``) starts the refresher
    thread that keeps the incremental state current; its requests then only read. A
    caller giving a session may give the refresher that keeps it current (not started
    here): answers then say how current they are (``X-Events-Through``)."""
    if session is None:
        settings = connection_settings(config)
        session = Session.open(
            config.project_dir,
            config.database,
            settings,
            watch=True,
            refresh_on_query=config.refresh_interval <= 0,
        )
    services = [EndpointService(session, e) for e in ENDPOINTS]
    if refresher is None and not session.refresh_on_query and config.refresh_interval > 0:
        refresh = _refresh_all(session, services)
        refresher = Refresher(refresh, config.refresh_interval, config.reconcile_interval)
        refresher.start()
    app = falcon.App(
        middleware=[
            AccessLog(),
            NoStore(),
            PageHeaders(),
            falcon.CORSMiddleware(allow_origins=list(config.cors_origins)),
        ]
    )
    app.req_options.keep_blank_qs_values = True
    app.req_options.auto_parse_qs_csv = False
    app.add_error_handler(Exception, unexpected)
    app.add_error_handler(RunnerError, ErrorMapper(config.retry_after))
    auth = Authenticator(config)
    for service in services:
        through = refresher and (lambda refresher=refresher: refresher.through)
        resource = EndpointResource(service, auth, config.max_query_string, through)
        app.add_route(service.endpoint.path + "/", resource)
        app.add_route(service.endpoint.path, resource)
    app.add_route("/api/openapi.json", OpenAPIResource(services))
    app.add_route("/healthz", HealthResource())
    app.add_route("/readyz", ReadyResource(session, refresher and (lambda: refresher.through)))
    app.add_route("/", PageResource(session, DASHBOARD_STATS))
    app.add_static_route(STATIC_PREFIX, str(STATIC_DIR))
    return app


def _refresh_all(session: Session, services: list[EndpointService]) -> Callable[[bool], int]:
    """One pass over every mart the endpoints read, as the project is now (a reload)."""

    def refresh(reconcile: bool) -> int:
        marts = dict.fromkeys(m for s in services for m in s.contract.marts)
        return session.refresh(marts, reconcile)

    return refresh


def connection_settings(config: Config) -> ConnectionSettings:
    """What the API asks of its connections; each adapter applies what its engine has.
    The API never writes the sources, and a locked SQLite file answers 503 after 1 s."""
    return ConnectionSettings(
        read_only=True,
        statement_timeout_ms=config.statement_timeout_ms,
        lock_timeout=1.0,
        pool_size=config.pool_size,
        pool_timeout=config.pool_timeout,
    )
