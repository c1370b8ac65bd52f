"""What an accessibility check reports about one page."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from audits.outcome import Outcome

_DIGITS = re.compile(r"\d+")
MEDIA_TYPE = "image/jpeg"
PAGE_VIEW = ""  # the selector of a screenshot of the whole page (its first screen)
# axe-core's impacts, most severe first: the order issues are listed in, and of the `--fail-on` thresholds.
IMPACT_LEVELS = ("critical", "serious", "moderate", "minor")


def impact_rank(impact: str | None) -> int:
    """0 for critical to 3 for minor; a result without an impact (or with one axe does not use) after them."""
    return IMPACT_LEVELS.index(impact) if impact in IMPACT_LEVELS else len(IMPACT_LEVELS)


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


@dataclass(frozen=True, slots=True)
class ElementShot:
    """A JPEG of one element (highlighted, with a margin of its surroundings) or, with selector
    PAGE_VIEW, of the page's first screen, scaled down."""

    page_url: str
    selector: str
    image: bytes
    width: int
    height: int
    media_type: str = MEDIA_TYPE

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.image).decode()}"
