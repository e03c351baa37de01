from __future__ import annotations

import pytest

from runner.compile.graph import Graph
from runner.errors import GraphError


def test_order_is_topological_with_ties_by_name():
    g = Graph({"c": [], "b": [], "a": ["c"], "d": ["a", "b"]})
    assert g.order == ["b", "c", "a", "d"]


def test_cycle_error_prints_the_path():
    with pytest.raises(GraphError) as err:
        Graph({"a": ["b"], "b": ["c"], "c": ["a"], "z": []})
    assert "a -> b -> c -> a" in err.value.message


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        (None, ["base", "mid", "other", "top"]),
        (["mid"], ["mid"]),
        (["+mid"], ["base", "mid"]),
        (["mid+"], ["mid", "top"]),
        (["+top"], ["base", "mid", "top"]),
        (["tag:daily"], ["other", "top"]),
        (["other mid"], ["mid", "other"]),
        (["other", "base+"], ["base", "mid", "other", "top"]),
    ],
)
def test_selectors(selectors, expected):
    g = Graph(
        {"base": [], "mid": ["base"], "top": ["mid"], "other": []},
        {"top": ["daily"], "other": ["daily"]},
    )
    assert g.select(selectors) == expected


def test_selector_matching_nothing_is_an_error():
    with pytest.raises(GraphError, match="matches no model"):
        Graph({"a": []}).select(["nope"])
