"""runner up's rough edges (issue 14, item 11): a busy port is refused before a token
is printed."""

from __future__ import annotations

from runner.cli import main
from tests.helpers import copy_project


def test_up_refuses_a_busy_port_before_printing_a_token(tmp_path, capsys):
    import socket

    root = copy_project(tmp_path / "project")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["up", "--project-dir", str(root), "--database",
                     f"sqlite:///{tmp_path}/store.db", "--port", str(port)])  # fmt: skip
    out = capsys.readouterr()
    assert code == 2 and f"cannot listen on 127.0.0.1:{port}" in out.err
    assert "admin token" not in out.out
