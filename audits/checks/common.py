"""What every check of our own shares: engine name, a result factory and in-page helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.yaml_data import load_yaml

ENGINE = "govaudit"
ENGINE_VERSION = "0.1"

# A short CSS path for an element (id when there is one, else tag:nth-of-type up to 5 levels).
# Pasted at the top of the page scripts: `page.evaluate` takes one self-contained function.
CSS_PATH_JS = """
const cssPath = (el) => {
  const parts = [];
  for (let e = el, depth = 0; e && e.nodeType === 1 && depth < 5; e = e.parentElement, depth++) {
    if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
    const tag = e.tagName.toLowerCase();
    if (tag === 'html' || tag === 'body') { parts.unshift(tag); break; }
    const same = e.parentElement ? [...e.parentElement.children].filter(c => c.tagName === e.tagName) : [];
    parts.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(e) + 1})` : tag);
  }
  return parts.join(' > ');
};
const snippet = (el) => {
  const html = el.outerHTML;
  if (html.length <= 300) return html;
  const open = html.slice(0, html.indexOf('>') + 1);
  return open.length < 300 ? open + '…' : html.slice(0, 300) + '…';
};
"""


def result(
    url: str,
    rule_id: str,
    outcome: Outcome,
    wcag: tuple[str, ...],
    description: str,
    *,
    nodes: Iterable[AuditNode] = (),
    reason: str = "",
    impact: str | None = None,
) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        rule_id=rule_id,
        outcome=outcome,
        wcag=wcag,
        impact=impact,
        description=description,
        nodes=tuple(nodes),
        reason=reason,
    )


def nodes_from(raw: Iterable[Mapping[str, Any]], limit: int = 20) -> tuple[AuditNode, ...]:
    """Page-script records {selector, html, message} → nodes; a report needs a few, not thousands."""
    return tuple(
        AuditNode(selector=n["selector"], html=n.get("html", ""), message=n.get("message", ""))
        for n in list(raw)[:limit]
    )


@cache
def load_data(name: str) -> Any:
    """A YAML file from audits/data (phrase lists, host lists): data, not code."""
    return load_yaml(resources.files("audits.data").joinpath(name).read_text(encoding="utf-8"))


def primary_language(tag: str) -> str:
    """ "fr-CA" → "fr"; "" when there is no tag."""
    return tag.strip().replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True, slots=True)
class CheckMeta:
    """A check's metadata, kept as data in audits/data/checks/<id>.yaml (the page rules keep theirs
    next to their scripts): what a passing page does, why it matters, how to fix it."""

    id: str
    wcag: tuple[str, ...]
    level: str  # A, AA, AAA or best-practice
    impact: str  # of a failure
    what: str
    why: str
    fix: str
    act: tuple[str, ...]  # W3C ACT rule ids the check implements

    def result(self, url: str, outcome: Outcome, *, nodes: Iterable[AuditNode] = (), reason: str = "") -> AuditResult:
        """A result of this check; a failure or a question says why it matters and how to fix it."""
        concerns = outcome in (Outcome.FAILED, Outcome.NEEDS_REVIEW)
        if concerns:
            reason = f"{reason}. Why it matters: {self.why} How to fix: {self.fix}"
        return AuditResult(
            page_url=url,
            engine=ENGINE,
            engine_version=ENGINE_VERSION,
            rule_id=self.id,
            outcome=outcome,
            wcag=self.wcag,
            is_wcag=self.level in ("A", "AA"),
            impact=(self.impact if outcome is Outcome.FAILED else "moderate") if concerns else None,
            description=self.what,
            nodes=tuple(nodes),
            reason=reason,
        )


@cache
def check_meta(rule_id: str) -> CheckMeta:
    meta = load_data(f"checks/{rule_id}.yaml")
    return CheckMeta(
        id=str(meta["id"]),
        wcag=tuple(str(c) for c in meta.get("wcag", [])),
        level=str(meta["level"]),
        impact=str(meta.get("impact", "moderate")),
        what=str(meta["what"]).strip(),
        why=str(meta["why"]).strip(),
        fix=str(meta["fix"]).strip(),
        act=tuple(str(a) for a in meta.get("act", [])),
    )
