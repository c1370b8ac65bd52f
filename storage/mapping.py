"""A domain dataclass to the columns of its table and back, with each field named once.

The fields a dataclass shares with its table are found by name from the two definitions (a field
whose column is named otherwise says so in `columns`). Values convert by the field's type: an enum
is stored as its text, a tuple as a JSON list, a dict copied; a field whose column holds something
else (a tuple of records as a list of JSON objects) gives its own `load` and `dump` (None: as it is).
"""

from __future__ import annotations

import dataclasses
import enum
import operator
import types
import typing
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from storage.models import Base

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
Convert = Callable[[Any], Any]
_NONE: Mapping[str, Any] = MappingProxyType({})


class Mapper(Generic[T]):
    """Maps one record kind: `values(record)` gives the column values, `build(row)` the record."""

    def __init__(
        self,
        domain: type[T],
        table: type[Base],
        *,
        columns: Mapping[str, str] = _NONE,
        load: Mapping[str, Convert | None] = _NONE,
        dump: Mapping[str, Convert | None] = _NONE,
        skip: Collection[str] = (),
    ) -> None:
        self.domain = domain
        present = set(table.__table__.columns.keys())
        hints = typing.get_type_hints(domain)
        dumps: list[tuple[str, str, Convert | None]] = []  # (attribute read, key written, conversion)
        loads: list[tuple[str, str, Convert | None]] = []
        for field in dataclasses.fields(domain):
            column = columns.get(field.name, field.name)
            if column not in present or field.name in skip:
                continue
            to_field, to_column = _conversions(hints[field.name])
            dumps.append((field.name, column, dump.get(field.name, to_column)))
            loads.append((column, field.name, load.get(field.name, to_field)))
        self._dump, self._load = _Copy(dumps), _Copy(loads)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns this mapper reads, in the dataclass's order (for a select of just those)."""
        return self._load.attributes

    def values(self, record: T) -> dict[str, Any]:
        """The column values of `record`'s mapped fields, by column name."""
        return self._dump(record)

    def fields(self, row: Any) -> dict[str, Any]:
        """The mapped fields read from `row` (an ORM object or a Core row), by field name."""
        return self._load(row)

    def build(self, row: Any, **extra: Any) -> T:
        """The record of `row`; `extra` gives the fields the table does not hold (or overrides)."""
        return self.domain(**{**self.fields(row), **extra})


class _Copy:
    """Attributes of an object to a dict under other keys, converting some: every page of a crawl
    goes through one, so the attributes are read at once (`attrgetter`) and only the values that
    need it are converted."""

    def __init__(self, moves: list[tuple[str, str, Convert | None]]) -> None:
        self.attributes = tuple(attribute for attribute, _, _ in moves)
        self._keys = tuple(key for _, key, _ in moves)
        self._get = operator.attrgetter(*self.attributes)
        self._converts = tuple((i, convert) for i, (_, _, convert) in enumerate(moves) if convert is not None)

    def __call__(self, source: Any) -> dict[str, Any]:
        got = self._get(source)
        values: list[Any] = list(got) if len(self._keys) > 1 else [got]
        for i, convert in self._converts:
            if values[i] is not None:
                values[i] = convert(values[i])
        return dict(zip(self._keys, values, strict=True))


def _plain(kind: Any) -> Any:
    """`X | None` -> X; other types as they are."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return args[0] if len(args) == 1 else kind
    return kind


def _conversions(kind: Any) -> tuple[Convert | None, Convert | None]:
    """(column value -> field value, field value -> column value) for a field of type `kind`."""
    kind = _plain(kind)
    origin = typing.get_origin(kind) or kind
    if origin is tuple:
        return tuple, list  # a JSON list
    if origin is dict:
        return dict, dict  # a JSON object, copied so that neither side shares it
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind, str
    return None, None
