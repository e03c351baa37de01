"""YAML with line numbers: every mapping remembers the line of each of its keys.

A project file's mistakes are reported at their line (``path:line: message``), so the
mappings the loaders walk are ``LineDict``s rather than plain dicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from runner.errors import ConfigError


class LineDict(dict):
    """A mapping from YAML that knows the (1-based) line of each key."""

    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int | None:
        return self.lines.get(key, self.line)


#: libyaml's parser where PyYAML was built with it (the wheels are), else pure Python
_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_FAST):
    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        self.flatten_mapping(node)
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.lines[key] = key_node.start_mark.line + 1
        return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)


def load_yaml(path: Path, rel: str) -> Any:
    """The document in ``path`` (``rel`` names it in errors); mappings are LineDicts."""
    return load_yaml_text(path.read_text(encoding="utf-8"), rel)


def load_yaml_text(text: str, rel: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader with line marks
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
            path=rel,
            line=mark.line + 1 if mark else None,
        ) from None


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (nodes keep their line marks)."""
    return yaml.compose(text, Loader=_FAST)


def plain(node: yaml.Node) -> Any:
    """The Python value of a composed node, constructed directly (no round trip
    through text)."""
    return yaml.constructor.SafeConstructor().construct_document(node)
