"""Cross-page de-duplication: the same problem in a shared header on 500 pages is one issue with
500 occurrences, not 500 issues.

An issue is one rule on one element shape, across the whole site: engine + rule + outcome + the
element's shape (its tag, its sorted attribute names and the values that name what it is: role,
type, name and an authored id). Where the element sits (its ancestor path) is left out: axe picks the
shortest selector unique *in each page*, so one header link gets a different path on every page of a
template. Within an issue, samples are the distinct elements (same place and markup, numbers aside),
each with the page it was found on.

Two kinds of rules are keyed otherwise: the validator's (no element, only a source line: keyed by its
message, numbers aside) and the rules whose subject is the page itself (reflow, text spacing: their
elements are what sticks out, so one issue per rule)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult, impact_rank

_POSITIONAL = re.compile(r":(?:nth-child|nth-of-type|nth-last-child|nth-last-of-type|eq)\([^)]*\)")
_ATTRIBUTE_VALUE = re.compile(r"\[\s*([^\]=~|^$*\s]+)\s*[~|^$*]?=\s*(?:\"[^\"]*\"|'[^']*'|[^\]]*)\]")
# An id or class with a digit (post-4711, css-1x2y3z, sc-a1b2c, a build hash) is generated, not authored.
# (A run of hex letters alone is not enough: "decade" and "facade" are words.)
_GENERATED = re.compile(r"([#.])((?:\\.|[\w-])*\d(?:\\.|[\w-])*)")
_COMBINATOR = re.compile(r"\s*([>+~])\s*")
_OPEN_TAG = re.compile(r"<\s*([a-zA-Z][\w:-]*)([^>]*)>?")
_ATTRIBUTE = re.compile(r"([^\s=/\"'<>]+)(?:\s*=\s*(?:\"([^\"]*)\"?|'([^']*)'?|([^\s>]+)))?")
# Attribute values that say what an element is, and stay the same on every page of a template.
_NAMING_ATTRIBUTES = ("id", "role", "type", "name")
_DIGIT = re.compile(r"\d")
# Where the validator locates a problem: a place in one page's source, not an element path.
_SOURCE_POSITION = re.compile(r"^line \d+, column \d+$")
_NUMBER = re.compile(r"\d+")
# Rules whose subject is the page: the nodes they report are the culprits, not separate problems.
PAGE_SUBJECT_RULES = frozenset({("govaudit", "reflow-320"), ("govaudit", "text-spacing")})
SAMPLE_NODES = 5


def normalise_selector(selector: str) -> str:
    """`body > div:nth-child(3) > #post-4711 a[href="/x/9"]` → `body > div > #* a[href]`."""
    out = _POSITIONAL.sub("", selector)
    out = _ATTRIBUTE_VALUE.sub(r"[\1]", out)
    out = _GENERATED.sub(lambda m: m.group(1) + "*", out)
    out = _COMBINATOR.sub(r" \1 ", out)
    return " ".join(out.split())


def _open_tag(html: str) -> tuple[str, dict[str, str]] | None:
    match = _OPEN_TAG.search(html)
    if not match:
        return None
    attributes = {
        m.group(1).lower(): next((g for g in m.group(2, 3, 4) if g is not None), "")
        for m in _ATTRIBUTE.finditer(match.group(2))
    }
    return match.group(1).lower(), attributes


def snippet_shape(html: str) -> str:
    """`<a href="/x" class="c">Read</a>` → `a[class,href]`: the element's kind, not its content."""
    tag = _open_tag(html)
    if tag is None:
        return ""
    return f"{tag[0]}[{','.join(sorted(tag[1]))}]"


def element_shape(html: str) -> str:
    """`<input type="search" id="q" class="x" value="tax">` → `input#q[type=search][class,id,type,value]`:
    the shape plus the values that name the element (a generated id, one with a digit, is left out)."""
    tag = _open_tag(html)
    if tag is None:
        return ""
    name, attributes = tag
    named = ""
    if (ident := attributes.get("id", "")) and not _DIGIT.search(ident):
        named += f"#{ident}"
    named += "".join(
        f"[{key}={attributes[key].strip().lower()}]" for key in _NAMING_ATTRIBUTES[1:] if attributes.get(key)
    )
    return f"{name}{named}[{','.join(sorted(attributes))}]"


def _masked_message(node: AuditNode) -> str:
    return _NUMBER.sub("#", node.message)


def issue_label(result: AuditResult, node: AuditNode | None) -> str:
    """What tells an issue apart from the rule's other issues: the element shape, or the validator's
    message; "" for a page-level rule."""
    if node is None or (result.engine, result.rule_id) in PAGE_SUBJECT_RULES:
        return ""
    if _SOURCE_POSITION.match(node.selector):
        return _masked_message(node)
    return element_shape(node.html) or normalise_selector(node.selector)


