"""The loader rejects malformed files with an error naming file, code and field; weights override."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.instruments import InstrumentError, available_instruments, load_instrument


def minimal() -> dict[str, Any]:
    """A small valid instrument; each test breaks one thing in a copy of it."""
    return {
        "instrument": "TST",
        "edition": "2024",
        "title": "Test instrument",
        "source": "tests",
        "subindices": {"IF": {"name": "Institutional Framework"}, "SP": {"name": "Services Provision"}},
        "weights": {"IF": None, "SP": None},
        "loci": {"N": "national portal", "G": "any government site"},
        "sectors": ["health", "justice"],
        "groups": ["women"],
        "questions": [
            {"code": "010", "title": "organisation chart", "subindex": "IF", "locus": "G",
             "locus_source": "assumed", "answer": "binary", "crawlable": True},
            {"code": "183", "title": "justice", "subindex": "SP", "also_in": ["IF"], "locus": "G",
             "locus_source": "assumed", "answer": "graded",
             "levels": ["information", "file_online", "manage_cases"], "sector": "justice",
             "crawlable": True},
            {"code": "022", "title": "see own data", "subindex": "SP", "locus": "G",
             "locus_source": "assumed", "answer": "binary", "crawlable": False,
             "not_crawlable_reason": "behind a national e-ID login"},
        ],
    }


def write(tmp_path: Path, data: Any, name: str = "tst-2024.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False),
                    encoding="utf-8")
    return path


def test_minimal_is_valid(tmp_path: Path) -> None:
    instrument = load_instrument(write(tmp_path, minimal()))
    assert instrument.key == "TST-2024"
    assert instrument.question("183").levels == ("information", "file_online", "manage_cases")


def _question(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["code"] == code)


def _set(code: str, field: str, value: Any) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        _question(data, code)[field] = value
    return mutate


def _drop(code: str, field: str) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        del _question(data, code)[field]
    return mutate


def _header(field: str, value: Any) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        data[field] = value
    return mutate


def _duplicate(data: dict[str, Any]) -> None:
    data["questions"].append(copy.deepcopy(data["questions"][0]))


def _drop_header(field: str) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        del data[field]
    return mutate


# (id, mutation, expected code, expected field, fragment of the message)
BAD_CASES = [
    ("unknown question key", _set("010", "sectr", "health"), "010", "sectr", "unknown key"),
    ("unknown header key", _header("wieghts", {}), None, "wieghts", "unknown key"),
    ("missing header key", _drop_header("source"), None, "source", "missing"),
    ("missing question key", _drop("010", "crawlable"), "010", "crawlable", "missing"),
    ("duplicate code", _duplicate, "010", "code", "duplicate"),
    ("bad subindex", _set("010", "subindex", "XX"), "010", "subindex", "unknown subindex"),
    ("also_in repeats primary", _set("010", "also_in", ["IF"]), "010", "also_in", "primary"),
    ("also_in unknown", _set("010", "also_in", ["ZZ"]), "010", "also_in", "known"),
    ("graded without levels", _drop("183", "levels"), "183", "levels", "graded"),
    ("graded with one level", _set("183", "levels", ["online"]), "183", "levels", "at least two"),
    ("binary with levels", _set("010", "levels", ["a", "b"]), "010", "levels", "only for graded"),
    ("bad answer type", _set("010", "answer", "yes/no"), "010", "answer", "binary, graded"),
    ("not crawlable without reason", _drop("022", "not_crawlable_reason"), "022", "not_crawlable_reason",
     "non-empty"),
    ("crawlable with reason", _set("010", "not_crawlable_reason", "x"), "010", "not_crawlable_reason",
     "crawlable"),
    ("crawlable not a bool", _set("010", "crawlable", "yes"), "010", "crawlable", "true or false"),
    ("unknown sector", _set("010", "sector", "defence"), "010", "sector", "unknown sector"),
    ("unknown group", _set("010", "group", "men"), "010", "group", "unknown group"),
    ("missing locus", _drop("010", "locus"), "010", "locus", "N, G"),
    ("bad locus_source", _set("010", "locus_source", "guessed"), "010", "locus_source", "assumed"),
    ("code with hash", _set("010", "code", "#010"), "#010", "code", "no '#'"),
    ("code not a string", _set("010", "code", 10), "10", "code", "quoted string"),
    ("empty title", _set("010", "title", " "), "010", "title", "non-empty"),
    ("weights missing a subindex", _header("weights", {"IF": None}), None, "weights", "'SP'"),
    ("negative weight", _header("weights", {"IF": -1, "SP": None}), None, "weights", "non-negative"),
    ("bool weight", _header("weights", {"IF": True, "SP": None}), None, "weights", "non-negative"),
    ("weight for unknown subindex", _header("weights", {"IF": 1, "SP": 1, "XX": 1}), None, "weights",
     "unknown subindex"),
    ("bad edition", _header("edition", "24"), None, "edition", "four-digit"),
    ("bad instrument id", _header("instrument", "osi"), None, "instrument", "upper-case"),
    ("no questions", _header("questions", []), None, "questions", "non-empty"),
    ("subindex without name", _header("subindices", {"IF": {}}), None, "subindices", "name"),
]


@pytest.mark.parametrize(("mutate", "code", "field", "fragment"),
                         [case[1:] for case in BAD_CASES], ids=[case[0] for case in BAD_CASES])
def test_rejects_malformed(tmp_path: Path, mutate: Any, code: str | None, field: str, fragment: str) -> None:
    data = minimal()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    error = caught.value
    assert error.path == path and str(path) in str(error)
    assert error.code == code
    assert error.field == field
    assert fragment in str(error)


def test_rejects_unquoted_code_read_as_octal(tmp_path: Path) -> None:
    # The classic hand-editing slip: unquoted 010 is YAML 1.1 octal, i.e. the integer 8.
    text = yaml.safe_dump(minimal(), sort_keys=False).replace("code: '010'", "code: 010")
    assert "code: 010" in text
    with pytest.raises(InstrumentError, match="quoted string") as caught:
        load_instrument(write(tmp_path, text))
    assert caught.value.code == "8" and caught.value.field == "code"


def test_locus_rejected_when_instrument_declares_no_loci(tmp_path: Path) -> None:
    data = minimal()
    del data["loci"]
    with pytest.raises(InstrumentError, match="declares no loci") as caught:
        load_instrument(write(tmp_path, data))
    assert caught.value.code == "010" and caught.value.field == "locus"


@pytest.mark.parametrize(("text", "fragment"), [
    ("questions: [unclosed", "not valid YAML"),
    ("- just\n- a list\n", "top level must be a mapping"),
    ("", "top level must be a mapping"),
])
def test_rejects_non_instrument_yaml(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InstrumentError, match=fragment) as caught:
        load_instrument(path)
    assert caught.value.path == path


def test_unknown_key_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match=r"unknown instrument 'OSI-1999'.*OSI-2024"):
        load_instrument("OSI-1999")
    with pytest.raises(InstrumentError, match="no such instrument file"):
        load_instrument(tmp_path / "absent.yaml")


def test_available_instruments_scans_the_folder(tmp_path: Path) -> None:
    write(tmp_path, minimal(), "tst-2024.yaml")
    write(tmp_path, minimal(), "tst-2026.yaml")
    write(tmp_path, "not: an instrument", "README.yaml")  # not named <id>-<edition>: ignored
    assert available_instruments(tmp_path) == ["TST-2024", "TST-2026"]
    assert load_instrument("tst-2024", directory=tmp_path).key == "TST-2024"


def test_header_must_match_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, minimal(), "tst-2026.yaml")  # header says 2024
    with pytest.raises(InstrumentError, match="header says 'TST-2024'") as caught:
        load_instrument("TST-2026", directory=tmp_path)
    assert caught.value.field == "instrument"


# --- weights ----------------------------------------------------------------------------------------


def test_weights_override_by_mapping() -> None:
    base = load_instrument("OSI-2024")
    weighted = load_instrument("OSI-2024", weights={"IF": 1, "SP": 2.5})
    assert weighted.weights["IF"] == 1.0 and weighted.weights["SP"] == 2.5
    assert weighted.weights["EP"] is None  # not mentioned: keeps the file's value
    assert base.weights["IF"] is None  # the loaded original is untouched
    assert weighted.question("183") == base.question("183")  # the code index is rebuilt in the copy


@pytest.mark.parametrize("nested", [False, True])
def test_weights_override_by_yaml_file(tmp_path: Path, nested: bool) -> None:
    weights = {"IF": 0.2, "CP": 0.2, "SP": 0.2, "TEC": 0.2, "EP": 0.2, "EGL": 0}
    path = write(tmp_path, {"weights": weights} if nested else weights, "weights.yaml")
    instrument = load_instrument("OSI-2024", weights=path)
    assert dict(instrument.weights) == {k: float(v) for k, v in weights.items()}
    assert load_instrument("OSI-2024", weights=str(path)).weights == instrument.weights


def test_weights_override_is_validated(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="unknown subindex 'PE'") as caught:
        load_instrument("OSI-2024", weights={"PE": 1})  # PE is a LOSI subindex, not OSI
    assert caught.value.field == "weights"
    bad = write(tmp_path, {"IF": "heavy"}, "weights.yaml")
    with pytest.raises(InstrumentError, match="non-negative") as caught:
        load_instrument("OSI-2024", weights=bad)
    assert caught.value.path == bad
    with pytest.raises(InstrumentError, match="mapping"):
        load_instrument("OSI-2024", weights=write(tmp_path, "[1, 2]", "list.yaml"))
