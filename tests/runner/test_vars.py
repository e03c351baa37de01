"""--vars (issue 14, items 7 and 8): a var takes the JSON type of its default, and a
name the project does not declare is a warning, never silent."""

from __future__ import annotations

import pytest

from runner.cli import main
from runner.compile.compiler import split_vars, unknown_vars
from runner.errors import ParamError
from runner.project.loader import load_project


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(2, True), ("seven", False), (True, False), (2.5, False), (None, False)],
)
def test_a_whole_number_var_takes_only_whole_numbers(shop, value, accepted):
    project = load_project(shop())  # vars: {minimum: 1}
    if accepted:
        assert split_vars(project, {"minimum": value})[0]["minimum"] == value
        return
    with pytest.raises(ParamError) as err:
        split_vars(project, {"minimum": value})
    assert err.value.param == "minimum" and "whole number" in err.value.message


def test_unknown_vars_are_listed(shop):
    project = load_project(shop())
    assert unknown_vars(project, {"minimum": 2, "mode": "total", "minimun": 3}) == ["minimun"]


def test_the_cli_warns_about_an_unknown_var_and_still_runs(shop, db_url, capsys):
    args = ["--project-dir", str(shop()), "--database", db_url]
    assert main(["seed", *args]) == 0
    assert main(["run", *args, "--vars", '{"minimun": 3}']) == 0
    assert "warning: --vars names 'minimun'" in capsys.readouterr().err


def test_the_cli_refuses_a_var_of_the_wrong_type(shop, db_url, capsys):
    args = ["--project-dir", str(shop()), "--database", db_url]
    assert main(["run", *args, "--vars", '{"minimum": "seven"}']) == 2
    assert "invalid value for var 'minimum'" in capsys.readouterr().err
