"""Cross-page de-duplication: the same problem in a shared header on 500 pages is one issue with
500 occurrences, not 500 issues.

An issue's fingerprint is engine + rule + outcome + normalised selector + snippet shape. The
selector loses what varies between pages rendered from one template (nth-child indices, ids and
classes carrying numbers or build hashes, attribute values); the snippet keeps only its tag and
sorted attribute names (text and values vary, the element's shape does not)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

_POSITIONAL = re.compile(r":(?:nth-child|nth-of-type|nth-last-child|nth-last-of-type|eq)\([^)]*\)")
_ATTRIBUTE_VALUE = re.compile(r"\[\s*([^\]=~|^$*\s]+)\s*[~|^$*]?=\s*(?:\"[^\"]*\"|'[^']*'|[^\]]*)\]")
# An id or class with a digit (post-4711, css-1x2y3z, sc-a1b2c, a build hash) is generated, not authored.
# (A run of hex letters alone is not enough: "decade" and "facade" are words.)
_GENERATED = re.compile(r"([#.])((?:\\.|[\w-])*\d(?:\\.|[\w-])*)")
_COMBINATOR = re.compile(r"\s*([>+~])\s*")
_OPEN_TAG = re.compile(r"<\s*([a-zA-Z][\w:-]*)([^>]*)>?")
_ATTRIBUTE_NAME = re.compile(r"([^\s=/\"'<>]+)(?:\s*=\s*(?:\"[^\"]*\"?|'[^']*'?|[^\s>]+))?")
# Where the validator locates a problem: a place in one page's source, not an element path.
_SOURCE_POSITION = re.compile(r"^line \d+, column \d+$")
_NUMBER = re.compile(r"\d+")
_IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3, None: 4}
SAMPLE_NODES = 5


def normalise_selector(selector: str) -> str:
    """`body > div:nth-child(3) > #post-4711 a[href="/x/9"]` → `body > div > #* a[href]`."""
    out = _POSITIONAL.sub("", selector)
    out = _ATTRIBUTE_VALUE.sub(r"[\1]", out)
    out = _GENERATED.sub(lambda m: m.group(1) + "*", out)
    out = _COMBINATOR.sub(r" \1 ", out)
    return " ".join(out.split())


def snippet_shape(html: str) -> str:
    """`<a href="/x" class="c">Read</a>` → `a[class,href]`: the element's kind, not its content."""
    match = _OPEN_TAG.search(html)
    if not match:
        return ""
    names = sorted({m.group(1).lower() for m in _ATTRIBUTE_NAME.finditer(match.group(2))})
    return f"{match.group(1).lower()}[{','.join(names)}]"


def issue_fingerprint(result: AuditResult, node: AuditNode | None = None) -> str:
    parts = [result.engine, result.rule_id, str(result.outcome)]
    if node is not None and _SOURCE_POSITION.match(node.selector):
        # The same template error sits at a different line on every page: what identifies it is
        # the message ("Element “div” not allowed as child of element “ul”…"), numbers aside.
        parts += ["message", _NUMBER.sub("#", node.message)]
    elif node is not None:
        parts += [normalise_selector(node.selector), snippet_shape(node.html)]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


@dataclass(slots=True)
class Issue:
    """One problem wherever it appears. `occurrences` counts nodes (a result without nodes, such
    as a page-level rule, counts once); `pages` are the distinct pages it was found on."""

    fingerprint: str
    engine: str
    rule: str
    outcome: Outcome
    wcag: tuple[str, ...]
    is_wcag: bool
    impact: str | None
    description: str
    selector: str
    shape: str
    occurrences: int = 0
    pages: list[str] = field(default_factory=list)
    sample_nodes: list[AuditNode] = field(default_factory=list)


def group_issues(
    results: Iterable[AuditResult], outcomes: Iterable[Outcome] = (Outcome.FAILED, Outcome.NEEDS_REVIEW)
) -> list[Issue]:
    """Failed and needs-review results grouped into issues: most severe first, then most frequent."""
    wanted = frozenset(outcomes)
    issues: dict[str, Issue] = {}
    seen_pages: dict[str, set[str]] = {}
    for result in results:
        if result.outcome not in wanted:
            continue
        for node in result.nodes or (None,):
            fingerprint = issue_fingerprint(result, node)
            issue = issues.get(fingerprint)
            if issue is None:
                issue = issues[fingerprint] = Issue(
                    fingerprint=fingerprint,
                    engine=result.engine,
                    rule=result.rule_id,
                    outcome=result.outcome,
                    wcag=result.wcag,
                    is_wcag=result.is_wcag,
                    impact=result.impact,
                    description=result.description,
                    selector=normalise_selector(node.selector) if node else "",
                    shape=snippet_shape(node.html) if node else "",
                )
                seen_pages[fingerprint] = set()
            issue.occurrences += 1
            if result.page_url not in seen_pages[fingerprint]:
                seen_pages[fingerprint].add(result.page_url)
                issue.pages.append(result.page_url)
            if node is not None and len(issue.sample_nodes) < SAMPLE_NODES:
                issue.sample_nodes.append(node)
    return sorted(issues.values(), key=lambda i: (_IMPACT_ORDER.get(i.impact, 4), -i.occurrences, i.rule))
