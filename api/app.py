"""The Falcon application factory. ``create_app`` only wires routes and middleware."""

from __future__ import annotations

import logging
import time

import falcon

from api.auth import Authenticator
from api.config import Config
from api.errors import ErrorMapper, unexpected
from api.openapi import OpenAPIResource
from api.page import STATIC_DIR, STATIC_PREFIX, PageHeaders, PageResource
from api.refresher import Refresher
from api.resources import DashboardResource, HealthResource, ReadyResource
from api.service import DashboardService
from runner.adapters import ConnectionSettings
from runner.errors import RunnerError
from runner.workspace import Workspace

DASHBOARD_PATH = "/api/analytics/dashboard-stats"
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


def create_app(config: Config, service: DashboardService | None = None) -> falcon.App:
    """The app; without a ``service`` (a server), it opens the configured database and
    starts the refresher thread that keeps the incremental state current."""
    if service is None:
        workspace = Workspace.open(config.project_dir, config.database, connection_settings(config))
        service = DashboardService(workspace, watch=True)
        if config.refresh_interval > 0:
            Refresher(service, config.refresh_interval, config.reconcile_interval).start()
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
    dashboard = DashboardResource(service, Authenticator(config), config.max_query_string)
    app.add_route(DASHBOARD_PATH + "/", dashboard)
    app.add_route(DASHBOARD_PATH, dashboard)
    app.add_route("/api/openapi.json", OpenAPIResource(lambda: service.contract))
    app.add_route("/healthz", HealthResource())
    app.add_route("/readyz", ReadyResource(service))
    app.add_route("/", PageResource())
    app.add_static_route(STATIC_PREFIX, str(STATIC_DIR))
    return app


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
