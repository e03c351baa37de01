"""The model DAG: deterministic topological order, cycle paths and selectors."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from runner.errors import GraphError, closest


class Graph:
    """Models and their parents. Ties in the order are broken by name, so runs repeat."""

    def __init__(
        self,
        parents: Mapping[str, Iterable[str]],
        tags: Mapping[str, Iterable[str]] | None = None,
        paths: Mapping[str, str] | None = None,
    ) -> None:
        tags = tags or {}
        self.paths = dict(paths or {})
        self.parents = {name: tuple(sorted(set(ps))) for name, ps in parents.items()}
        self.tags = {name: frozenset(tags.get(name, ())) for name in self.parents}
        self.children: dict[str, list[str]] = {name: [] for name in self.parents}
        for name, ps in self.parents.items():
            for parent in ps:
                self.children[parent].append(name)
        self.order = self._toposort()

    def _toposort(self) -> list[str]:
        pending = {name: len(ps) for name, ps in self.parents.items()}
        ready = [name for name, n in pending.items() if n == 0]
        heapq.heapify(ready)
        order = []
        while ready:
            name = heapq.heappop(ready)
            order.append(name)
            for child in self.children[name]:
                pending[child] -= 1
                if pending[child] == 0:
                    heapq.heappush(ready, child)
        if len(order) != len(self.parents):
            cycle = self._find_cycle({n for n, k in pending.items() if k > 0})
            raise GraphError(
                "dependency cycle: " + " -> ".join(cycle),
                model=cycle[0],
                path=self.paths.get(cycle[0]),
                hint="a model cannot ref() itself through its descendants; break the loop",
            )
        return order

    def _find_cycle(self, remaining: set[str]) -> list[str]:
        start = min(remaining)
        path, seen = [start], {start: 0}
        node = start
        while True:
            node = min(p for p in self.parents[node] if p in remaining)
            if node in seen:
                return path[seen[node] :] + [node]  # each name refs the next
            seen[node] = len(path)
            path.append(node)

    def ancestors(self, name: str) -> set[str]:
        return self._walk(name, self.parents)

    def descendants(self, name: str) -> set[str]:
        return self._walk(name, self.children)

    @staticmethod
    def _walk(name: str, edges: Mapping[str, Iterable[str]]) -> set[str]:
        seen: set[str] = set()
        stack = list(edges[name])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges[node])
        return seen

    def select(self, selectors: Iterable[str] | None) -> list[str]:
        """Names matched by dbt-style selectors, in execution order.

        ``name``, ``+name`` (with ancestors), ``name+`` (with descendants), ``tag:x``;
        several selectors are a union. No selector means every model.
        """
        words = [w for s in (selectors or ()) for w in s.split()]
        if not words:
            return list(self.order)
        chosen: set[str] = set()
        for word in words:
            chosen |= self._select_one(word)
        return [name for name in self.order if name in chosen]

    def _select_one(self, word: str) -> set[str]:
        up, down = word.startswith("+"), word.endswith("+") and len(word) > 1
        core = word[1 if up else 0 : -1 if down else None]
        if core.startswith("tag:"):
            base = {n for n, tags in self.tags.items() if core[4:] in tags}
        elif core in self.parents:
            base = {core}
        else:
            hint = closest(core, self.parents) or "see `runner ls`"
            raise GraphError(f"selector '{word}' matches no model", hint=hint)
        if not base:
            raise GraphError(f"selector '{word}' matches no model", hint="see `runner ls`")
        result = set(base)
        for name in base:
            if up:
                result |= self.ancestors(name)
            if down:
                result |= self.descendants(name)
        return result
