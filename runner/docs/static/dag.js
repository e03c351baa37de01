// Draws the project's DAG (window.DOCS_GRAPH, written by `runner docs` into graph.js)
// into <svg id="dag"> with dagre's layered layout, and filters models by the search box.
//
// Each node's box is sized to its measured label before layout, so labels stay inside.
// dagre routes an edge spanning several ranks through its own dummy nodes; the edge is
// drawn as the polyline through dagre's points, so it runs where dagre made room for it.
// Positions are written into data- attributes so a test can check the drawing itself.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PAD_X = 12;
  var HEIGHT = 28;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (parent) parent.appendChild(node);
    return node;
  }

  function arrowhead(svg) {
    var defs = el("defs", {}, svg);
    var marker = el("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "8", markerHeight: "8", orient: "auto-start-reverse",
    }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", "class": "arrowhead" }, marker);
  }

  function measure(svg, label) {
    var text = el("text", { "class": "label" }, svg);
    text.textContent = label;
    var width = text.getComputedTextLength();
    svg.removeChild(text);
    return width;
  }

  function layout(svg, data) {
    var graph = new dagre.graphlib.Graph();
    graph.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 56, edgesep: 12, marginx: 8, marginy: 8 });
    graph.setDefaultEdgeLabel(function () { return {}; });
    data.nodes.forEach(function (node) {
      var textWidth = measure(svg, node.label);
      graph.setNode(node.id, { width: Math.ceil(textWidth) + 2 * PAD_X, height: HEIGHT, textWidth: textWidth, data: node });
    });
    data.edges.forEach(function (edge) { graph.setEdge(edge.from, edge.to); });
    dagre.layout(graph);
    return graph;
  }

  function drawEdges(svg, graph) {
    var group = el("g", { "class": "edges" }, svg);
    graph.edges().forEach(function (e) {
      var points = graph.edge(e).points.map(function (p) { return p.x.toFixed(1) + "," + p.y.toFixed(1); });
      el("polyline", {
        points: points.join(" "), "class": "edge", "marker-end": "url(#arrow)",
        "data-from": e.v, "data-to": e.w,
      }, group);
    });
  }

  function drawNodes(svg, graph) {
    var group = el("g", { "class": "nodes" }, svg);
    graph.nodes().forEach(function (id) {
      var n = graph.node(id);
      var x = n.x - n.width / 2;
      var y = n.y - n.height / 2;
      var link = el("a", { href: n.data.href }, group);
      var box = el("g", {
        "class": "node " + n.data.kind, "data-id": id, "data-label": n.data.label,
        "data-x": x.toFixed(1), "data-y": y.toFixed(1),
        "data-w": n.width.toFixed(1), "data-h": n.height.toFixed(1),
        "data-text-width": n.textWidth.toFixed(1),
      }, link);
      el("title", {}, box).textContent = n.data.label + " (" + n.data.kind + ")";
      el("rect", { x: x, y: y, width: n.width, height: n.height, rx: 5 }, box);
      var text = el("text", { "class": "label", x: n.x, y: n.y, "text-anchor": "middle", "dominant-baseline": "central" }, box);
      text.textContent = n.data.label;
    });
  }

  function filter(svg, query) {
    var q = query.trim().toLowerCase();
    document.querySelectorAll("#models li").forEach(function (li) {
      li.hidden = q !== "" && li.getAttribute("data-name").toLowerCase().indexOf(q) < 0;
    });
    svg.querySelectorAll("g.node").forEach(function (node) {
      var miss = q !== "" && node.getAttribute("data-label").toLowerCase().indexOf(q) < 0;
      node.classList.toggle("dim", miss);
    });
  }

  // What was drawn, boxes and edges: dagre's graph size counts the boxes only, and an
  // edge it routes around the others may run above them (int_events to
  // int_window_day_counts did, cut off at the top of the picture).
  function bounds(graph) {
    var MARGIN = 8;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    function add(x, y) {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
    graph.nodes().forEach(function (id) {
      var n = graph.node(id);
      add(n.x - n.width / 2, n.y - n.height / 2);
      add(n.x + n.width / 2, n.y + n.height / 2);
    });
    graph.edges().forEach(function (e) {
      graph.edge(e).points.forEach(function (p) { add(p.x, p.y); });
    });
    x0 = Math.floor(x0 - MARGIN); y0 = Math.floor(y0 - MARGIN);
    return { x: x0, y: y0, width: Math.ceil(x1 + MARGIN) - x0, height: Math.ceil(y1 + MARGIN) - y0 };
  }

  function main() {
    var svg = document.getElementById("dag");
    arrowhead(svg);
    var graph = layout(svg, window.DOCS_GRAPH);
    drawEdges(svg, graph);
    drawNodes(svg, graph);
    var box = bounds(graph);
    svg.setAttribute("width", box.width);
    svg.setAttribute("height", box.height);
    svg.setAttribute("viewBox", [box.x, box.y, box.width, box.height].join(" "));
    var search = document.getElementById("search");
    search.addEventListener("input", function () { filter(svg, search.value); });
    var initial = new URLSearchParams(window.location.search).get("q");
    if (initial) { search.value = initial; filter(svg, initial); }
    svg.setAttribute("data-layout", "done");
  }

  main();
})();
