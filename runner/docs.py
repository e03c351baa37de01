"""``runner docs``: a self-contained static site under target/docs/.

index.html draws the DAG as inline SVG (one column per depth, nodes linked to their
pages); each model page shows its description, columns, tests, rendered SQL and links
to its parents and children. No JavaScript, no external assets.
"""

from __future__ import annotations

import html
from pathlib import Path

from runner.compile import CompiledProject

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:70em}
pre{background:#f6f8fa;padding:1em;overflow:auto}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left}a{color:#0550ae}"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def _depths(compiled: CompiledProject) -> dict[str, int]:
    depth: dict[str, int] = {}
    for name in compiled.graph.order:
        parents = compiled.graph.parents[name]
        depth[name] = 1 + max((depth[p] for p in parents), default=-1)
    return depth


def dag_svg(compiled: CompiledProject) -> str:
    depth = _depths(compiled)
    columns: dict[int, list[str]] = {}
    for name in compiled.graph.order:
        columns.setdefault(depth[name], []).append(name)
    pos = {
        n: (20 + d * 240, 20 + i * 40) for d, names in columns.items() for i, n in enumerate(names)
    }
    width = 40 + 240 * (max(columns) + 1)
    height = 40 + 40 * max(len(v) for v in columns.values())
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>"]
    for child, parents in compiled.graph.parents.items():
        for parent in parents:
            (x1, y1), (x2, y2) = pos[parent], pos[child]
            parts.append(
                f"<line x1='{x1 + 180}' y1='{y1 + 12}' x2='{x2}' y2='{y2 + 12}' stroke='#999'/>"
            )
    for name, (x, y) in pos.items():
        kind = compiled.models[name].materialized
        parts.append(
            f"<a href='{name}.html'><rect x='{x}' y='{y}' width='180' height='24' rx='4' "
            f"fill='#eef4ff' stroke='#0550ae'/><text x='{x + 6}' y='{y + 16}'>"
            f"{html.escape(name)} ({kind})</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def write_docs(compiled: CompiledProject) -> Path:
    out = compiled.project.target_dir / "docs"
    out.mkdir(parents=True, exist_ok=True)
    project = compiled.project
    items = "".join(
        f"<li><a href='{n}.html'>{html.escape(n)}</a></li>" for n in compiled.graph.order
    )
    (out / "index.html").write_text(
        _page(
            project.name, f"<h1>{html.escape(project.name)}</h1>{dag_svg(compiled)}<ul>{items}</ul>"
        ),
        encoding="utf-8",
    )
    for name in compiled.models:
        (out / f"{name}.html").write_text(
            _page(name, _model_body(compiled, name)), encoding="utf-8"
        )
    return out


def _links(names) -> str:
    return ", ".join(f"<a href='{n}.html'>{html.escape(n)}</a>" for n in names) or "none"


def _model_body(compiled: CompiledProject, name: str) -> str:
    model = compiled.models[name]
    props = compiled.project.properties.get(name)
    columns = props.columns if props else {}
    tests = [t.name for t in props.tests] if props else []
    tests += [u.name + " (unit)" for u in compiled.project.unit_tests.values() if u.model == name]
    rows = "".join(
        f"<tr><td>{html.escape(c)}</td><td>{html.escape(d or '')}</td></tr>"
        for c, d in columns.items()
    )
    sources = ", ".join(".".join(s) for s in model.sources) or "none"
    return (
        f"<p><a href='index.html'>all models</a></p><h1>{html.escape(name)}</h1>"
        f"<p>{html.escape(props.description if props else '')}</p>"
        f"<p><b>{model.materialized}</b> &middot; {html.escape(model.path)}</p>"
        f"<p>parents: {_links(model.refs)} &middot; sources: {html.escape(sources)} &middot; "
        f"children: {_links(sorted(compiled.graph.children[name]))}</p>"
        f"<h2>Columns</h2><table><tr><th>column</th><th>description</th></tr>{rows}</table>"
        f"<h2>Tests</h2><ul>{''.join(f'<li>{html.escape(t)}</li>' for t in tests) or '<li>none</li>'}</ul>"
        f"<h2>SQL</h2><pre>{html.escape(model.sql)}</pre>"
    )
