"""dbt packages: what ``dbt deps`` left in ``dbt_packages/``, and ``local:`` packages.

We cannot download (no hub, no git here), so a package is read as it lies on disk:
``packages.yml`` (or ``dependencies.yml``) says which packages the project needs; a
``local:`` entry is read from its path, a hub or git entry from the install folder
(``packages-install-path``, default ``dbt_packages/``), where ``dbt deps`` put it. A
package's macros become ``<package>.<macro>``; its generic tests (``{% test %}``
blocks) run from the YAML as ``<package>.<test>``. A package that brings models, seeds,
snapshots or tests of its own is an error: building the project without them would
build something else than dbt does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import ConfigError, closest
from runner.project.yamlfile import load_yaml

PACKAGE_FILES = ("packages.yml", "dependencies.yml")
INSTALL_PATH = "dbt_packages"
#: a generic test: ``{% test name(`` (dbt's block) or ``{% macro test_name(``
GENERIC_TEST = re.compile(r"\{%-?\s*(?:test\s+|macro\s+test_)(\w+)\s*\(")


@dataclass(frozen=True)
class PackageMacroFile:
    path: str  # relative to the root project, used in every message
    source: str


@dataclass(frozen=True)
class Package:
    """One installed package: its project name (the namespace of its macros)."""

    name: str
    path: str  # its folder, relative to the root project
    macros: tuple[PackageMacroFile, ...]
    vars: dict[str, Any]  # its dbt_project.yml vars: defaults the root project overrides

    @property
    def tests(self) -> set[str]:
        """The generic tests it defines, usable in YAML as ``<package>.<test>``."""
        return {name for m in self.macros for name in GENERIC_TEST.findall(m.source)}


def load_packages(root: Path, install_path: str) -> tuple[Package, ...]:
    """The packages the project declares, plus any that ``dbt deps`` installed."""
    folders = _declared(root, install_path)
    installed = root / install_path
    children = sorted(installed.iterdir()) if installed.is_dir() else []
    children = [c for c in children if (c / "dbt_project.yml").is_file()]
    # dbt deps links a local: package into dbt_packages/: one package, two paths
    seen = {f.resolve() for f in folders}
    folders += [c for c in children if c.resolve() not in seen]
    if installed in folders and not children:  # a git package declared, none installed
        raise ConfigError(
            f"the git packages of {PACKAGE_FILES[0]} are not installed ({install_path}/ is empty)",
            path=PACKAGE_FILES[0],
            hint="run `dbt deps` (this runner does not download packages)",
        )
    packages: dict[str, Package] = {}
    for folder in (f for f in folders if f != installed):
        package = _package(root, folder)
        if package.name in packages:
            raise ConfigError(
                f"two packages are named '{package.name}': "
                f"{packages[package.name].path} and {package.path}",
                path=package.path + "/dbt_project.yml",
                hint="remove one of them (dbt deps installs each package once)",
            )
        packages[package.name] = package
    return tuple(packages.values())


def _declared(root: Path, install_path: str) -> list[Path]:
    """Folders of the packages named in packages.yml / dependencies.yml."""
    folders: list[Path] = []
    for file in PACKAGE_FILES:
        if not (root / file).is_file():
            continue
        data = load_yaml(root / file, file) or {}
        for key in data if isinstance(data, dict) else ():
            if key != "packages":  # dependencies.yml's projects: (dbt Mesh) and the like
                raise ConfigError(
                    f"{file}: '{key}' is not supported",
                    path=file,
                    line=data.line_of(key),
                    hint="only packages: (installed in dbt_packages/ or local:)",
                )
        entries = data.get("packages") if isinstance(data, dict) else None
        for index, entry in enumerate(entries or []):
            line = entries.lines[index] if hasattr(entries, "lines") else None
            line = getattr(entry, "line", None) or line or data.line_of("packages")
            folder = _folder(root, install_path, entry, file, line)
            if folder not in folders:
                folders.append(folder)
    return folders


def _folder(root: Path, install_path: str, entry: Any, file: str, line: int | None) -> Path:
    if not isinstance(entry, dict):
        raise ConfigError(f"{file}: a package must be a mapping", path=file, line=line)
    if "local" in entry:
        folder = (root / str(entry["local"])).resolve()
        if not (folder / "dbt_project.yml").is_file():
            raise ConfigError(
                f"local package {entry['local']!r}: no dbt_project.yml in {folder}",
                path=file,
                line=line,
                hint="local: is a path relative to the project folder",
            )
        return folder
    if "package" in entry:  # the hub: dbt deps installs dbt-labs/dbt_utils as dbt_utils
        name = str(entry["package"]).rsplit("/", 1)[-1]
    elif "git" in entry or "tarball" in entry or "private" in entry:
        name = str(entry.get("name") or "")
        if not name:  # its folder is named after its dbt_project.yml: found by listing
            return root / install_path
    else:
        raise ConfigError(
            f"{file}: unknown package entry {dict(entry)!r}",
            path=file,
            line=line,
            hint="use package:, git:, tarball: or local:",
        )
    folder = root / install_path / name
    if not (folder / "dbt_project.yml").is_file():
        raise ConfigError(
            f"package {name!r} is not installed ({install_path}/{name} is missing)",
            path=file,
            line=line,
            hint="run `dbt deps` (this runner does not download packages)",
        )
    return folder


def _package(root: Path, folder: Path) -> Package:
    rel = _relative(root, folder)
    config = load_yaml(folder / "dbt_project.yml", f"{rel}/dbt_project.yml") or {}
    name = str(config.get("name") or folder.name)
    _refuse_nodes(root, folder, config, name)
    macros = []
    for directory in _list(config.get("macro-paths"), ["macros"]):
        for path in sorted((folder / directory).glob("**/*.sql")):
            text = path.read_text(encoding="utf-8")
            macros.append(PackageMacroFile(_relative(root, path), text))
    vars_ = config.get("vars") if isinstance(config.get("vars"), dict) else {}
    return Package(name=name, path=rel, macros=tuple(macros), vars=dict(vars_))


def _refuse_nodes(root: Path, folder: Path, config: dict, name: str) -> None:
    """Models, seeds, snapshots and singular tests of a package are not built here."""
    kinds = (
        ("model-paths", ["models"], "*.sql", "models"),
        ("seed-paths", ["seeds"], "*.csv", "seeds"),
        ("snapshot-paths", ["snapshots"], "*.sql", "snapshots"),
        ("test-paths", ["tests"], "*.sql", "tests"),
    )
    for key, default, pattern, what in kinds:
        for directory in _list(config.get(key), default):
            found = sorted((folder / directory).glob("**/" + pattern))
            if found:
                raise ConfigError(
                    f"package '{name}' has {what}, which are not built here",
                    path=_relative(root, found[0]),
                    hint="only a package's macros and generic tests are supported",
                )


def _list(value: Any, default: list[str]) -> list[str]:
    if value is None:
        return default
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def check_package_tests(properties: dict[str, Any], packages: tuple[Package, ...]) -> None:
    """Every ``<package>.<test>`` in the YAML names an installed package's generic test."""
    by_name = {p.name: p for p in packages}
    for props in properties.values():
        for test in props.tests:
            if "." not in test.kind:
                continue
            package, name = test.kind.split(".", 1)
            known = by_name[package].tests if package in by_name else set()
            if name in known:
                continue
            problem = f"package '{package}' is not installed"
            hint = closest(package, by_name) or "add it to packages.yml and run `dbt deps`"
            if package in by_name:
                problem = f"package '{package}' has no generic test '{name}'"
                hint = closest(name, known) or f"its tests: {', '.join(sorted(known)) or 'none'}"
            raise ConfigError(
                f"unknown test {test.kind!r} on {test.model}: {problem}",
                path=test.path,
                line=test.line,
                hint=hint,
            )
