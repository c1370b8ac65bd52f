"""Typed, immutable view of a survey instrument (OSI, LOSI …) loaded from YAML.

The YAML files are the source of truth; these classes only give the rest of govaudit a typed,
read-only handle on them. Everything is frozen (tuples and read-only mappings) because an instrument
edition is published once and must not drift while a run uses it: a changed value would silently
change every suggested answer built on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

BINARY = "binary"
GRADED = "graded"
ANSWER_TYPES = (BINARY, GRADED)

# Whether a question's locus comes from the published material or is our own reading of it (to be
# corrected when the UN's wording becomes available).
LOCUS_SOURCES = ("published", "assumed")


class InstrumentError(ValueError):
    """A malformed instrument file. Names the file, and the question code and field when known."""

    def __init__(
        self, path: Path | str | None, message: str, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.code = code
        self.field = field
        self.reason = message
        where = [str(self.path) if self.path is not None else "<instrument>"]
        if code is not None:
            where.append(f"question {code!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{': '.join(where)}: {message}")


@dataclass(frozen=True, slots=True)
class Subindex:
    code: str  # "IF", "CP", …
    name: str
    # Where the Survey counts it when not in the instrument's own index (OSI 2024: EGL → HCI).
    counted_under: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    code: str  # as published, always a string: "003", "095a", "09a"
    title: str
    subindex: str  # primary subindex (the first list the reference names it in)
    answer: str = BINARY  # BINARY or GRADED
    levels: tuple[str, ...] = ()  # ordered lowest → highest; empty for binary questions
    also_in: tuple[str, ...] = ()  # other subindices the same code is published under
    locus: str | None = None  # "N" national portal / "G" any government site; None where not used
    locus_source: str | None = None  # "published" or "assumed"
    sector: str | None = None
    group: str | None = None  # vulnerable group for the groups series
    crawlable: bool = True
    not_crawlable_reason: str | None = None
    note: str | None = None

    @property
    def graded(self) -> bool:
        return self.answer == GRADED

    @property
    def subindices(self) -> tuple[str, ...]:
        """Every subindex this question counts in, primary first."""
        return (self.subindex, *self.also_in)


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str  # "OSI", "LOSI"
    edition: str  # "2024"
    title: str
    source: str
    subindices: Mapping[str, Subindex]
    # None = not published by the UN; callers must supply a value (override) or treat as unknown.
    weights: Mapping[str, float | None]
    questions: tuple[Question, ...]
    sectors: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    loci: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()
    # What counts as an answer of each kind ("binary": what "present" means …), as the Survey's method says.
    answer_rules: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None
    _by_code: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Index once so question(code) is O(1); a frozen dataclass needs object.__setattr__.
        object.__setattr__(self, "_by_code", MappingProxyType({q.code: q for q in self.questions}))

    @property
    def key(self) -> str:
        """Stable identifier used in findings and storage, e.g. "OSI-2024"."""
        return f"{self.id}-{self.edition}"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.questions)

    def question(self, code: str) -> Question:
        """The question with this published code; a leading "#" is tolerated."""
        try:
            return self._by_code[code.removeprefix("#")]
        except KeyError:
            raise KeyError(f"{self.key} has no question {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.removeprefix("#") in self._by_code

    def questions_in(self, subindex: str, *, include_also: bool = True) -> tuple[Question, ...]:
        """Questions of a subindex; with include_also, those listed there as a second home too."""
        if subindex not in self.subindices:
            raise KeyError(f"{self.key} has no subindex {subindex!r}")
        if include_also:
            return tuple(q for q in self.questions if subindex in q.subindices)
        return tuple(q for q in self.questions if q.subindex == subindex)
