"""profiles.yml in dbt's format: targets, env_var, --target, and what wins over it."""

from __future__ import annotations

import pytest

from runner.cli.main import main
from runner.errors import ConfigError
from runner.project.profiles import read_target
from runner.workspace import Workspace

PROFILES = """
    shop:
      target: local
      outputs:
        local:
          type: sqlite
          path: target/from_profile.db
        warehouse:
          type: postgres
          host: db.example
          port: 6543
          user: "{{ env_var('SHOP_USER') }}"
          password: "{{ env_var('SHOP_PASSWORD', 's3cr/t') }}"
          dbname: shop
          schema: analytics
          threads: 4
"""


@pytest.fixture
def project(make_project, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.setenv("SHOP_USER", "ana")
    return make_project({"project.yml": "name: shop\nprofile: shop\n", "profiles.yml": PROFILES})


def test_the_profiles_default_target_is_used(project):
    assert Workspace.open(project).adapter.url == "sqlite:///target/from_profile.db"


def test_target_chooses_a_postgres_output_with_env_vars(project):
    chosen = read_target(project, "shop", "warehouse", None)
    assert chosen.url == "postgresql://ana:s3cr%2Ft@db.example:6543/shop"
    assert chosen.schema == "analytics"


def test_database_flag_wins_over_the_profile(project):
    ws = Workspace.open(project, "sqlite:///other.db", target="warehouse")
    assert ws.adapter.url == "sqlite:///other.db"


def test_database_url_env_wins_over_the_profile(project, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///env.db")
    assert Workspace.open(project, target="warehouse").adapter.url == "sqlite:///env.db"


def test_profiles_dir_is_searched_first(project, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "profiles.yml").write_text(
        "shop:\n  target: x\n  outputs:\n    x: {type: sqlite, path: elsewhere.db}\n"
    )
    ws = Workspace.open(project, profiles_dir=str(other))
    assert ws.adapter.url == "sqlite:///elsewhere.db"


def test_a_missing_env_var_is_an_error(project, monkeypatch):
    monkeypatch.delenv("SHOP_USER")
    with pytest.raises(ConfigError, match=r"env_var\('SHOP_USER'\) is not set"):
        read_target(project, "shop", "warehouse", None)


def test_an_unsupported_adapter_type_is_an_error_at_its_line(project):
    (project / "profiles.yml").write_text(
        "shop:\n  target: x\n  outputs:\n    x:\n      type: snowflake\n"
    )
    with pytest.raises(ConfigError, match="type 'snowflake' is not supported") as info:
        read_target(project, "shop", None, None)
    assert info.value.line == 5


def test_an_unknown_target_names_the_targets(project):
    with pytest.raises(ConfigError, match="no target 'prod'") as info:
        read_target(project, "shop", "prod", None)
    assert "local, warehouse" in info.value.hint


def test_target_flag_without_profiles_is_an_error(make_project, capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.setenv("HOME", str(make_project({})))
    root = make_project({"models/m.sql": "select 1 as x"})
    assert main(["ls", "--project-dir", str(root), "--target", "prod"]) == 2
    assert "--target prod: no profiles.yml found" in capsys.readouterr().err
