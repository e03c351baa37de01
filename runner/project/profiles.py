"""dbt's profiles.yml: where a project's database is, per target.

    jaffle_shop:                 # the project file's `profile:`
      target: dev                # chosen unless --target says otherwise
      outputs:
        dev:  {type: postgres, host: localhost, port: 5432, user: "{{ env_var('PGUSER') }}",
               password: "{{ env_var('PGPASSWORD', '') }}", dbname: shop, schema: analytics}
        local: {type: sqlite, path: target/shop.db}   # or dbt-sqlite's schemas_and_paths

Searched in --profiles-dir, $DBT_PROFILES_DIR, the project folder, then ~/.dbt (dbt's
order). Only a URL comes out of it: --database and $DATABASE_URL still win, and a
project without profiles.yml keeps its own ``database:``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as url_quote

import jinja2

from runner.errors import ConfigError
from runner.project.yamlfile import load_yaml_text

POSTGRES_KEYS = (
    "type",
    "host",
    "port",
    "user",
    "password",
    "pass",
    "dbname",
    "database",
    "schema",
    "threads",
    "keepalives_idle",
    "connect_timeout",
    "sslmode",
    "retries",
    "application_name",
)
SQLITE_KEYS = (
    "type",
    "path",
    "schema",
    "database",
    "schemas_and_paths",
    "schema_directory",
    "threads",
    "extensions",
)


@dataclass(frozen=True)
class Target:
    """One output of a profile, as the runner needs it."""

    name: str
    url: str
    schema: str | None  # where models are built (PostgreSQL), None: the project decides


def find_profiles(root: Path, profiles_dir: str | None) -> Path | None:
    dirs = [profiles_dir, os.environ.get("DBT_PROFILES_DIR"), str(root), "~/.dbt"]
    for d in dirs:
        if d and (Path(d).expanduser() / "profiles.yml").is_file():
            return Path(d).expanduser() / "profiles.yml"
    if profiles_dir:
        raise ConfigError(f"no profiles.yml in {profiles_dir}", hint="check --profiles-dir")
    return None


def read_target(
    root: Path, profile: str | None, target: str | None, profiles_dir: str | None
) -> Target | None:
    """The chosen target of the project's profile, or None when there is no profiles.yml."""
    path = find_profiles(root, profiles_dir)
    if path is None or profile is None:
        if target:
            raise ConfigError(
                f"--target {target}: "
                + (
                    "no profiles.yml found"
                    if path is None
                    else "the project file names no profile:"
                ),
                hint="put profiles.yml in the project folder or ~/.dbt, or pass --profiles-dir",
            )
        return None
    data = _render(path)
    rel = str(path)
    if not isinstance(data, dict) or profile not in data:
        raise ConfigError(
            f"profile '{profile}' is not in {rel}",
            path=rel,
            hint="the project file's profile: names a top-level key of it",
        )
    body = data[profile] or {}
    name = target or body.get("target")
    outputs = body.get("outputs") or {}
    if name not in outputs:
        raise ConfigError(
            f"profile '{profile}' has no target {name!r}",
            path=rel,
            line=body.line_of("outputs") if hasattr(body, "line_of") else None,
            hint="targets: " + ", ".join(map(str, outputs)),
        )
    return _target(str(name), outputs[name], rel)


def _render(path: Path):
    """profiles.yml as dbt reads it: ``{{ env_var('NAME', default) }}`` filled in first."""

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return str(default)
        raise ConfigError(f"env_var('{name}') is not set and has no default", path=str(path))

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        text = env.from_string(path.read_text(encoding="utf-8")).render(env_var=env_var)
    except jinja2.TemplateError as exc:
        raise ConfigError(
            f"profiles.yml: {exc}", path=str(path), line=getattr(exc, "lineno", None)
        ) from None
    return load_yaml_text(text, str(path))


def _target(name: str, output: dict, rel: str) -> Target:
    kind = output.get("type")
    keys = {"postgres": POSTGRES_KEYS, "sqlite": SQLITE_KEYS}.get(kind)
    if keys is None:
        raise ConfigError(
            f"target {name}: type {kind!r} is not supported",
            path=rel,
            line=output.line_of("type") if hasattr(output, "line_of") else None,
            hint="use type: postgres or type: sqlite",
        )
    for key in output:
        if key not in keys:
            raise ConfigError(
                f"target {name}: '{key}' is not supported for {kind}",
                path=rel,
                line=output.line_of(key),
                hint="supported: " + ", ".join(keys),
            )
    if kind == "postgres":
        return _postgres(name, output)
    return _sqlite(name, output, rel)


def _postgres(name: str, o: dict) -> Target:
    user = url_quote(str(o.get("user", "")), safe="")
    password = o.get("password", o.get("pass"))
    auth = f"{user}:{url_quote(str(password), safe='')}@" if password else f"{user}@"
    dbname = o.get("dbname", o.get("database", ""))
    options = [f"{k}={o[k]}" for k in ("sslmode", "connect_timeout") if k in o]
    url = f"postgresql://{auth}{o.get('host', 'localhost')}:{o.get('port', 5432)}/{dbname}"
    return Target(name, url + ("?" + "&".join(options) if options else ""), o.get("schema"))


def _sqlite(name: str, o: dict, rel: str) -> Target:
    path = o.get("path") or (o.get("schemas_and_paths") or {}).get("main")
    if not path:
        raise ConfigError(
            f"target {name}: a sqlite target needs path: (or schemas_and_paths: {{main: ...}})",
            path=rel,
        )
    return Target(name, f"sqlite:///{path}", None)
