"""Parse the survey-instruments reference (markdown) into the codes it lists, per subindex.

The tests compare the YAML against this parse, so the parser follows the reference's own notation:
"#304–#309" is a numeric range and "#095a … #177a" repeats, with the letter, the run of codes already
listed in that section from #095 to #177 (the reference writes the sector series once in full first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# tests/instruments/reference.py → parents[2] is the repo root; the shared folder sits beside it.
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "survey-instruments.md"

CODE_RE = re.compile(r"#(\d{2,3})([a-z]?)(?![\w])")
SUBINDEX_IN_HEADING = re.compile(r"\(([A-Z]+)[,)]")
LOSI_BULLET = re.compile(r"^- \*\*([A-Z]+) \((\d+)\)\*\*:")
RANGE_SEPARATORS = {"–", "-", "—"}
ELLIPSIS_SEPARATORS = {"…", "..."}


@dataclass
class Section:
    subindex: str
    codes: list[str] = field(default_factory=list)  # in order, with repeats as written
    stated_count: int | None = None  # LOSI bullets state "(n)"


def expand_codes(text: str) -> list[str]:
    """All codes in a piece of reference text, with ranges and "…" sequences expanded."""
    codes: list[str] = []
    previous_end = None
    for match in CODE_RE.finditer(text):
        number, letter = match.group(1), match.group(2)
        code = number + letter
        between = text[previous_end:match.start()].strip() if previous_end is not None else ""
        if codes and between in RANGE_SEPARATORS:
            start = int(codes[-1].rstrip("abcdefghijklmnopqrstuvwxyz"))
            width = len(number)
            codes.extend(f"{n:0{width}d}{letter}" for n in range(start + 1, int(number)))
        elif codes and between in ELLIPSIS_SEPARATORS:
            codes.extend(_ellipsis(codes, codes[-1], code))
        codes.append(code)
        previous_end = match.end()
    return codes


def _ellipsis(seen: list[str], first: str, last: str) -> list[str]:
    """For "#095a … #177a": the bases from 095 to 177 as already listed, each with the letter."""
    letter = first[-1]
    if not (first[-1].isalpha() and last[-1] == letter):
        raise ValueError(f"cannot expand #{first} … #{last}")
    base_first, base_last = first[:-1], last[:-1]
    try:
        start = seen.index(base_first)
        end = seen.index(base_last, start)
    except ValueError:
        raise ValueError(f"#{first} … #{last}: the base series is not listed before it") from None
    # The first code is already in `seen` and the caller appends the last: return the ones between.
    return [base + letter for base in seen[start + 1:end]]


def parse_reference(path: Path = REFERENCE) -> dict[str, list[Section]]:
    """{"OSI": [Section, …], "LOSI": [Section, …]} in the order the reference lists them."""
    result: dict[str, list[Section]] = {"OSI": [], "LOSI": []}
    instrument: str | None = None
    current: Section | None = None
    buffer: list[str] = []

    def flush() -> None:
        if current is not None and instrument is not None:
            current.codes.extend(expand_codes(" ".join(buffer)))
            result[instrument].append(current)

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            flush()
            current, buffer = None, []
            heading = line.removeprefix("## ").split()
            instrument = heading[0] if heading and heading[0] in result else None
            continue
        if instrument == "OSI" and line.startswith("### "):
            flush()
            found = SUBINDEX_IN_HEADING.search(line)
            assert found, f"no subindex code in heading {line!r}"
            current, buffer = Section(found.group(1)), []
            continue
        if instrument == "LOSI" and line.startswith("- "):
            flush()
            found = LOSI_BULLET.match(line)
            assert found, f"unexpected LOSI bullet {line!r}"
            current, buffer = Section(found.group(1), stated_count=int(found.group(2))), []
            buffer.append(line[found.end():])
            continue
        if current is not None:
            buffer.append(line)
    flush()
    return result
