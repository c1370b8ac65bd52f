"""Accessibility statement (site level): the statement states a date and a conformance level.

EU Directive 2016/2102 and the model statement (Implementing Decision 2018/1523) require both:
the conformance status (fully / partially / not conformant with a named standard) and the date
the statement was prepared or last reviewed. Pure function on the statement's text; finding the
statement page is the sampler's and the crawler's job."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from audits.checks.common import ENGINE, ENGINE_VERSION, load_data, primary_language
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

RULE = "accessibility-statement"
DESCRIPTION = "The accessibility statement states a conformance level and a date"
# Numeric dates: 2024-03-12, 12/03/2024, 12.03.2024, 3/12/24. Years 1990–2099 only: version
# numbers and phone numbers should not read as dates.
_NUMERIC_DATES = (
    r"\b(?:19[9]\d|20\d\d)-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])\b",
    r"\b(?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2])[/.](?:19[9]\d|20\d\d|\d\d)\b",
    r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19[9]\d|20\d\d)\b",
)


@dataclass(frozen=True, slots=True)
class StatementFacts:
    level: str  # "full", "partial", "none" or "" when not stated
    level_phrase: str
    standard: str
    date: str


@cache
def _phrases() -> dict[str, Any]:
    loaded: dict[str, Any] = load_data("statement_phrases.yaml")
    return loaded


def _languages(language: str) -> list[str]:
    """The statement's language first, then English (statements often quote the English model)."""
    first = primary_language(language)
    return [lang for lang in dict.fromkeys([first, "en"]) if lang in _phrases()]


def read_statement(text: str, language: str) -> StatementFacts:
    lowered = " ".join(text.lower().split())
    level = phrase = standard = date = ""
    for lang in _languages(language):
        data = _phrases()[lang]
        if not level:
            # Most specific first: "partially conformant" contains "conformant", "non conforme" "conforme".
            for name in ("partial", "none", "full"):
                found = next((p for p in data["levels"][name] if p in lowered), "")
                if found:
                    level, phrase = name, found
                    break
        if not standard:
            for pattern in data["standards"]:
                if m := re.search(pattern, lowered):
                    standard = m.group(0)
                    break
        if not date:
            months = "|".join(sorted(map(re.escape, data["months"]), key=len, reverse=True))
            worded = (
                rf"\b(?:\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:de\s+)?)?(?:{months})\.?\s+(?:de\s+)?(?:19[9]\d|20\d\d)\b"
                rf"|\b(?:{months})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19[9]\d|20\d\d)\b"
            )
            for pattern in (*_NUMERIC_DATES, worded):
                if m := re.search(pattern, lowered):
                    date = m.group(0)
                    break
    return StatementFacts(level=level, level_phrase=phrase, standard=standard, date=date)


def check_statement(text: str, language: str, url: str) -> AuditResult:
    """passed when a conformance level and a date are both stated, failed otherwise (the node's
    message says what was found). Not a WCAG criterion: `is_wcag` is False, `wcag` empty."""
    facts = read_statement(text, language)
    found = []
    if facts.level:
        found.append(f"conformance: {facts.level} ({facts.level_phrase!r})")
    if facts.standard:
        found.append(f"standard: {facts.standard!r}")
    if facts.date:
        found.append(f"date: {facts.date!r}")
    missing = [what for what, ok in (("a conformance level", facts.level), ("a date", facts.date)) if not ok]
    outcome = Outcome.PASSED if not missing else Outcome.FAILED
    reason = "" if not missing else "the statement does not state " + " or ".join(missing)
    if not text.strip():
        reason = "the statement page has no text"
    return AuditResult(
        page_url=url,
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        rule_id=RULE,
        outcome=outcome,
        wcag=(),
        is_wcag=False,
        impact="moderate" if missing else None,
        description=DESCRIPTION,
        nodes=(AuditNode(selector="body", html="", message="; ".join(found) or "nothing found"),),
        reason=reason,
    )
