"""The rule data files load as written: YAML keeps the last of two equal keys without a word, so a
second block of a concept's terms would silently drop the first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

RULES = Path(__file__).resolve().parents[2] / "rules"


class _UniqueKeys(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.yaml")), ids=lambda p: str(p.relative_to(RULES)))
def test_no_key_is_given_twice(path: Path) -> None:
    yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeys)


def test_the_check_finds_a_key_given_twice() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="given twice"):
        yaml.load("terms:\n  a: [x]\n  a: [y]\n", Loader=_UniqueKeys)
