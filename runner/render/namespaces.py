"""Macro namespaces as dbt resolves them, so packages run unchanged.

A model calls the root project's macros by their bare name and a package's as
``<package>.<macro>`` (``dbt_utils.generate_surrogate_key``). Inside a package, its own
macros are also callable by their bare name when the root project has none of that
name (dbt looks in the root project first). ``adapter.dispatch(name, namespace)``
follows dbt's search order: the root project's ``dispatch:`` config for that namespace,
else the root project then the namespace's package; in each, ``<adapter>__name`` then
``default__name``.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import jinja2
from jinja2 import nodes

from runner.errors import TemplateError, closest

#: dbt writes a generic test as ``{% test name(model, ...) %}``: a macro ``test_name``
TEST_BLOCK = re.compile(r"(\{%-?\s*)test(\s+)(\w+)(\s*\()")
END_TEST = re.compile(r"(\{%-?\s*)endtest(\s*-?%\})")
#: the namespace of dbt's own macros (runner/render/cross_db.py here)
DBT = "dbt"


def test_blocks_as_macros(source: str) -> str:
    """``{% test x(...) %}...{% endtest %}`` as ``{% macro test_x(...) %}`` (dbt does the
    same); lines are kept, so errors point at the package file's own line."""
    return END_TEST.sub(r"\1endmacro\2", TEST_BLOCK.sub(r"\1macro\2test_\3\4", source))


class PackageNamespace:
    """``dbt_utils.x``: the package's macro ``x``; a name it lacks is an error that
    suggests the closest one."""

    def __init__(self, name: str, registry: dict[str, Any]) -> None:
        self._name, self._registry = name, registry

    def __getattr__(self, macro: str) -> Any:
        if macro.startswith("__"):
            raise AttributeError(macro)
        found = self._registry.get(macro)
        if found is None:
            raise TemplateError(
                f"macro '{self._name}.{macro}' does not exist",
                hint=closest(macro, self._registry) or f"see the macros of package {self._name}",
            )
        return found


def defined_macros(
    env: jinja2.Environment,
    templates: dict[str, str],
    paths: list[str],
    label: str = "",
    refused: dict[str, str] | None = None,
) -> dict[str, str]:
    """Macro name -> the file defining it, for the root project's macro files or one
    package's (``label`` is ``"<package>."``). A name defined twice, or one in
    ``refused`` (name -> why), is an error at its line."""
    names: dict[str, str] = {}
    for path in paths:
        tree = env.parse(templates[path], name=path, filename=path)
        for node in tree.find_all(nodes.Macro):
            if refused and node.name in refused:
                raise TemplateError(
                    f"macro '{node.name}' would never be called: {refused[node.name]}",
                    path=path,
                    line=node.lineno,
                )
            if node.name in names:
                raise TemplateError(
                    f"macro '{label}{node.name}' is defined twice (also in {names[node.name]})",
                    path=path,
                    line=node.lineno,
                )
            names[node.name] = path
    return names


def dispatch_order(
    namespace: str | None, root: str, config: dict[str, tuple[str, ...]], known: set[str]
) -> tuple[str, ...]:
    """dbt's search order for ``adapter.dispatch(name, namespace)``: the ``dispatch:``
    config of the root project, else [root project, namespace] when the namespace is an
    installed package (or dbt's own), else the root project's macros, then dbt's."""
    if namespace is not None and namespace in config:
        return config[namespace]
    if namespace is not None and namespace in known and namespace != root:
        return (root, namespace)
    return (root, DBT)


class Dispatcher:
    """Finds ``<adapter>__name`` / ``default__name`` along a search order."""

    def __init__(
        self,
        registries: dict[str, dict[str, Any]],
        root: str,
        config: dict[str, tuple[str, ...]],
        dialects: tuple[str, ...],
    ) -> None:
        self.registries, self.root, self.config = registries, root, config
        self.dialects = dialects

    def find(self, name: str, namespace: str | None = None) -> Any:
        order = dispatch_order(namespace, self.root, self.config, set(self.registries))
        tried = []
        for package in order:
            registry = self.registries.get(package)
            if registry is None:
                raise TemplateError(
                    f"adapter.dispatch('{name}', '{namespace}'): no package '{package}' "
                    "in the dispatch search order",
                    hint=closest(package, self.registries) or "see dispatch: in dbt_project.yml",
                )
            for prefix in (*self.dialects, "default"):
                macro = registry.get(f"{prefix}__{name}")
                if macro is not None:
                    return macro
                tried.append(f"{package}.{prefix}__{name}")
        raise TemplateError(
            f"adapter.dispatch('{name}'): no macro found (tried {', '.join(tried)})",
            hint=f"define {self.dialects[0]}__{name} or default__{name} in the macro paths",
        )


def package_undefined(package_paths: set[str]) -> type[jinja2.StrictUndefined]:
    """Undefined names are errors in the project's own templates (a typo is found), but
    render as nothing inside a package's, as in dbt (whose Jinja is not strict):
    dbt_utils' equal_rowcount renders ``{{ select_gb_cols }}`` it set only sometimes."""

    def in_package() -> bool:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if name in package_paths:
                return True
            if name.endswith((".sql", ".yml")) or name.startswith("<runner>"):
                return False
            frame = frame.f_back
        return False

    class Undefined(jinja2.StrictUndefined):
        def __str__(self) -> str:
            return "" if in_package() else super().__str__()

        def __iter__(self):
            return iter(()) if in_package() else super().__iter__()

        def __bool__(self) -> bool:
            return False if in_package() else super().__bool__()

        def __len__(self) -> int:
            return 0 if in_package() else super().__len__()

    return Undefined


def module_macros(module: Any) -> dict[str, Any]:
    """The macros a Jinja template module exports (dbt's own: runner/render/cross_db.py)."""
    return {k: v for k, v in vars(module).items() if isinstance(v, jinja2.runtime.Macro)}
