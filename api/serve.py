"""Serving the app with gunicorn (``runner serve``, ``runner up``).

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


def serve(
    project_dir: str,
    database: str | None,
    host: str,
    port: int,
    workers: int,
    threads: int,
    secret: str | None = None,
) -> int:
    """Run gunicorn in this process; refuses to start without a secret (``secret``, else
    $JWT_SECRET)."""
    from gunicorn.app.base import BaseApplication

    from api.app import create_app

    overrides = {
        "project_dir": Path(project_dir).resolve(),
        "database": database,
        "jwt_secret": secret,
    }
    config = Config.from_env(**overrides)  # raises ConfigError when JWT_SECRET is unset
    _configure_logging()

    class Application(BaseApplication):
        def load_config(self) -> None:
            settings = {
                **GUNICORN_SETTINGS,
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
            }
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
