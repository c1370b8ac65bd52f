"""YAML reading for every layer: the data under rules/, audits/, crawler/ and reports/, and the user's files.

libyaml's parser (PyYAML's C loader) reads the same documents as the pure-Python one in a fraction of its
time, and every command reads all the data files before it starts (figures: bench/RESULTS.md). PyYAML built
without libyaml falls back to the pure-Python loader."""

from __future__ import annotations

from typing import IO, Any

import yaml

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | bytes | IO[str] | IO[bytes]) -> Any:
    """The document in `source` as `yaml.safe_load` reads it; errors are `yaml.YAMLError`s as there."""
    return yaml.load(source, Loader=_SafeLoader)
