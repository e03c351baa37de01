"""Data tests (issue 6, item 1) and CI artifacts (item 7), on both engines."""

from __future__ import annotations

import json
import re

import pytest

from runner.cli import main
from runner.errors import ConfigError
from runner.tasks.build import data_tests, run, seed
from runner.workspace import Workspace

PROPERTIES = """
models:
  - name: base
    description: items with a positive quantity
    columns:
      - name: id
        tests: [not_null, unique]
      - name: name
        tests:
          - accepted_values: {values: [a, c]}
      - name: qty
        tests:
          - expression: "qty > 1"
          - relationships: {to: final, field: id}
    tests:
      - expression: "id < 3"
"""
SINGULAR = "select id from {{ ref('base') }} where qty > {{ var('limit', 4) }}"


@pytest.fixture
def built(shop, db_url):
    root = shop(models__base_yml=PROPERTIES, **{"data-tests__too_many_sql": SINGULAR})
    (root / "models/base_yml").rename(root / "models/base.yml")
    ws = Workspace.open(root, db_url)
    seed(ws)
    run(ws, None, None)
    return root, ws


def by_name(results):
    return {r.name: r for r in results}


def test_each_kind_passes_or_fails_with_counts_and_rows(built):
    _, ws = built
    results = by_name(data_tests(ws, None))
    assert results["not_null_base_id"].status == "PASS"
    assert results["unique_base_id"].status == "PASS"
    assert results["accepted_values_base_name"].status == "PASS"
    assert results["expression_base_qty_qty___1"].status == "PASS"
    rel = results["relationships_base_qty"]
    assert (rel.status, rel.failures) == ("FAIL", 1)  # qty 5 is not an id of final (3 is)
    model_level = results["expression_base_id___3"]
    assert (model_level.status, model_level.failures) == ("FAIL", 1)
    assert model_level.rows == [{"id": 3, "name": "c", "qty": 5}]
    singular = results["too_many"]
    assert (singular.status, singular.failures, singular.rows) == ("FAIL", 1, [{"id": 3}])


def test_select_limits_tests_to_the_models(built):
    _, ws = built
    assert all("final" not in r.name for r in data_tests(ws, ["final"]) if r.name != "too_many")
    assert [r.name for r in data_tests(ws, ["final"])] == []


def test_cli_prints_pass_fail_and_exits_1(built, capsys):
    root, ws = built
    assert main(["test", "--project-dir", str(root), "--database", ws.adapter.url]) == 1
    out = capsys.readouterr().out
    assert "FAIL relationships_base_qty (1 failing row)" in out
    assert "PASS unique_base_id" in out
    assert out.strip().splitlines()[-1] == "Done: 4 PASS, 3 FAIL, 0 ERROR"


def test_artifacts_after_run_and_test(built):
    root, ws = built
    run(ws, None, None)
    results = json.loads((root / "target/run_results.json").read_text())
    assert results["command"] == "run"
    assert [(r["name"], r["status"]) for r in results["results"]] == [
        ("base", "OK"),
        ("final", "OK"),
    ]
    manifest = json.loads((root / "target/manifest.json").read_text())
    assert manifest["models"]["final"]["depends_on"] == ["doubled"]
    assert manifest["models"]["base"]["sources"] == ["shop.items"]
    assert manifest["models"]["base"]["description"] == "items with a positive quantity"
    assert "unique_base_id" in manifest["models"]["base"]["tests"]
    assert manifest["singular_tests"] == {"too_many": "data-tests/too_many.sql"}
    data_tests(ws, None)
    results = json.loads((root / "target/run_results.json").read_text())
    assert results["command"] == "test" and len(results["results"]) == 7


def test_unknown_test_kind_names_file_and_line(shop):
    root = shop()
    (root / "models/base.yml").write_text(
        "models:\n  - name: base\n    columns:\n      - name: id\n        tests: [positive]\n"
    )
    with pytest.raises(ConfigError) as err:
        Workspace.open(root)
    assert (err.value.path, err.value.line) == ("models/base.yml", 5)


def test_build_runs_seeds_models_and_tests_and_skips_after_a_failure(built, capsys):
    root, ws = built
    code = main(["build", "--project-dir", str(root), "--database", ws.adapter.url])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert re.fullmatch(r"seed items: 3 rows into items \(\d+\.\d\ds\)", lines[0])
    # as `runner run` prints a model (issue 24, 11: build had no [i/n] nor timings)
    assert re.fullmatch(r"\[1/2\] base table 2 \d+\.\d\ds OK", lines[1])
    assert any(
        re.fullmatch(r"    test FAIL expression_base_id___3 \(1 failing row\) \d+\.\d\ds", line)
        for line in lines
    )
    assert "[2/2] final view - 0.00s SKIPPED" in lines  # base's tests failed
    assert not any("relationships_base_qty" in line for line in lines)  # it reads final
    assert re.fullmatch(r"Done in \d+\.\d\ds: \d+ OK/PASS, 3 ERROR/FAIL/SKIPPED \(\w+\)", lines[-1])


def test_build_passes_when_tests_pass(shop, db_url, capsys):
    root = shop()
    (root / "models/base.yml").write_text(
        "models:\n  - name: base\n    columns:\n      - name: id\n        tests: [unique]\n"
    )
    assert main(["build", "--project-dir", str(root), "--database", db_url]) == 0
    out = capsys.readouterr().out
    assert "    test PASS unique_base_id " in out and "[2/2] final view - " in out


def test_junit_xml(built, tmp_path):
    from xml.etree import ElementTree as ET

    root, ws = built
    report = tmp_path / "junit.xml"
    main(
        [
            "test",
            "--project-dir",
            str(root),
            "--database",
            ws.adapter.url,
            "--junit-xml",
            str(report),
        ]
    )
    suite = ET.parse(report).getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("7", "3", "0")
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert "relationships_base_qty" in failed
