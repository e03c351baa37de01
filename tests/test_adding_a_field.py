"""The README's "Adding a field" walkthrough, done exactly as written in a throw-away
copy of the repository, then the quick loop (``pytest -m "not slow"``) run there.

The steps are read from the README itself: each ``<!-- walkthrough: ... -->`` comment
says where the code block after it goes (a new file, appended, before or after a line)
or which command to run. So the walkthrough cannot drift from what a field needs: a
field that needs a file the README does not list fails the copy's tests, and a step
whose anchor is gone fails here."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

MARKER = re.compile(r"<!-- walkthrough: (?P<what>.+?) -->")
BLOCK = re.compile(r"```[a-z]*\n(?P<body>.*?)```", re.DOTALL)


def steps(readme: str) -> list[tuple[str, str]]:
    """(instruction, code block) of each walkthrough comment, in order."""
    section = readme[readme.index("## Adding a field") :]
    section = section[: section.index("\n## ", 3)]
    found = []
    for marker in MARKER.finditer(section):
        block = BLOCK.search(section, marker.end())
        found.append((marker["what"], _dedent(block["body"]) if block else ""))
    return found


def _dedent(body: str) -> str:
    """The block as the file gets it: without the list item's three spaces."""
    return "".join(line[3:] if line.startswith("   ") else line for line in body.splitlines(True))


def apply(root: Path, what: str, code: str) -> None:
    if what.startswith("run "):
        subprocess.run(shlex.split(what[4:]), cwd=root, check=True, env=_env(root))
        return
    path, verb, *anchor = shlex.split(what)
    target = root / path
    if verb == "new":
        assert not target.exists(), f"{path} exists already"
        target.write_text(code, encoding="utf-8")
        return
    text = target.read_text(encoding="utf-8")
    if verb == "append":
        target.write_text(text + code, encoding="utf-8")
        return
    lines = text.splitlines(True)
    at = [i for i, line in enumerate(lines) if line.startswith(anchor[0])]
    assert len(at) == 1, f"{path}: {anchor[0]!r} is on {len(at)} lines, not one"
    index = at[0] + (1 if verb == "after" else 0)
    target.write_text("".join(lines[:index] + [code] + lines[index:]), encoding="utf-8")


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}


def copy_repository(target: Path) -> Path:
    """The repository's files as git sees them (tracked, and new ones not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


def test_the_walkthrough_is_read_from_the_readme():
    found = steps((REPO / "README.md").read_text(encoding="utf-8"))
    files = [what.split()[0] for what, _ in found if not what.startswith("run ")]
    assert "api/dashboard_contract.py" in files and "tests/reference.py" in files
    assert all(code or what.startswith("run ") for what, code in found)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="copies the repository with git")
def test_a_new_field_needs_exactly_the_files_the_readme_lists(tmp_path):
    root = copy_repository(tmp_path / "repo")
    for what, code in steps((REPO / "README.md").read_text(encoding="utf-8")):
        apply(root, what, code)
    golden = json.loads((root / "tests/golden/dashboard_total.json").read_text())
    assert list(golden)[-1] == "logged_in_buyers" and golden["logged_in_buyers"] > 0
    quick = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
             "-m", "not slow", "-k", "not chromium"]  # fmt: skip
    result = subprocess.run(quick, cwd=root, env=_env(root), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
