"""What the reports know beyond the audit results: WCAG criteria names and principles, why a guideline
matters, how to fix our own rules, and how heavily each impact weighs. All of it is data
(`reports/data/*.yaml`) so an editor can improve the wording without touching code."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from audits.checks.page_rules import page_rule
from crawler.yaml_data import load_yaml

# The weights Lighthouse gives axe-core's impacts; a result without an impact counts as moderate.
IMPACT_WEIGHT = {"critical": 10, "serious": 7, "moderate": 3, "minor": 1}
DEFAULT_WEIGHT = IMPACT_WEIGHT["moderate"]


@cache
def _data(name: str) -> dict[str, Any]:
    return load_yaml(resources.files("reports.data").joinpath(name).read_text(encoding="utf-8")) or {}


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


def help_for(
    engine: str,
    rule_id: str,
    description: str,
    wcag: tuple[str, ...] | list[str],
    messages: Iterable[str] = (),
) -> dict[str, str]:
    """What is wrong, why it matters and how to fix it. axe-core rules: their own help text (the
    description) and what axe's checks said of the elements (their failure summaries); our rules:
    rule_help.yaml. Never empty: a rule nobody wrote help for gets its description as the goal."""
    own = _data("rule_help.yaml").get(rule_id, {}) if engine == "govaudit" else {}
    if engine == "govaudit" and not own and (rule := page_rule(rule_id)):
        # Page rules carry their help in their own metadata file (audits/data/page_rules).
        own = {"what": rule.what, "why": rule.why, "fix": rule.fix}
    why = " ".join(dict.fromkeys(w for w in (guideline_why(sc) for sc in wcag) if w)) or own.get("why", "")
    what = own.get("what") or description or rule_id
    fix = own.get("fix") or check_messages(messages) or f"Change the elements listed so that this holds: {what}"
    return {
        # Our descriptions state what a rule checks ("Content reflows…"); a failure needs its own title.
        "title": own.get("title") or description or rule_id,
        "what": what,
        "why": why or "Best practice: it makes the site easier to use for people with disabilities.",
        "fix": fix,
    }


def check_messages(messages: Iterable[str]) -> str:
    """axe's failure summaries ("Fix any of the following:\n  Element has no alt attribute\n  …") of
    several elements as one text: each heading once, with the distinct check messages under it."""
    groups: dict[str, dict[str, None]] = {}
    heading = ""
    for message in messages:
        for line in (raw.strip() for raw in message.splitlines()):
            if not line:
                continue
            if line.lower().startswith("fix ") and line.endswith(":"):
                heading = line
                groups.setdefault(heading, {})
            else:
                groups.setdefault(heading, {})[line.rstrip(".")] = None
        heading = ""
    return " ".join(
        f"{heading} {'; '.join(lines)}." if heading else f"{'; '.join(lines)}."
        for heading, lines in groups.items()
        if lines
    )
