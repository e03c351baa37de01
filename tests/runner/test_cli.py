"""The CLI: help and docs for every command, output lines, exit codes, one-line errors."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from runner.cli import COMMANDS as REGISTRY
from runner.cli import main
from runner.cli.main import build_parser
from tests.helpers import REPO

build_parser()  # loads the plugins' commands too
COMMANDS = sorted(REGISTRY)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert len(capsys.readouterr().out) > 100


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    assert f"runner {command}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_runner_works():
    out = subprocess.run([sys.executable, "-m", "runner", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "seed" in out.stdout


def test_seed_run_ls_compile(shop, db_url, capsys):
    root = shop()
    args = ["--project-dir", str(root), "--database", db_url]
    assert main(["seed", *args]) == 0
    assert "seed items: 3 rows" in capsys.readouterr().out
    assert main(["run", *args]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"\[1/2\] base table 2 \d+\.\d\ds OK", out[0])
    assert re.fullmatch(r"\[2/2\] final view - \d+\.\d\ds OK", out[1])
    assert out[-1].startswith("Done in ") and "2 OK, 0 ERROR, 0 SKIPPED" in out[-1]
    assert main(["ls", *args]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].split() == ["base", "table", "core", "-"]
    assert listing[3].split() == ["final", "view", "-", "doubled"]
    assert main(["compile", *args, "--select", "+final"]) == 0
    assert "compiled target/compiled/models/final.sql" in capsys.readouterr().out
    assert (
        "doubled AS NOT MATERIALIZED (" in (root / "target/compiled/models/final.sql").read_text()
    )


def test_failed_model_exits_1(shop, db_url, capsys):
    root = shop(models__base_sql="select nope from {{ source('shop', 'items') }}")
    args = ["--project-dir", str(root), "--database", db_url]
    main(["seed", *args])
    assert main(["run", *args]) == 1
    out = capsys.readouterr().out
    assert "ERROR" in out and "SKIPPED" in out and "models/base.sql:1:" in out


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("select {{ oops }}", "models/bad.sql:1: undefined"),
        ("select 1 as a\nfrom x wher y z", "models/bad.sql:2: SQL syntax error"),
        ("select 1 as a\nfrom {{ ref('ghost') }}", "models/bad.sql:2: ref('ghost')"),
        ("select * from {{ ref('bad') }}", "dependency cycle: bad -> bad"),
    ],
)
def test_broken_models_give_one_line_errors_and_exit_2(shop, capsys, body, where):
    root = shop(models__bad_sql=body)
    assert main(["compile", "--project-dir", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and where in err.splitlines()[0]
    assert "Traceback" not in err


def test_debug_shows_the_traceback(shop, capsys):
    root = shop(models__bad_sql="select {{ oops }}")
    main(["compile", "--project-dir", str(root), "--debug"])
    assert "Traceback" in capsys.readouterr().err


def test_unreachable_database_exits_3(shop, capsys):
    code = main(
        ["run", "--project-dir", str(shop()), "--database", "postgresql://x@127.0.0.1:1/db"]
    )
    assert code == 3
    assert len(capsys.readouterr().err.strip().splitlines()) <= 3


def test_bad_url_is_a_configuration_error(shop, capsys):
    """Nothing ran: exit 2, like any other mistake in the project or its settings."""
    assert main(["run", "--project-dir", str(shop()), "--database", "mysql://x"]) == 2
    assert "unsupported database URL" in capsys.readouterr().err


def test_bad_vars_names_the_option_once(shop, capsys):
    """Issue 24, 11: it said `--vars: --vars is not valid JSON`."""
    assert main(["run", "--project-dir", str(shop()), "--vars", "{nope"]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert (
        first.startswith("error: --vars is neither JSON nor YAML: ") and first.count("--vars") == 1
    )


def test_vars_may_be_yaml_as_in_dbt(shop, db_url, capsys):
    """Issue 24, 11: `--vars '{minimum: 4}'`, which dbt accepts, was refused."""
    args = ["--project-dir", str(shop()), "--database", db_url]
    assert main(["seed", *args]) == 0
    capsys.readouterr()
    assert main(["show", "base", *args, "--vars", "{minimum: 4}"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split() == ["|", "3", "|", "c", "|", "5", "|"]


def test_a_reader_that_leaves_early_gets_no_traceback(shop, tmp_path):
    """`runner ls | head`: the pipe closes, the runner exits quietly. (`true` reads
    nothing and exits at once, so the runner's write always meets a closed pipe.)"""
    root = shop()
    cmd = f"{sys.executable} -m runner ls --project-dir {root} | true; exit ${{PIPESTATUS[0]}}"
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    assert out.returncode == 0 and "Traceback" not in out.stderr


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("runner ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_and_the_project_options(command):
    """Every command takes --project-dir and --database, and says what each option does."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    options = [a for a in sub._actions if a.option_strings and a.dest != "help"]
    assert {"project_dir", "database"} <= {a.dest for a in options}
    assert [a.dest for a in options if not a.help] == []
