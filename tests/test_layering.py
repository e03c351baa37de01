"""The house's import rules (README: Architecture), read from the code itself: the
runner's stages import only downwards, the runner imports nothing of the store, and
the store reaches the runner through its serving facade, its errors, its CLI and its
library tasks only. A new import that breaks a rule fails here with the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import REPO

#: each part of the runner and the parts below it that it may import
RUNNER_LEVELS = {
    "errors": 0,
    "adapters": 1,
    "project": 2,
    "render": 3,
    "compile": 4,
    "checks": 5,
    "execute": 5,
    "workspace": 6,
    "serving": 7,
    "tasks": 7,
    "docs": 7,
    "cli": 8,
}
#: what the store's app may import of the runner
APP_MAY_IMPORT = ("runner.serving", "runner.errors", "runner.cli", "runner.tasks")


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a ``runner`` module in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("runner"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("runner")]
    return found


def part(module: str) -> str:
    """runner.render.context -> render; runner.serving -> serving; runner -> ''"""
    return module.split(".")[1] if "." in module else ""


def test_the_runners_parts_import_only_downwards():
    wrong = []
    for path in sorted((REPO / "runner").rglob("*.py")):
        me = part(
            "runner."
            + path.relative_to(REPO / "runner").with_suffix("").as_posix().replace("/", ".")
        )
        if me not in RUNNER_LEVELS:
            continue  # __init__ and __main__ of the package itself
        for line, module in imports(path):
            other = part(module)
            if other and other != me and RUNNER_LEVELS.get(other, 99) >= RUNNER_LEVELS[me]:
                wrong.append(f"{path.relative_to(REPO)}:{line}: {me} imports {module}")
    assert wrong == []


def test_every_runner_module_belongs_to_a_declared_part():
    parts = {
        part(
            "runner." + p.relative_to(REPO / "runner").with_suffix("").as_posix().replace("/", ".")
        )
        for p in (REPO / "runner").rglob("*.py")
    }
    assert parts - {"__init__", "__main__"} <= set(RUNNER_LEVELS)


def test_the_runner_imports_nothing_of_the_store():
    wrong = [
        f"{p.relative_to(REPO)}: {node.module}"
        for p in (REPO / "runner").rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[0] in ("api", "bench")
    ]
    assert wrong == []


def test_the_app_reaches_the_runner_through_its_facade():
    wrong = [
        f"{p.relative_to(REPO)}:{line}: {module}"
        for p in sorted((REPO / "api").glob("*.py"))
        for line, module in imports(p)
        if not module.startswith(APP_MAY_IMPORT)
    ]
    assert wrong == []