def issue_fingerprint(result: AuditResult, node: AuditNode | None = None) -> str:
    """Same engine, rule, outcome and element shape (or validator message): same issue, on any page."""
    parts = [result.engine, result.rule_id, str(result.outcome)]
    if label := issue_label(result, node):
        parts += ["message" if node is not None and _SOURCE_POSITION.match(node.selector) else "shape", label]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def sample_key(node: AuditNode) -> str:
    """One element of a template, whichever page it is on: its place and markup, numbers aside."""
    if _SOURCE_POSITION.match(node.selector):
        return _masked_message(node)
    return _NUMBER.sub("#", normalise_selector(node.selector) + "|" + node.html)


@dataclass(frozen=True, slots=True)
class Sample:
    """One distinct element of an issue, on the page where it was found."""

    page_url: str
    node: AuditNode


@dataclass(slots=True)
class Issue:
    """One problem wherever it appears. `occurrences` counts nodes (a result without nodes, such
    as a page-level rule, counts once); `pages` are the distinct pages it was found on; `samples`
    are distinct elements, each with its page (a page-level rule's samples are its pages' elements)."""

    fingerprint: str
    engine: str
    rule: str
    outcome: Outcome
    wcag: tuple[str, ...]
    is_wcag: bool
    impact: str | None
    description: str
    label: str
    selector: str
    shape: str
    occurrences: int = 0
    pages: list[str] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # distinct reasons of results without nodes

    @property
    def sample_nodes(self) -> list[AuditNode]:
        return [s.node for s in self.samples]


# (page URL, selector) → is there a screenshot of it? Samples that have one are preferred.
HasScreenshot = Callable[[str, str], bool]


def group_issues(
    results: Iterable[AuditResult],
    outcomes: Iterable[Outcome] = (Outcome.FAILED, Outcome.NEEDS_REVIEW),
    has_screenshot: HasScreenshot | None = None,
) -> list[Issue]:
    """Failed and needs-review results grouped into issues: most severe first, then most frequent.
    Each issue keeps up to SAMPLE_NODES distinct elements; of the occurrences of one element, the
    first with a screenshot (`has_screenshot`) stands for it."""
    wanted = frozenset(outcomes)
    issues: dict[str, Issue] = {}
    seen_pages: dict[str, set[str]] = {}
    sample_at: dict[str, dict[str, int]] = {}  # fingerprint → sample key → index in issue.samples
    for result in results:
        if result.outcome not in wanted:
            continue
        for node in result.nodes or (None,):
            fingerprint = issue_fingerprint(result, node)
            issue = issues.get(fingerprint)
            if issue is None:
                issue = issues[fingerprint] = _new_issue(fingerprint, result, node)
                seen_pages[fingerprint] = set()
                sample_at[fingerprint] = {}
            issue.occurrences += 1
            if result.page_url not in seen_pages[fingerprint]:
                seen_pages[fingerprint].add(result.page_url)
                issue.pages.append(result.page_url)
            if node is None:
                if result.reason and result.reason not in issue.reasons and len(issue.reasons) < SAMPLE_NODES:
                    issue.reasons.append(result.reason)
                continue
            _add_sample(issue, sample_at[fingerprint], Sample(result.page_url, node), has_screenshot)
    return sorted(issues.values(), key=lambda i: (impact_rank(i.impact), -i.occurrences, i.rule))


def _new_issue(fingerprint: str, result: AuditResult, node: AuditNode | None) -> Issue:
    return Issue(
        fingerprint=fingerprint,
        engine=result.engine,
        rule=result.rule_id,
        outcome=result.outcome,
        wcag=result.wcag,
        is_wcag=result.is_wcag,
        impact=result.impact,
        description=result.description,
        label=issue_label(result, node),
        selector=normalise_selector(node.selector) if node else "",
        shape=snippet_shape(node.html) if node else "",
    )


def _no_screenshot(_page_url: str, _selector: str) -> bool:
    return False


def _add_sample(issue: Issue, seen: dict[str, int], sample: Sample, has_screenshot: HasScreenshot | None) -> None:
    shot_of = has_screenshot or _no_screenshot
    key = sample_key(sample.node)
    shot = shot_of(sample.page_url, sample.node.selector)
    if key in seen:
        held = issue.samples[seen[key]]
        if shot and not shot_of(held.page_url, held.node.selector):
            issue.samples[seen[key]] = sample
        return
    if len(issue.samples) < SAMPLE_NODES:
        seen[key] = len(issue.samples)
        issue.samples.append(sample)
        return
    if shot:  # a full list: an element with a screenshot takes the place of the last one without
        for index in range(len(issue.samples) - 1, -1, -1):
            held = issue.samples[index]
            if not shot_of(held.page_url, held.node.selector):
                seen.pop(sample_key(held.node), None)
                seen[key] = index
                issue.samples[index] = sample
                return
