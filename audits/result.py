"""What an accessibility check reports about one page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from audits.outcome import Outcome

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class AuditNode:
    selector: str
    html: str
    message: str = ""
    images: tuple[str, ...] = ()  # data: URIs a reviewer compares (a focus check's crops before and after)


@dataclass(frozen=True, slots=True)
class AuditResult:
    """One rule's outcome on one page.

    `wcag` lists success criteria ("1.4.3"); `is_wcag` is False for best-practice rules, which
    are kept but never counted as WCAG failures.
    """

    page_url: str
    engine: str
    engine_version: str
    rule_id: str
    outcome: Outcome
    wcag: tuple[str, ...] = ()
    is_wcag: bool = True
    impact: str | None = None
    description: str = ""
    help_url: str = ""
    nodes: tuple[AuditNode, ...] = ()
    reason: str = ""

    def fingerprint(self, node: AuditNode | None = None) -> str:
        """Same rule + same element shape = same issue, whichever page it is on."""
        selector = _DIGITS.sub("#", node.selector) if node else ""
        return hashlib.sha1(f"{self.engine}|{self.rule_id}|{selector}".encode()).hexdigest()[:16]
