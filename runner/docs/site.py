"""``runner docs``: a static site under target/docs/, opened from disk.

index.html has a search box, the list of models and the DAG (models and the sources
they read). The DAG is laid out in the browser by dagre, a layout library vendored in
``runner/docs/static/`` (see VENDORED.md there): boxes sized to their labels,
arrowheads, edges routed around the boxes. The graph itself is written to graph.js as
data; every script is a separate file because the site is static files with no server.
Each model page shows its description (``{{ doc() }}`` blocks rendered), its columns
with types, tests, the rendered SQL (wrapped) and links to its parents and children.
"""

from __future__ import annotations

import html
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from runner.compile.compiler import CompiledProject
from runner.docs.metadata import column_types
from runner.project.properties import ModelProperties

STATIC = Path(__file__).with_name("static")
ASSETS = ("dagre.min.js", "dagre.LICENSE", "graphlib.LICENSE", "dag.js", "docs.css")
SCRIPTS = ("dagre.min.js", "graph.js", "dag.js")


def _page(title: str, body: str, scripts: Iterable[str] = (), wide: bool = False) -> str:
    # the index is as wide as the window, for the DAG; a model page keeps lines readable
    tags = "".join(f"<script src='{s}'></script>" for s in scripts)
    main = "<main class='wide'>" if wide else "<main>"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<link rel='stylesheet' href='docs.css'></head><body>{main}{body}</main>{tags}"
        "</body></html>\n"
    )


def source_id(source: str, table: str) -> str:
    """The node id and page name of a source table (models are named by their own name)."""
    return f"source.{source}.{table}"


def graph_data(compiled: CompiledProject) -> dict:
    """Nodes (sources, then models in execution order) and edges, for dag.js to lay out."""
    nodes = [
        {"id": source_id(*key), "label": ".".join(key), "kind": "source"}
        for key in sorted(compiled.project.sources)
    ]
    nodes += [
        {"id": name, "label": name, "kind": compiled.models[name].materialized}
        for name in compiled.graph.order
    ]
    for node in nodes:
        node["href"] = f"{node['id']}.html"
    edges = []
    for name in compiled.graph.order:
        model = compiled.models[name]
        edges += [{"from": source_id(*s), "to": name} for s in model.sources]
        edges += [{"from": parent, "to": name} for parent in model.refs]
    return {"nodes": nodes, "edges": edges}


def write_docs(compiled: CompiledProject) -> Path:
    """Write the site and return its folder; running it again replaces every file."""
    out = compiled.project.target_dir / "docs"
    out.mkdir(parents=True, exist_ok=True)
    for asset in ASSETS:
        shutil.copyfile(STATIC / asset, out / asset)
    graph = graph_data(compiled)
    (out / "graph.js").write_text(f"window.DOCS_GRAPH = {json.dumps(graph, indent=1)};\n")
    (out / "index.html").write_text(_index(compiled, graph), encoding="utf-8")
    types = column_types(compiled)
    for name in compiled.models:
        body = _model_body(compiled, name, types[name])
        (out / f"{name}.html").write_text(_page(name, body), encoding="utf-8")
    for key, source in compiled.project.sources.items():
        body = _source_body(compiled, key, source.identifier, source.columns)
        (out / f"{source_id(*key)}.html").write_text(_page(".".join(key), body), encoding="utf-8")
    return out


def _index(compiled: CompiledProject, graph: dict) -> str:
    name = html.escape(compiled.project.name)
    items = "".join(
        f"<li data-name='{html.escape(n['label'])}'><a href='{n['href']}'>"
        f"{html.escape(n['label'])}</a> <span class='kind'>{n['kind']}</span></li>"
        for n in graph["nodes"]
    )
    body = (
        f"<h1>{name}</h1><input id='search' type='search' placeholder='filter models' "
        "aria-label='filter models' autocomplete='off'>"
        "<div class='dag'><svg id='dag' xmlns='http://www.w3.org/2000/svg'></svg></div>"
        f"<ul id='models'>{items}</ul>"
    )
    return _page(compiled.project.name, body, SCRIPTS, wide=True)


def _links(names: Iterable[str]) -> str:
    return ", ".join(f"<a href='{n}.html'>{html.escape(n)}</a>" for n in names) or "none"


def _columns_table(props: ModelProperties | None, types: dict[str, tuple[str, bool]]) -> str:
    columns = props.columns if props else {}
    rows = []
    for column in dict.fromkeys([*types, *columns]):
        kind, declared = types.get(column, ("", False))
        css = "" if declared else " class='inferred' title='inferred from the compiled SQL'"
        text = columns.get(column) or ""  # doc blocks resolved when the YAML was read
        rows.append(
            f"<tr><td>{html.escape(column)}</td><td{css}>{html.escape(kind)}</td>"
            f"<td class='description'>{html.escape(text)}</td></tr>"
        )
    return (
        "<h2>Columns</h2><table><tr><th>column</th><th>type</th><th>description</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _model_body(
    compiled: CompiledProject,
    name: str,
    types: dict[str, tuple[str, bool]],
) -> str:
    model = compiled.models[name]
    props = compiled.project.properties.get(name)
    description = props.description if props else ""  # {{ doc() }} already resolved
    tests = [t.name for t in props.tests] if props else []
    tests += [u.name + " (unit)" for u in compiled.project.unit_tests.values() if u.model == name]
    sources = _links(source_id(*s) for s in model.sources)
    children = _links(sorted(compiled.graph.children[name]))
    test_items = "".join(f"<li>{html.escape(t)}</li>" for t in tests) or "<li>none</li>"
    return (
        f"<p><a href='index.html'>all models</a></p><h1>{html.escape(name)}</h1>"
        f"<p class='description'>{html.escape(description)}</p>"
        f"<p><b>{model.materialized}</b> &middot; {html.escape(model.path)}</p>"
        f"<p>parents: {_links(model.refs)} &middot; sources: {sources} &middot; "
        f"children: {children}</p>"
        f"{_columns_table(props, types)}"
        f"<h2>Tests</h2><ul>{test_items}</ul>"
        f"<h2>SQL</h2><pre>{html.escape(model.sql)}</pre>"
    )


def _source_body(
    compiled: CompiledProject, key: tuple[str, str], table: str, columns: Iterable[str]
) -> str:
    readers = [n for n in compiled.graph.order if key in compiled.models[n].sources]
    rows = "".join(f"<tr><td>{html.escape(c)}</td></tr>" for c in columns)
    return (
        f"<p><a href='index.html'>all models</a></p><h1>{html.escape('.'.join(key))}</h1>"
        f"<p>source table <b>{html.escape(table)}</b> &middot; read by: {_links(readers)}</p>"
        f"<h2>Columns</h2><table><tr><th>column</th></tr>{rows}</table>"
    )
