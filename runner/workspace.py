"""A loaded project and the adapter for its database: what every command starts from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.adapters import Adapter, ConnectionSettings, adapter_for_url
from runner.compile import CompiledProject, compile_project
from runner.project import Project, load_project


@dataclass
class Workspace:
    project: Project
    adapter: Adapter

    @classmethod
    def open(
        cls,
        project_dir: str | Path = ".",
        database: str | None = None,
        settings: ConnectionSettings | None = None,
    ) -> Workspace:
        """The database is ``database``, else $DATABASE_URL, else project.yml's, else the
        embedded default (the same rule for the CLI and an application)."""
        project = load_project(project_dir)
        url = project.resolve_database(database)
        return cls(project, adapter_for_url(url, project.root, settings, project.schema))

    @property
    def dialect(self) -> str:
        return self.adapter.DIALECT

    def compile(self, vars: dict[str, Any] | None = None, *, bind: bool = True) -> CompiledProject:
        return compile_project(self.project, self.dialect, vars, bind=bind)
