"""Load and validate instrument files (``<id>-<edition>.yaml`` in this folder).

Validation is strict on purpose: these files are edited by hand from UN material, and a typo (an
unquoted code that YAML reads as an octal number, a misspelt key that is then silently ignored, a
graded question without its levels) would otherwise surface much later as a wrong suggested answer.
Every error names the file, and the question code and field when there is one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from crawler.yaml_data import load_yaml
from rules.instruments.schema import (
    ANSWER_TYPES,
    BINARY,
    GRADED,
    LOCUS_SOURCES,
    Instrument,
    InstrumentError,
    Question,
    Subindex,
)

INSTRUMENTS_DIR = Path(__file__).resolve().parent

HEADER_REQUIRED = ("instrument", "edition", "title", "source", "subindices", "weights", "questions")
HEADER_OPTIONAL = ("notes", "sectors", "groups", "loci", "answer_rules")
QUESTION_REQUIRED = ("code", "title", "subindex", "answer", "crawlable")
QUESTION_OPTIONAL = (
    "levels",
    "also_in",
    "locus",
    "locus_source",
    "sector",
    "group",
    "not_crawlable_reason",
    "note",
)
SUBINDEX_KEYS = ("name", "counted_under")

# Published codes: 2–3 digits and an optional letter ("003", "095a", "09a" — the last is published
# with two digits and is kept that way rather than "corrected").
CODE_RE = re.compile(r"^[0-9]{2,3}[a-z]?$")
ID_RE = re.compile(r"^[A-Z][A-Z0-9]*$")
EDITION_RE = re.compile(r"^[0-9]{4}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")  # sector and group identifiers

WeightsOverride = Mapping[str, float | int | None] | str | Path


def available_instruments(directory: Path | str = INSTRUMENTS_DIR) -> list[str]:
    """Keys ("LOSI-2024", "OSI-2024", …) of the instrument files in the folder, sorted.

    Derived from the file names so that listing is cheap; load_instrument checks that the header
    agrees with the name.
    """
    keys = []
    for path in sorted(Path(directory).glob("*.yaml")):
        stem = path.stem.upper()
        ident, sep, edition = stem.rpartition("-")
        if sep and ID_RE.match(ident) and EDITION_RE.match(edition):
            keys.append(stem)
    return sorted(keys)


def load_instrument(
    key_or_path: str | Path,
    *,
    weights: WeightsOverride | None = None,
    directory: Path | str = INSTRUMENTS_DIR,
) -> Instrument:
    """Load an instrument by key ("OSI-2024", case-insensitive) or by path to a YAML file.

    ``weights`` overrides the subindex weights (the UN does not publish them): a mapping of subindex
    code to weight, or the path to a YAML file holding that mapping (optionally under ``weights:``).
    Subindices not mentioned keep the file's value.
    """
    path = _resolve(key_or_path, Path(directory))
    instrument = _shipped(path) if path.parent == INSTRUMENTS_DIR else _parse(path, _read_yaml(path))
    if (
        not isinstance(key_or_path, Path)
        and not _looks_like_path(key_or_path)
        and instrument.key.upper() != key_or_path.upper()
    ):
        raise InstrumentError(
            path,
            f"header says {instrument.key!r} but the file is named for {key_or_path!r}",
            field="instrument",
        )
    if weights is not None:
        instrument = with_weights(instrument, weights)
    return instrument


def with_weights(instrument: Instrument, weights: WeightsOverride) -> Instrument:
    """A copy of the instrument with some or all subindex weights replaced."""
    source: Path | None = instrument.path
    if isinstance(weights, str | Path):
        source = Path(weights)
        data = _read_yaml(source)
        if isinstance(data, Mapping) and set(data) == {"weights"}:
            data = data["weights"]
        weights = data  # validated below, like any other mapping
    if not isinstance(weights, Mapping):
        raise InstrumentError(
            source, "weights override must be a mapping of subindex to weight", field="weights"
        )
    override = _weights(source, weights, instrument.subindices, require_all=False)
    merged = {**instrument.weights, **override}
    # replace() re-runs __post_init__, so the code index is rebuilt for the copy.
    return replace(instrument, weights=MappingProxyType(merged))


def _looks_like_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value


def _resolve(key_or_path: str | Path, directory: Path) -> Path:
    if isinstance(key_or_path, Path) or _looks_like_path(key_or_path):
        path = Path(key_or_path)
        if not path.is_file():
            raise InstrumentError(path, "no such instrument file")
        return path
    path = directory / f"{key_or_path.lower()}.yaml"
    if not path.is_file():
        known = ", ".join(available_instruments(directory)) or "none"
        raise InstrumentError(path, f"unknown instrument {key_or_path!r} (available: {known})")
    return path


@cache
def _shipped(path: Path) -> Instrument:
    """A file of this folder, parsed once per process: they do not change while it runs, and a
    run reads its instruments more than once (its answers, then its report's titles). An
    Instrument is frozen throughout, so every caller can share it. Files given by path (a user's,
    a test's) are read each time: they may be rewritten."""
    return _parse(path, _read_yaml(path))


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return load_yaml(fh)
    except OSError as exc:
        raise InstrumentError(path, f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InstrumentError(path, f"not valid YAML: {exc}") from exc


# --- parsing ---------------------------------------------------------------------------------------


def _parse(path: Path, data: Any) -> Instrument:
    if not isinstance(data, Mapping):
        raise InstrumentError(path, "top level must be a mapping (instrument header)")
    _check_keys(path, data, HEADER_REQUIRED, HEADER_OPTIONAL, code=None)

    ident = data["instrument"]
    if not isinstance(ident, str) or not ID_RE.match(ident):
        raise InstrumentError(
            path, f"must be an upper-case identifier like 'OSI', got {ident!r}", field="instrument"
        )
    # An unquoted 2024 is read by YAML as an int; accept it, since it cannot be misread.
    edition = str(data["edition"]) if isinstance(data["edition"], int | str) else None
    if edition is None or isinstance(data["edition"], bool) or not EDITION_RE.match(edition):
        raise InstrumentError(path, f"must be a four-digit year, got {data['edition']!r}", field="edition")
    title = _text(path, data["title"], "title")
    source = _text(path, data["source"], "source")

    subindices = _subindices(path, data["subindices"])
    weights = _weights(path, data["weights"], subindices, require_all=True)
    sectors = _names(path, data.get("sectors", []), "sectors")
    groups = _names(path, data.get("groups", []), "groups")
    loci = _loci(path, data.get("loci", {}))
    notes = _notes(path, data.get("notes", []))
    answer_rules = _answer_rules(path, data.get("answer_rules", {}))

    raw_questions = data["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise InstrumentError(path, "must be a non-empty list", field="questions")
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_questions):
        question = _question(path, index, raw, subindices, sectors, groups, loci)
        if question.code in seen:
            raise InstrumentError(
                path,
                "duplicate code: represent a code once and list its other subindices in also_in",
                code=question.code,
                field="code",
            )
        seen.add(question.code)
        questions.append(question)

    return Instrument(
        id=ident,
        edition=edition,
        title=title,
        source=source,
        subindices=MappingProxyType(subindices),
        weights=MappingProxyType(weights),
        questions=tuple(questions),
        sectors=sectors,
        groups=groups,
        loci=MappingProxyType(loci),
        notes=notes,
        answer_rules=MappingProxyType(answer_rules),
        path=path,
    )


def _check_keys(
    path: Path,
    data: Mapping[Any, Any],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    *,
    code: str | None,
) -> None:
    unknown = [k for k in data if k not in required and k not in optional]
    if unknown:
        raise InstrumentError(
            path, f"unknown key (allowed: {', '.join(required + optional)})", code=code, field=str(unknown[0])
        )
    for key in required:
        if key not in data:
            raise InstrumentError(path, "missing required key", code=code, field=key)


def _text(path: Path, value: Any, name: str, code: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(path, f"must be a non-empty string, got {value!r}", code=code, field=name)
    return value.strip()


def _subindices(path: Path, raw: Any) -> dict[str, Subindex]:
    if not isinstance(raw, Mapping) or not raw:
        raise InstrumentError(path, "must be a non-empty mapping of code to {name: …}", field="subindices")
    result: dict[str, Subindex] = {}
    for code, spec in raw.items():
        if not isinstance(code, str) or not ID_RE.match(code):
            raise InstrumentError(path, f"subindex code must be upper-case, got {code!r}", field="subindices")
        if not isinstance(spec, Mapping):
            raise InstrumentError(path, f"subindex {code} must be a mapping with a name", field="subindices")
        unknown = [k for k in spec if k not in SUBINDEX_KEYS]
        if unknown or "name" not in spec:
            raise InstrumentError(
                path, f"subindex {code}: keys are name (required) and counted_under", field="subindices"
            )
        counted = spec.get("counted_under")
        if counted is not None and (not isinstance(counted, str) or not ID_RE.match(counted)):
            raise InstrumentError(
                path, f"subindex {code}: counted_under must be an index code", field="subindices"
            )
        name = _text(path, spec["name"], "subindices")
        result[code] = Subindex(code=code, name=name, counted_under=counted)
    return result


def _weights(
    path: Path | None, raw: Any, subindices: Mapping[str, Subindex], *, require_all: bool
) -> dict[str, float | None]:
    if not isinstance(raw, Mapping):
        raise InstrumentError(path, "must be a mapping of subindex to weight (or null)", field="weights")
    unknown = [k for k in raw if k not in subindices]
    if unknown:
        raise InstrumentError(
            path, f"unknown subindex {unknown[0]!r} (known: {', '.join(subindices)})", field="weights"
        )
    if require_all:
        missing = [k for k in subindices if k not in raw]
        if missing:
            # Every subindex must be listed, even as null, so "not published" is explicit.
            raise InstrumentError(path, f"no weight (or null) for subindex {missing[0]!r}", field="weights")
    result: dict[str, float | None] = {}
    for key, value in raw.items():
        if value is None:
            result[key] = None
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise InstrumentError(
                path, f"weight of {key} must be a non-negative number or null, got {value!r}", field="weights"
            )
        result[key] = float(value)
    return result


def _names(path: Path, raw: Any, name: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and NAME_RE.match(v) for v in raw):
        raise InstrumentError(path, "must be a list of lower_case identifiers", field=name)
    if len(set(raw)) != len(raw):
        raise InstrumentError(path, "duplicate entry", field=name)
    return tuple(raw)


def _loci(path: Path, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        raise InstrumentError(path, "must be a mapping of locus code to description", field="loci")
    return dict(raw)


def _answer_rules(path: Path, raw: Any) -> dict[str, str]:
    """What counts as each kind of answer (binary, graded): shown to assessors beside each question."""
    if not isinstance(raw, Mapping) or not all(k in (BINARY, GRADED) and isinstance(v, str) for k, v in raw.items()):
        raise InstrumentError(path, f"must map {BINARY} and/or {GRADED} to a description", field="answer_rules")
    return {k: " ".join(v.split()) for k, v in raw.items()}


def _notes(path: Path, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(n, str) and n.strip() for n in raw):
        raise InstrumentError(path, "must be a string or a list of strings", field="notes")
    return tuple(n.strip() for n in raw)


def _question(
    path: Path,
    index: int,
    raw: Any,
    subindices: Mapping[str, Subindex],
    sectors: tuple[str, ...],
    groups: tuple[str, ...],
    loci: Mapping[str, str],
) -> Question:
    """One question of the file, each field checked in the order the file lists them."""
    code = _question_code(path, index, raw)
    _check_keys(path, raw, QUESTION_REQUIRED, QUESTION_OPTIONAL, code=code)
    title = _text(path, raw["title"], "title", code)
    subindex, also_in = _question_subindices(path, raw, code, subindices)
    answer, levels = _question_answer(path, raw, code)
    locus, locus_source = _question_locus(path, raw, code, loci)
    sector, group = _question_place(path, raw, code, sectors, groups)
    crawlable, reason = _question_crawlable(path, raw, code)
    note = raw.get("note")
    if note is not None:
        note = _text(path, note, "note", code)
    return Question(
        code=code,
        title=title,
        subindex=subindex,
        answer=answer,
        levels=tuple(levels or ()),
        also_in=tuple(also_in),
        locus=locus,
        locus_source=locus_source,
        sector=sector,
        group=group,
        crawlable=crawlable,
        not_crawlable_reason=reason,
        note=note,
    )


def _question_code(path: Path, index: int, raw: Any) -> str:
    if not isinstance(raw, Mapping):
        raise InstrumentError(path, f"questions[{index}] must be a mapping", field="questions")
    code = raw.get("code")
    if not isinstance(code, str):
        # Typically an unquoted 010 (read as octal 8) or 003 (read as 3): the code would be wrong.
        raise InstrumentError(
            path,
            f"questions[{index}]: code must be a quoted string, got {code!r}",
            code=None if code is None else str(code),
            field="code",
        )
    if not CODE_RE.match(code):
        raise InstrumentError(path, "code must look like '003', '095a' or '09a' (no '#')", code=code, field="code")
    return code


def _question_subindices(
    path: Path, raw: Mapping[str, Any], code: str, subindices: Mapping[str, Subindex]
) -> tuple[str, list[str]]:
    """The question's subindex, and the other subindices it also counts in."""
    subindex = raw["subindex"]
    if subindex not in subindices:
        raise InstrumentError(
            path, f"unknown subindex {subindex!r} (known: {', '.join(subindices)})", code=code, field="subindex"
        )
    also_in = raw.get("also_in", [])
    if (
        not isinstance(also_in, list)
        or any(s not in subindices for s in also_in)
        or subindex in also_in
        or len(set(also_in)) != len(also_in)
    ):
        raise InstrumentError(
            path,
            f"must list other known subindices, once each, not the primary {subindex!r}; got {also_in!r}",
            code=code,
            field="also_in",
        )
    return subindex, also_in


def _question_answer(path: Path, raw: Mapping[str, Any], code: str) -> tuple[str, list[str] | None]:
    """The kind of answer, and a graded question's levels (lowest first)."""
    answer = raw["answer"]
    if answer not in ANSWER_TYPES:
        raise InstrumentError(
            path, f"must be one of {', '.join(ANSWER_TYPES)}, got {answer!r}", code=code, field="answer"
        )
    levels = raw.get("levels")
    if answer == GRADED:
        if (
            not isinstance(levels, list)
            or len(levels) < 2
            or not all(isinstance(v, str) and NAME_RE.match(v) for v in levels)
            or len(set(levels)) != len(levels)
        ):
            raise InstrumentError(
                path,
                "a graded question needs levels: a list of at least two distinct lower_case names, lowest first",
                code=code,
                field="levels",
            )
    elif levels is not None:
        raise InstrumentError(
            path, f"levels are only for graded questions (answer is {BINARY})", code=code, field="levels"
        )
    return answer, levels


def _question_locus(
    path: Path, raw: Mapping[str, Any], code: str, loci: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """Where the feature has to be found, and the source that says so: required when the instrument
    declares loci (OSI), refused when it does not."""
    locus = raw.get("locus")
    locus_source = raw.get("locus_source")
    if loci:
        if locus not in loci:
            raise InstrumentError(path, f"must be one of {', '.join(loci)}, got {locus!r}", code=code, field="locus")
        if locus_source not in LOCUS_SOURCES:
            raise InstrumentError(
                path,
                f"must be one of {', '.join(LOCUS_SOURCES)}, got {locus_source!r}",
                code=code,
                field="locus_source",
            )
    elif locus is not None or locus_source is not None:
        raise InstrumentError(path, "this instrument declares no loci", code=code, field="locus")
    return locus, locus_source


def _question_place(
    path: Path, raw: Mapping[str, Any], code: str, sectors: tuple[str, ...], groups: tuple[str, ...]
) -> tuple[str | None, str | None]:
    """The question's sector and group, each one the instrument declares (or none)."""
    sector = raw.get("sector")
    if sector is not None and sector not in sectors:
        raise InstrumentError(
            path, f"unknown sector {sector!r} (known: {', '.join(sectors) or 'none'})", code=code, field="sector"
        )
    group = raw.get("group")
    if group is not None and group not in groups:
        raise InstrumentError(
            path, f"unknown group {group!r} (known: {', '.join(groups) or 'none'})", code=code, field="group"
        )
    return sector, group


def _question_crawlable(path: Path, raw: Mapping[str, Any], code: str) -> tuple[bool, str | None]:
    """Whether a crawl can answer the question, and, when it cannot, why."""
    crawlable = raw["crawlable"]
    if not isinstance(crawlable, bool):
        raise InstrumentError(path, f"must be true or false, got {crawlable!r}", code=code, field="crawlable")
    reason = raw.get("not_crawlable_reason")
    if not crawlable:
        reason = _text(path, reason, "not_crawlable_reason", code)
    elif reason is not None:
        raise InstrumentError(path, "given for a crawlable question", code=code, field="not_crawlable_reason")
    return crawlable, reason
