"""One W3C ACT test case as the manifest lists it, and the axe tags an ACT run adds.

Shared by the scoring (`audits.act`) and the browser run (`audits.act_runner`), so neither imports the other
for its types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What the ACT run adds to the production axe tags: axe rules mapped to ACT rules that are AAA,
# best-practice or experimental. Adding tags only adds rules (axe rules are independent), so the A/AA
# rules give exactly the production outcomes. The table marks the rules outside production.
ACT_EXTRA_TAGS = ("wcag2aaa", "experimental", "best-practice")


@dataclass(frozen=True, slots=True)
class TestCase:
    rule_id: str
    rule_name: str
    testcase_id: str
    expected: str  # passed / failed / inapplicable
    url_path: str
    media_type: str
    axe_rule_ids: tuple[str, ...]
    axe_consistency: str | None
    axe_outcomes: tuple[str, ...]  # what axe-core 4.10.2 reported (W3C report), () if not at all

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> TestCase:
        return cls(
            rule_id=row["rule_id"],
            rule_name=row["rule_name"],
            testcase_id=row["testcase_id"],
            expected=row["expected"],
            url_path=row["url_path"],
            media_type=row["media_type"],
            axe_rule_ids=tuple(row.get("axe_rule_ids") or ()),
            axe_consistency=row.get("axe_consistency"),
            axe_outcomes=tuple(row.get("axe_reported_outcomes") or ()),
        )
