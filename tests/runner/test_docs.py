"""runner docs: a static site with the DAG and a page per model.

What the browser draws is checked in test_docs_browser.py; these read the files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from runner.cli import main
from tests.helpers import REPO

PG = "postgresql://x@127.0.0.1:1/none"  # docs compile without a connection


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    root.mkdir()
    for part in ("project.yml", "models", "macros", "seeds", "data-tests"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
    return root


def _docs(root: Path, *args: str) -> Path:
    assert main(["docs", "--project-dir", str(root), *args]) == 0
    return root / "target/docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _docs(_project(tmp_path_factory.mktemp("docs")))


def test_docs_site(tmp_path, capsys):
    site = _docs(_project(tmp_path))
    index = (site / "index.html").read_text()
    assert "<svg" in index and "href='int_events.html'" in index
    page = (site / "int_events.html").read_text()
    assert "metadata.quantity when a whole number" in page  # column description
    assert "not_null_int_events_identifier" in page and "previous_event_of_each_key (unit)" in page
    assert "href='int_window_events.html'" in page  # a child
    assert "typeof(created_at)" in page  # rendered SQL (the timestamp parse)
    assert "wrote target/docs/index.html" in capsys.readouterr().out


def test_scripts_are_files_beside_the_pages(site):
    index = (site / "index.html").read_text()
    for script in ("dagre.min.js", "graph.js", "dag.js"):
        assert f"<script src='{script}'></script>" in index and (site / script).is_file()
    assert "<script>" not in index  # no inline script
    assert "MIT" in (site / "dagre.LICENSE").read_text()


def test_graph_has_sources_as_nodes(site):
    graph = json.loads((site / "graph.js").read_text().partition("=")[2].rstrip(";\n"))
    sources = [n for n in graph["nodes"] if n["kind"] == "source"]
    assert [n["id"] for n in sources] == ["source.store.events"]
    assert {"from": "source.store.events", "to": "stg_store__events"} in graph["edges"]
    assert "store.events" in (site / "source.store.events.html").read_text()


def test_declared_type_is_shown(site):
    assert "<td>id</td><td>integer</td>" in (site / "int_events.html").read_text()


@pytest.mark.parametrize(
    ("engine_url", "kind"), [("sqlite:///:memory:", "integer"), (PG, "bigint")]
)
def test_undeclared_type_is_inferred_for_the_engine(tmp_path, engine_url, kind):
    site = _docs(_project(tmp_path), "--database", engine_url)
    page = (site / "traffic_sources.html").read_text()
    assert (
        f"<td>sessions</td><td class='inferred' title='inferred from the compiled SQL'>{kind}<"
        in page
    )


def test_long_sql_lines_wrap(site):
    css = (site / "docs.css").read_text()
    assert "pre { background: #f6f8fa; padding: 1em; white-space: pre-wrap;" in css


def test_doc_blocks_are_rendered(tmp_path):
    root = _project(tmp_path)
    (root / "models/ids.md").write_text(
        "{% docs event_id %}\nThe event's id,\nunique.\n{% enddocs %}\n"
    )
    yml = root / "models/intermediate/intermediate.yml"
    yml.write_text(
        yml.read_text().replace(
            "description: the source event's id", "description: \"{{ doc('event_id') }}\""
        )
    )
    page = (_docs(root) / "int_events.html").read_text()
    assert "The event&#x27;s id,\nunique." in page and "doc(" not in page


def test_unknown_doc_block_is_an_error(tmp_path, capsys):
    root = _project(tmp_path)
    yml = root / "models/intermediate/intermediate.yml"
    yml.write_text(yml.read_text().replace("the source event's id", "\"{{ doc('nope') }}\""))
    assert main(["docs", "--project-dir", str(root)]) != 0
    err = capsys.readouterr().err
    assert "intermediate.yml" in err and "unknown doc block 'nope' in int_events.id" in err


def test_dbts_spelling_docs_generate_is_accepted(tmp_path):
    """Issue 24, 11: `runner docs generate`, dbt's command, was refused."""
    assert (_docs(_project(tmp_path), "generate") / "index.html").is_file()


@pytest.mark.parametrize("engine_url", ["sqlite:///:memory:", PG])
def test_the_sql_keeps_bound_params_as_placeholders(tmp_path, engine_url):
    """Issue 24, 11: the pages baked the hour they were written into the SQL (as_of
    defaults to now), so every run changed them."""
    page = _docs(_project(tmp_path), "--database", engine_url) / "int_window_facts.html"
    text = page.read_text()
    assert ":as_of" in text and ":window_days" in text
