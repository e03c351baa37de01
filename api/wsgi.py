"""The module-level app for gunicorn: ``gunicorn api.wsgi:app`` (needs JWT_SECRET)."""

from __future__ import annotations

from api.app import create_app
from api.config import Config

app = create_app(Config.from_env())
