"""What the reports know beyond the audit results: WCAG criteria names and principles, why a guideline
matters, how to fix our own rules, and how heavily each impact weighs. All of it is data
(`reports/data/*.yaml`) so an editor can improve the wording without touching code."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from audits.checks.page_rules import page_rule

# The weights Lighthouse gives axe-core's impacts; a result without an impact counts as moderate.
IMPACT_WEIGHT = {"critical": 10, "serious": 7, "moderate": 3, "minor": 1}
DEFAULT_WEIGHT = IMPACT_WEIGHT["moderate"]
# --fail-on thresholds, most severe first: failing on "serious" also fails on "critical".
IMPACT_LEVELS = ("critical", "serious", "moderate", "minor")


@cache
def _data(name: str) -> dict[str, Any]:
    return yaml.safe_load(resources.files("reports.data").joinpath(name).read_text(encoding="utf-8")) or {}


def weight(impact: str | None) -> int:
    return IMPACT_WEIGHT.get(impact or "", DEFAULT_WEIGHT)


def criterion(sc: str) -> dict[str, str]:
    """`1.4.3` → {"sc": "1.4.3", "name": "Contrast (Minimum)", "level": "AA", "principle": "Perceivable"}."""
    level, name = _data("wcag.yaml")["criteria"].get(sc, ["", ""])
    return {"sc": sc, "name": name, "level": level, "principle": principle_of(sc)}


def principle_of(sc: str) -> str:
    return str(_data("wcag.yaml")["principles"].get(sc.split(".")[0], "Other"))


def principles() -> list[str]:
    return [str(p) for p in _data("wcag.yaml")["principles"].values()]


def guideline_why(sc: str) -> str:
    guideline = ".".join(sc.split(".")[:2])
    return str(_data("wcag.yaml")["guidelines"].get(guideline, {}).get("why", ""))


def help_for(engine: str, rule_id: str, description: str, wcag: tuple[str, ...] | list[str]) -> dict[str, str]:
    """What is wrong, why it matters and how to fix it. axe-core rules: their own help text (the
    description) and, per node, axe's failure summary; our rules: rule_help.yaml."""
    own = _data("rule_help.yaml").get(rule_id, {}) if engine == "govaudit" else {}
    if engine == "govaudit" and not own and (rule := page_rule(rule_id)):
        # Page rules carry their help in their own metadata file (audits/data/page_rules).
        own = {"what": rule.what, "why": rule.why, "fix": rule.fix}
    why = " ".join(dict.fromkeys(w for w in (guideline_why(sc) for sc in wcag) if w)) or own.get("why", "")
    return {
        # Our descriptions state what a rule checks ("Content reflows…"); a failure needs its own title.
        "title": own.get("title") or description or rule_id,
        "what": own.get("what") or description,
        "why": why or "Best practice: it makes the site easier to use for people with disabilities.",
        "fix": own.get("fix", ""),
    }
