"""Helpers shared by tests of several packages (fixtures stay in conftest files)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("project.yml", "models", "macros", "seeds", "data-tests")


def copy_project(target: Path) -> Path:
    """A copy of the store's project (files only, no target/) that a test may break."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        elif src.exists():
            shutil.copy(src, target / part)
    return target
