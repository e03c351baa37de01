"""An empty window is said, never silent (issue 14, item 5): ``runner dashboard``
names the window and the newest event's date when the window holds no events."""

from __future__ import annotations

from runner.cli import main
from runner.tasks.build import seed
from runner.workspace import Workspace
from tests.helpers import copy_project


def _dashboard(tmp_path, db_url, capsys, *extra: str) -> str:
    root = copy_project(tmp_path / "project")
    seed(Workspace.open(root, db_url))
    capsys.readouterr()
    assert main(["dashboard", "--project-dir", str(root), "--database", db_url, *extra]) == 0
    return capsys.readouterr().err


def test_a_window_without_events_is_named_with_the_newest_event(tmp_path, db_url, capsys):
    err = _dashboard(tmp_path, db_url, capsys, "--as-of", "2025-01-10T00:00:00Z")
    assert "the window 2025-01-03 00:00:00 .. 2025-01-10 00:00:00 holds no events" in err
    assert "newest event: 2024-05-22" in err


def test_a_window_with_events_prints_no_warning(tmp_path, db_url, capsys):
    assert _dashboard(tmp_path, db_url, capsys, "--as-of", "2024-05-22T12:00:00Z") == ""
