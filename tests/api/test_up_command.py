"""runner up's and runner serve's rough edges (issue 14, item 11; issue 24, item 8): a
busy port is refused before anything else is done."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from runner.cli import main
from tests.helpers import copy_project


@contextmanager
def busy_port() -> Iterator[int]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield busy.getsockname()[1]


def test_up_refuses_a_busy_port_before_seeding(tmp_path, capsys, db_url):
    """It checked only after seeding, building and printing the dashboard."""
    root = copy_project(tmp_path / "project")
    with busy_port() as port:
        code = main(["up", "--project-dir", str(root), "--database", db_url, "--port", str(port)])
    out = capsys.readouterr()
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in out.err
    assert out.out == ""  # no seeding, no building, no token


def test_serve_refuses_a_busy_port_with_a_hint(tmp_path, capsys, monkeypatch):
    """gunicorn printed "Connection in use" five times and exited 1 with no hint."""
    monkeypatch.setenv("JWT_SECRET", "x" * 32)
    root = copy_project(tmp_path / "project")
    with busy_port() as port:
        code = main(["serve", "--project-dir", str(root), "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in err
    assert f"--port {port + 1}" in err and "Connection in use" not in err
