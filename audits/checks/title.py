"""WCAG 2.4.2 Page Titled: a title is present; a generic one ("Untitled", "Home") goes to a human."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import load_data, result
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

RULE, WCAG = "page-title", ("2.4.2",)
DESCRIPTION = "The page has a title that describes its topic or purpose"
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def generic_titles() -> frozenset[str]:
    return frozenset(load_data("generic_titles.yaml"))


def classify_title(title: str) -> tuple[Outcome, str]:
    """Pure decision, shared with callers that only have served HTML."""
    text = " ".join(title.split())
    if not text:
        return Outcome.FAILED, "the page has no title or an empty one"
    normalised = _EDGES.sub("", text.lower())
    if normalised in generic_titles() or not normalised:
        return Outcome.NEEDS_REVIEW, f"the title {text!r} does not name the page's topic"
    return Outcome.PASSED, ""


@dataclass(slots=True)
class PageTitleCheck:
    name: str = "page-title"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        title = await page.evaluate("() => document.title")
        outcome, reason = classify_title(title)
        node = AuditNode(selector="head > title", html=f"<title>{title[:200]}</title>", message=reason)
        return [
            result(
                url,
                RULE,
                outcome,
                WCAG,
                DESCRIPTION,
                nodes=(node,) if outcome is not Outcome.PASSED else (),
                reason=reason,
                impact="serious" if outcome is Outcome.FAILED else None,
            )
        ]
