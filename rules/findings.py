"""What rule modules emit, and what deciders make of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audits.outcome import Outcome

PRESENT = "present"
ABSENT = "absent"
ERROR = "error"  # the rule module failed on this run: the note says why; it answers nothing
# The trail of an "absent" (rules/detectors/concepts.py writes it, the report and the review app read
# it): evidence quoted with this prefix is a page searched (the most likely ones); the rationale says
# "Searched N pages … for M terms: “a”, “b” …".
SEARCHED = "searched: "
_SEARCHED_COUNT = re.compile(r"Searched (\d+) pages")
_TERMS = re.compile(r"“([^”]*)”")


@dataclass(frozen=True, slots=True)
class Evidence:
    url: str
    selector: str = ""
    quote: str = ""
    language: str = ""
    depth: int | None = None  # clicks from the home page: "findable in reasonable time"


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's observation about one survey question on one page (or on the whole site)."""

    rule_id: str
    rule_version: str
    instrument: str
    question: str
    value: str  # PRESENT, ABSENT or a level name from the instrument
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class SuggestedAnswer:
    """One suggested answer per site and question. `outcome` says how sure the machine is:
    passed/failed when it decided, needs_review when a human must look, not_tested when a
    crawler cannot see the feature (the reason says why)."""

    instrument: str
    edition: str
    question: str
    value: str | None
    outcome: Outcome
    confidence: float
    rationale: str
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = field(default=())
    # The detector's own confidence, before calibration (None when it was not calibrated), and the
    # cue it was calibrated as (rules/calibration.py).
    raw_confidence: float | None = None
    cue: str = ""

    @property
    def searched(self) -> tuple[str, ...]:
        """For an "absent": the pages most likely to hold it, all searched (once each, whichever rows
        of the question named them)."""
        return tuple(dict.fromkeys(e.url for e in self.evidence if e.quote.startswith(SEARCHED)))

    @property
    def searched_count(self) -> int:
        """For an "absent": how many pages were searched (0 = not recorded)."""
        found = _SEARCHED_COUNT.search(self.rationale)
        return int(found.group(1)) if found else 0

    @property
    def terms(self) -> tuple[str, ...]:
        """For an "absent": the terms tried, as the rationale lists them."""
        return tuple(_TERMS.findall(self.rationale)) if self.searched_count else ()
