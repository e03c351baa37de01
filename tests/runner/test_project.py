from __future__ import annotations

import pytest

from runner.errors import ConfigError
from runner.project.loader import load_project


def test_models_are_named_by_file_stem(make_project):
    root = make_project({"models/a/one.sql": "select 1 as x", "models/two.sql": "select 2 as y"})
    assert sorted(load_project(root).models) == ["one", "two"]


def test_duplicate_model_names_name_both_paths(make_project):
    root = make_project({"models/a/dup.sql": "select 1", "models/b/dup.sql": "select 2"})
    with pytest.raises(ConfigError) as err:
        load_project(root)
    assert "models/a/dup.sql" in err.value.message and "models/b/dup.sql" in err.value.message


def test_missing_project_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no dbt_project.yml or project.yml"):
        load_project(tmp_path)


def test_invalid_yaml_names_the_line(make_project):
    root = make_project({"project.yml": "name: x\nvars: [unclosed\n"})
    with pytest.raises(ConfigError) as err:
        load_project(root)
    assert err.value.path == "project.yml" and err.value.line


def test_database_precedence(make_project, monkeypatch):
    root = make_project({"project.yml": "name: x\ndatabase: sqlite:///from_yml.db\n"})
    project = load_project(root)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert project.resolve_database() == "sqlite:///from_yml.db"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from_env.db")
    assert project.resolve_database() == "sqlite:///from_env.db"
    assert project.resolve_database("sqlite:///flag.db") == "sqlite:///flag.db"
    bare = load_project(make_project({}))
    monkeypatch.delenv("DATABASE_URL")
    assert bare.resolve_database() == "sqlite:///target/test.db"  # named after the project


def test_schema_must_be_an_identifier(make_project):
    with pytest.raises(ConfigError, match="schema") as err:
        load_project(make_project({"project.yml": "name: t\nschema: 'a; drop'\n"}))
    assert err.value.path == "project.yml"
