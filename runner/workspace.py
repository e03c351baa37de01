"""A loaded project and the adapter for its database: what every command starts from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.adapters import Adapter, ConnectionSettings, adapter_for_url
from runner.compile.compiler import CompiledProject, compile_project
from runner.project.loader import Project, load_project
from runner.project.params import ParamValues
from runner.project.profiles import read_target
from runner.render.renderer import Renderer
from runner.render.schemas import resolve_schemas, search_schemas


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
        target: str | None = None,
        profiles_dir: str | None = None,
    ) -> Workspace:
        """The database is ``database``, else $DATABASE_URL, else the profile's target
        (profiles.yml, ``target`` or the profile's default), else the project file's,
        else the embedded default (the same rule for the CLI and an application)."""
        project = load_project(project_dir)
        schema = project.schema
        if not (database or os.environ.get("DATABASE_URL")):
            chosen = read_target(project.root, project.profile, target, profiles_dir)
            if chosen is not None:
                database, schema = chosen.url, project.schema or chosen.schema
        url = project.resolve_database(database)
        return cls._bound(project, adapter_for_url(url, project.root, settings, schema))

    def reload(self) -> Workspace:
        """The project read again from its files and bound to the same adapter (its
        pool kept) exactly as ``open`` binds it: schemas resolved, the search path set."""
        return self._bound(load_project(self.project.root), self.adapter)

    @classmethod
    def _bound(cls, project: Project, adapter: Adapter) -> Workspace:
        project = resolve_schemas(project, adapter.DIALECT)
        adapter.search_schemas(search_schemas(project))
        return cls(project, adapter)

    @property
    def dialect(self) -> str:
        return self.adapter.DIALECT

    def compile(
        self,
        vars: dict[str, Any] | None = None,
        *,
        bind: bool = True,
        values: ParamValues | None = None,
    ) -> CompiledProject:
        """Every model rendered and checked; ``values``: params validated already."""
        renderer = Renderer(self.project, self.dialect, query=self.query)
        return compile_project(
            self.project, self.dialect, vars, bind=bind, renderer=renderer, values=values
        )

    def query(self, sql: str) -> tuple[list[str], list[tuple]]:
        """A query run while rendering (dbt's run_query): one short connection each."""
        with self.adapter.connection() as conn:
            return self.adapter.query(conn, sql)
