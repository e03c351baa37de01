"""runner docs in a real browser: headless chromium runs the site's scripts (dagre's
layout) from disk, and the test reads the drawing back from the DOM it dumps.

dag.js writes every box's position and its label's measured width into data-
attributes, so overlaps, labels and edge routes are checked on what the browser drew.
Without chromium the tests skip (CI installs it and fails on any skip).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from runner.cli import main
from tests.helpers import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
    pytest.mark.slow,  # a browser: the quick loop leaves it out (README: the analyst's loop)
]
FLAGS = ["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars"]


def _chromium(url: str, *args: str) -> str:
    """Run headless chromium on ``url`` until its scripts are done; return its stdout."""
    done = subprocess.run(
        [CHROMIUM, *FLAGS, "--virtual-time-budget=5000", *args, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


class _Drawing(HTMLParser):
    """The DAG as drawn: node boxes, edge polylines, marker ids, list items."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[dict[str, str]] = []
        self.markers: set[str] = set()
        self.hidden_items: set[str] = set()
        self.layout_done = False
        self.view_box: tuple[float, ...] = ()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "g" and "node" in a.get("class", "").split():
            self.nodes[a["data-id"]] = a
        elif tag == "polyline":
            self.edges.append(a)
        elif tag == "marker":
            self.markers.add(a["id"])
        elif tag == "li" and "hidden" in a:
            self.hidden_items.add(a["data-name"])
        elif tag == "svg" and a.get("data-layout") == "done":
            self.layout_done = True
            self.view_box = tuple(float(v) for v in a["viewbox"].split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("docs") / "p"
    root.mkdir()
    for part in ("project.yml", "models", "macros", "seeds", "data-tests"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
    assert main(["docs", "--project-dir", str(root)]) == 0
    return root / "target/docs"


def _draw(site: Path, query: str = "") -> _Drawing:
    drawing = _Drawing()
    drawing.feed(_chromium((site / "index.html").as_uri() + query, "--dump-dom"))
    assert drawing.layout_done, "dag.js did not finish"
    return drawing


@pytest.fixture(scope="module")
def drawing(site) -> _Drawing:
    return _draw(site)


def _box(node: dict[str, str]) -> tuple[float, float, float, float]:
    x, y, w, h = (float(node[f"data-{k}"]) for k in "xywh")
    return x, y, x + w, y + h


def test_every_model_and_source_has_a_node(drawing):
    expected = {p.stem for p in (REPO / "models").glob("**/*.sql")} | {"source.store.events"}
    assert set(drawing.nodes) == expected


def test_every_edge_ends_in_an_arrowhead(drawing):
    assert drawing.edges  # 1 source edge + the refs
    assert {e["marker-end"] for e in drawing.edges} == {"url(#arrow)"}
    assert "arrow" in drawing.markers
    assert ("source.store.events", "stg_store__events") in {
        (e["data-from"], e["data-to"]) for e in drawing.edges
    }


def test_no_two_boxes_overlap(drawing):
    boxes = [(name, _box(node)) for name, node in drawing.nodes.items()]
    for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(boxes):
        for b, (bx0, by0, bx1, by1) in boxes[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (a, b)


def test_labels_fit_inside_their_boxes(drawing):
    for name, node in drawing.nodes.items():
        assert float(node["data-text-width"]) < float(node["data-w"]), name


def _crosses(p: tuple[float, float], q: tuple[float, float], box) -> bool:
    """Whether segment p→q enters the box's interior (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1  # touching is fine
    dx, dy = q[0] - p[0], q[1] - p[1]
    low, high = 0.0, 1.0
    for step, room in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if step == 0:
            if room < 0:
                return False
            continue
        t = room / step
        low, high = (max(low, t), high) if step < 0 else (low, min(high, t))
        if low > high:
            return False
    return True


def test_edges_do_not_run_through_other_boxes(drawing):
    for edge in drawing.edges:
        points = [tuple(map(float, p.split(","))) for p in edge["points"].split()]
        ends = {edge["data-from"], edge["data-to"]}
        for name, node in drawing.nodes.items():
            if name in ends:
                continue
            box = _box(node)
            assert not any(_crosses(p, q, box) for p, q in zip(points, points[1:])), (
                edge["data-from"],
                edge["data-to"],
                name,
            )


def test_every_edge_and_box_is_inside_the_picture(drawing):
    """Issue 24, 11: the edge int_events -> int_window_day_counts ran above the picture
    (dagre's graph size counts the boxes only), cut off."""
    x0, y0, width, height = drawing.view_box
    points = [tuple(map(float, p.split(","))) for e in drawing.edges for p in e["points"].split()]
    points += [corner for node in drawing.nodes.values() for corner in _corners(_box(node))]
    outside = [p for p in points if not (x0 <= p[0] <= x0 + width and y0 <= p[1] <= y0 + height)]
    assert outside == []


def _corners(box) -> list[tuple[float, float]]:
    return [(box[0], box[1]), (box[2], box[3])]


def test_search_dims_the_models_it_does_not_match(site):
    filtered = _draw(site, "?q=sales")
    dimmed = {n for n, node in filtered.nodes.items() if "dim" in node["class"].split()}
    assert dimmed == set(filtered.nodes) - {"sales_by_day", "sales_summary"}
    assert "int_events" in filtered.hidden_items and "sales_summary" not in filtered.hidden_items


def test_screenshot(site, tmp_path):
    """``DOCS_SCREENSHOT=docs/docs-site.png`` redraws the README's picture (the window
    fits the store's whole DAG)."""
    shot = Path(os.environ.get("DOCS_SCREENSHOT") or tmp_path / "docs-site.png").resolve()
    _chromium((site / "index.html").as_uri(), "--window-size=1660,985", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
