"""Report records to JSON and back: one writer for report.json (and the dashboard), one reader for
a stored report.json (`show`, baselines, `eval`), which says where a malformed file goes wrong."""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from reports.types import EMPTY_AS, OMIT_EMPTY, Report

T = TypeVar("T")


class MalformedReport(ValueError):
    """A file that is not a govaudit report.json of this schema."""


def to_plain(value: object) -> object:
    """A record (and everything in it) as JSON-ready dicts, lists and scalars, keys in field order."""
    if is_dataclass(value) and not isinstance(value, type):
        override = getattr(value, "plain_override", None)
        if override is not None and (shape := override()) is not None:
            return to_plain(shape)
        out: dict[str, object] = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if item is None and EMPTY_AS in f.metadata:
                item = f.metadata[EMPTY_AS]
            elif not item and f.metadata.get(OMIT_EMPTY):
                continue
            out[f.name] = to_plain(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value


def to_object(record: object) -> dict[str, object]:
    """A record as a JSON object (to_plain of a dataclass instance)."""
    plain = to_plain(record)
    if not isinstance(plain, dict):
        raise TypeError(f"{type(record).__name__} is not a record")
    return plain


def to_json(value: object, *, indent: int | None = 2) -> str:
    """report.json's text: indented, non-ASCII kept, one final newline."""
    return json.dumps(to_plain(value), indent=indent, ensure_ascii=False) + "\n"


def from_plain(cls: type[T], data: object) -> T:
    """A record of type `cls` from parsed JSON; MalformedReport names the first key that is missing
    or of the wrong type (`$.accessibility.issues[3].pages`)."""
    value: T = _read(cls, data, "$")
    return value


def read_report(path: Path, role: str = "") -> Report:
    """A stored report.json as a Report; MalformedReport when it cannot be read as one. `role`
    names the file in the message ("baseline")."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MalformedReport(f"cannot read {role + ' ' if role else ''}{path}: {exc}") from None
    except RecursionError:
        raise MalformedReport(f"{path} is not a govaudit report.json (JSON nested too deeply)") from None
    try:
        return from_plain(Report, data)
    except MalformedReport as exc:
        raise MalformedReport(f"{path} is not a govaudit report.json ({exc})") from None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _read(tp: Any, data: object, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return _read_union(get_args(tp), data, where)
    if isinstance(tp, type) and is_dataclass(tp):
        return _read_record(tp, data, where)
    if origin is tuple:
        item = get_args(tp)[0]
        return tuple(_read(item, v, f"{where}[{n}]") for n, v in enumerate(_expect(list, data, where)))
    if origin is Mapping:
        item = get_args(tp)[1]
        return {str(k): _read(item, v, f"{where}.{k}") for k, v in _expect(dict, data, where).items()}
    if tp is object:
        return data
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if tp is int and isinstance(data, bool):
        raise MalformedReport(f"{where}: expected int, found bool")
    return _expect(tp, data, where)


def _read_union(options: tuple[Any, ...], data: object, where: str) -> Any:
    if data is None and type(None) in options:
        return None
    (option,) = [o for o in options if o is not type(None)]
    return _read(option, data, where)


def _read_record(cls: type, data: object, where: str) -> Any:
    obj = _expect(dict, data, where)
    hints = _hints(cls)
    values: dict[str, object] = {}
    for f in fields(cls):
        if f.name not in obj:
            if f.default is MISSING:
                raise MalformedReport(f"{where}.{f.name} is missing")
            continue
        raw = obj[f.name]
        if EMPTY_AS in f.metadata and raw == f.metadata[EMPTY_AS]:
            values[f.name] = None
            continue
        values[f.name] = _read(hints[f.name], raw, f"{where}.{f.name}")
    return cls(**values)


def _expect(tp: type[T], data: object, where: str) -> T:
    if not isinstance(data, tp):
        raise MalformedReport(f"{where}: expected {tp.__name__}, found {type(data).__name__}")
    return data
