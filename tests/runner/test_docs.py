"""runner docs: a static site with the DAG and a page per model."""

from __future__ import annotations

import shutil

from runner.cli import main
from tests.helpers import REPO


def test_docs_site(tmp_path, capsys):
    root = tmp_path / "p"
    root.mkdir()
    for part in ("project.yml", "models", "macros", "seeds", "data-tests"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
    assert main(["docs", "--project-dir", str(root)]) == 0
    site = root / "target/docs"
    index = (site / "index.html").read_text()
    assert "<svg" in index and "href='int_events.html'" in index
    page = (site / "int_events.html").read_text()
    assert "metadata.quantity when a whole number" in page  # column description
    assert "not_null_int_events_identifier" in page and "previous_event_of_each_key (unit)" in page
    assert "href='int_window_events.html'" in page  # a child
    assert "typeof(created_at)" in page  # rendered SQL (the timestamp parse)
    assert "wrote target/docs/index.html" in capsys.readouterr().out
