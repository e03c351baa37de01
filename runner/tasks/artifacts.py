"""Typed artifacts under target/, in dbt's spirit: compiled SQL, manifest.json (the
project) and run_results.json (the last command)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from runner.compile.compiler import CompiledProject


@dataclass(frozen=True)
class ManifestModel:
    path: str
    materialized: str
    tags: list[str]
    depends_on: list[str]
    sources: list[str]
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    tests: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Manifest:
    project: str
    dialect: str
    models: dict[str, ManifestModel]
    sources: dict[str, dict[str, Any]]
    macros: dict[str, list[str]]  # file -> the macros it defines
    singular_tests: dict[str, str]

    @classmethod
    def of(cls, compiled: CompiledProject) -> Manifest:
        project = compiled.project
        models = {}
        for name, m in compiled.models.items():
            props = project.properties.get(name)
            models[name] = ManifestModel(
                path=m.path,
                materialized=m.materialized,
                tags=list(m.tags),
                depends_on=list(m.refs),
                sources=[".".join(s) for s in m.sources],
                description=props.description if props else "",
                columns=dict(props.columns) if props else {},
                tests=[t.name for t in props.tests] if props else [],
            )
        macros: dict[str, list[str]] = {m.path: [] for m in project.macros}
        for macro, path in sorted(compiled.macros.items()):
            macros[path].append(macro)
        return cls(
            project=project.name,
            dialect=compiled.dialect,
            models=models,
            sources={
                f"{s.source}.{s.name}": {"identifier": s.identifier, "columns": list(s.columns)}
                for s in project.sources.values()
            },
            macros=macros,
            singular_tests={n: t.path for n, t in project.singular_tests.items()},
        )


@dataclass(frozen=True)
class ResultRow:
    """One node of a command: a model built, a test run, a seed loaded."""

    name: str
    status: str
    seconds: float
    rows: int | None = None
    failures: int | None = None
    message: str = ""

    @classmethod
    def of(cls, result: Any) -> ResultRow:
        error = getattr(result, "error", None)
        message = getattr(result, "message", "") or (error.format() if error is not None else "")
        rows = getattr(result, "rows", None)  # a test's rows are its failing rows, not a count
        return cls(
            name=result.name,
            status=result.status,
            seconds=round(result.seconds, 4),
            rows=rows if isinstance(rows, int) else None,
            failures=getattr(result, "failures", None),
            message=message,
        )


@dataclass(frozen=True)
class RunResults:
    command: str
    generated_at: str
    results: list[ResultRow]

    @classmethod
    def of(cls, command: str, results: list[Any]) -> RunResults:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return cls(command, stamp, [ResultRow.of(r) for r in results])


def write_artifacts(compiled: CompiledProject, results: list | None, command: str) -> None:
    """target/manifest.json, and target/run_results.json when a command ran nodes."""
    target = compiled.project.target_dir
    target.mkdir(parents=True, exist_ok=True)
    _write(target / "manifest.json", asdict(Manifest.of(compiled)))
    if results is not None:
        _write(target / "run_results.json", asdict(RunResults.of(command, results)))


def write_compiled(compiled: CompiledProject, selectors: list[str] | None) -> list[Path]:
    """target/compiled/<model path>.sql for each selected model; returns the files written."""
    out = compiled.project.target_dir / "compiled"
    written = []
    for name in compiled.graph.select(selectors):
        model = compiled.models[name]
        path = out / model.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(model.sql + "\n", encoding="utf-8")
        written.append(path)
    return written


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
