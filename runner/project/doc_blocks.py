"""dbt's doc blocks: ``{% docs name %}...{% enddocs %}`` in .md files beside the models,
used in YAML descriptions as ``{{ doc('name') }}``."""

from __future__ import annotations

import re
from pathlib import Path

from runner.errors import ConfigError

BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)
USE = re.compile(r"""{{\s*doc\(\s*['"](\w+)['"]\s*\)\s*}}""")


def load_doc_blocks(root: Path, dirs: list[str]) -> dict[str, str]:
    blocks: dict[str, str] = {}
    for d in dirs:
        for path in sorted((root / d).glob("**/*.md")):
            for match in BLOCK.finditer(path.read_text(encoding="utf-8")):
                if match.group(1) in blocks:
                    rel = path.relative_to(root).as_posix()
                    raise ConfigError(f"doc block '{match.group(1)}' is defined twice", path=rel)
                blocks[match.group(1)] = match.group(2).strip()
    return blocks


def resolve_docs(text: str, blocks: dict[str, str], where: str, rel: str, line: int | None) -> str:
    """A description with every ``{{ doc('x') }}`` replaced by block x's text."""

    def block(match: re.Match) -> str:
        name = match.group(1)
        if name not in blocks:
            known = ", ".join(sorted(blocks)) or "none"
            raise ConfigError(
                f"unknown doc block '{name}' in {where}",
                path=rel,
                line=line,
                hint=f"known: {known}; define {{% docs {name} %}}...{{% enddocs %}} in a .md "
                "file beside the models",
            )
        return blocks[name]

    return USE.sub(block, text) if isinstance(text, str) else text
