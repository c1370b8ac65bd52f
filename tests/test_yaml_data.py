"""crawler/yaml_data.py: libyaml's loader reads every data file of the packages as PyYAML's own safe
loader does, and a malformed file fails with the same kind of error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.yaml_data import load_yaml

REPO = Path(__file__).resolve().parents[1]
DATA = sorted(p for package in ("crawler", "audits", "rules", "reports") for p in (REPO / package).rglob("*.yaml"))


def test_the_data_files_are_many() -> None:
    assert len(DATA) > 50  # the comparison below is not over an empty list


@pytest.mark.parametrize("path", DATA, ids=lambda p: str(p.relative_to(REPO)))
def test_every_data_file_reads_as_the_safe_loader_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_a_malformed_document_is_a_yaml_error() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("sites:\n  - name: [unclosed\n")
    with pytest.raises(yaml.constructor.ConstructorError):  # nothing beyond the safe tags
        load_yaml("!!python/object/apply:os.system ['true']")
