"""Serving the app with gunicorn, and the README's main job (``runner up``).

Gunicorn settings, chosen for a 2-core machine and a JSON endpoint whose request is a
handful of short queries:

* ``gthread`` workers (default 2) x threads (default 4): a request spends its time in
  the database, so threads overlap the waits; workers use both cores.
* ``timeout`` 30 s: the database statement timeout (DB_STATEMENT_TIMEOUT_MS, 20 s by
  default) answers 503 well before gunicorn would kill the worker.
* ``graceful_timeout`` 10 s, ``keepalive`` 5 s.
* ``limit_request_line`` 8190, ``limit_request_fields`` 50, ``limit_request_field_size``
  16384: a token is never near these; anything beyond is refused by gunicorn with 400.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from api.config import Config

GUNICORN_SETTINGS = {
    "worker_class": "gthread",
    "timeout": 30,
    "graceful_timeout": 10,
    "keepalive": 5,
    "limit_request_line": 8190,
    "limit_request_fields": 50,
    "limit_request_field_size": 16384,
    "accesslog": None,
    "errorlog": "-",
}


def serve(project_dir: str, database: str | None, host: str, port: int, workers: int,
          threads: int) -> int:  # fmt: skip
    """Run gunicorn in this process; refuses to start without JWT_SECRET."""
    from gunicorn.app.base import BaseApplication

    from api.app import create_app

    overrides = {"project_dir": Path(project_dir).resolve(), "database": database}
    config = Config.from_env(**overrides)  # raises ConfigError when JWT_SECRET is unset
    _configure_logging()

    class Application(BaseApplication):
        def load_config(self) -> None:
            settings = {**GUNICORN_SETTINGS, "bind": f"{host}:{port}", "workers": workers,
                        "threads": threads}  # fmt: skip
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app(config)

    Application().run()
    return 0


def _configure_logging() -> None:
    import logging

    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def main_job(args, print_result) -> int:
    """Seed the fixtures, build the models, print the dashboard and serve it.

    The fixtures are one week in May 2024, so everything is computed as of the fixtures'
    instant (project.yml vars.fixtures_as_of); the printed curl line passes the same
    as_of. Without JWT_SECRET a random one is made for this local session only.
    """
    from api.auth import make_token
    from api.dashboard import DashboardService
    from runner.ops import Workspace, run, seed

    ws = Workspace.open(args.project_dir, args.database)
    as_of = str(ws.project.vars["fixtures_as_of"])
    print(f"== seeding {ws.adapter.describe()}")
    seed(ws, on_result=lambda r: print(f"seed {r.name}: {r.rows} rows into {r.table}"))
    print(f"== building every model as of {as_of} (the fixtures' week)")
    results = run(ws, None, {"as_of": as_of}, print_result, temp=False)
    if any(r.status != "OK" for r in results):
        return 1
    print(f"== dashboard as of {as_of} (mode total)")
    body = DashboardService(ws).compute("total", as_of)
    print(json.dumps(body, ensure_ascii=False, indent=2))
    if args.no_serve:
        return 0
    if not os.environ.get("JWT_SECRET"):
        os.environ["JWT_SECRET"] = secrets.token_urlsafe(32)
        print("== JWT_SECRET was not set: using a random secret for this local session")
    token = make_token(admin=True, lifetime=8 * 3600)
    url = f"http://127.0.0.1:{args.port}/api/analytics/dashboard-stats/?mode=total&as_of={as_of}"
    print(
        f"== admin token (8 h):\n{token}\n== try:\ncurl -s -H 'Authorization: Bearer {token}' '{url}'"
    )
    return serve(args.project_dir, args.database, "127.0.0.1", args.port, 2, 4)
