"""Small in-page rules kept as data: each rule is a metadata file and an in-page function under
audits/data/page_rules/ (`<id>.yaml` and `<id>.js`), the way axe-core keeps its rules. Adding a rule
touches no code here.

The function gets a helper object `h` and returns `{applicable, findings}` (or just the findings):
a finding is `{el, outcome: "failed"|"needs_review", message}`. `failed` only when the rule is
certain; `needs_review` asks one question about one element. All rules run in one `page.evaluate`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, ENGINE, ENGINE_VERSION
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.yaml_data import load_yaml

RULES_PACKAGE = "audits.data"
RULES_FOLDER = "page_rules"
NODES_PER_RESULT = 20  # a report needs a few examples, not thousands
WCAG_LEVELS = frozenset({"A", "AA"})  # AAA and best practice stay outside the score and the gate


@dataclass(frozen=True, slots=True)
class PageRule:
    """One rule's metadata (from its YAML) and its in-page function (from its JS)."""

    id: str
    wcag: tuple[str, ...]
    level: str  # A, AA, AAA or best-practice
    impact: str
    what: str  # what the rule checks, as a passing page would be described
    why: str
    fix: str
    act: tuple[str, ...]  # W3C ACT rule ids the rule implements
    script: str

    @property
    def is_wcag(self) -> bool:
        return self.level in WCAG_LEVELS


@cache
def load_rules() -> tuple[PageRule, ...]:
    folder = resources.files(RULES_PACKAGE).joinpath(RULES_FOLDER)
    rules = []
    for meta_file in sorted(folder.iterdir(), key=lambda f: f.name):
        if not meta_file.name.endswith(".yaml"):
            continue
        meta = load_yaml(meta_file.read_text(encoding="utf-8"))
        script = folder.joinpath(meta_file.name.removesuffix(".yaml") + ".js").read_text(encoding="utf-8")
        rules.append(
            PageRule(
                id=str(meta["id"]),
                wcag=tuple(str(c) for c in meta.get("wcag", [])),
                level=str(meta["level"]),
                impact=str(meta.get("impact", "moderate")),
                what=str(meta["what"]).strip(),
                why=str(meta["why"]).strip(),
                fix=str(meta["fix"]).strip(),
                act=tuple(str(a) for a in meta.get("act", [])),
                script=script.strip().rstrip(";"),
            )
        )
    return tuple(rules)


def page_rule(rule_id: str) -> PageRule | None:
    return next((rule for rule in load_rules() if rule.id == rule_id), None)


# Helpers every rule may use. Pasted once at the top of the one evaluated function: a strict CSP
# forbids eval/new Function in the page, so the rules are spliced in as source, not passed as strings.
_HELPERS_JS = """
const visible = (el) => {
  if (!el.isConnected) return false;
  if (el.closest('[hidden], [aria-hidden="true"]')) return false;
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.visibility === 'hidden' || s.visibility === 'collapse') return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 || r.height > 0 || el.getClientRects().length > 0;
};
const text = (el) => (el.textContent || '').replace(/\\s+/g, ' ').trim();
const accName = (el) => {
  const by = el.getAttribute('aria-labelledby');
  if (by) {
    const t = by.split(/\\s+/).map(id => document.getElementById(id)).filter(Boolean)
      .map(e => e.textContent).join(' ').replace(/\\s+/g, ' ').trim();
    if (t) return t;
  }
  const label = (el.getAttribute('aria-label') || '').trim();
  if (label) return label;
  let out = '';
  const walk = (n) => {
    if (n.nodeType === 3) out += n.textContent;
    else if (n.nodeType === 1) {
      if (n.getAttribute('aria-hidden') === 'true') return;
      if (n.tagName === 'IMG' || n.getAttribute('role') === 'img') {
        out += ' ' + (n.getAttribute('alt') || n.getAttribute('aria-label') || '') + ' ';
      }
      n.childNodes.forEach(walk);
    }
  };
  walk(el);
  return out.replace(/\\s+/g, ' ').trim() || (el.getAttribute('title') || '').trim();
};
const FOCUSABLE = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, iframe, summary, '
  + '[tabindex], [contenteditable=""], [contenteditable=true], audio[controls], video[controls]';
const focusable = (el) => el.matches(FOCUSABLE) && !el.disabled && el.getAttribute('tabindex') !== '-1';
// Elements marked by the init script click_listeners.js as having a click, mouse or pointer listener of
// their own (without that script in the page, only onclick attributes count).
const CLICK_MARK = Symbol.for('govaudit.click-listener');
const hasClickListener = (el) => el[CLICK_MARK] === true || el.hasAttribute('onclick');
const h = {visible, text, accName, focusable, FOCUSABLE, cssPath, snippet, hasClickListener,
           lang: (document.documentElement.getAttribute('lang') || '').toLowerCase()};
"""


@cache
def page_script() -> str:
    """One function that runs every rule, each in its own try so one broken rule reports an error
    and the others still run."""
    entries = ",\n".join(f"{json.dumps(rule.id)}: ({rule.script})" for rule in load_rules())
    return (
        "() => {"
        + CSS_PATH_JS
        + _HELPERS_JS
        + "const rules = {\n"
        + entries
        + """
};
const out = {};
for (const [id, rule] of Object.entries(rules)) {
  try {
    let got = rule(h);
    if (Array.isArray(got)) got = {applicable: got.length, findings: got};
    const findings = (got.findings || []).filter(f => f && f.el && f.el.nodeType === 1).map(f => ({
      outcome: f.outcome, message: String(f.message || '').slice(0, 1000),
      selector: cssPath(f.el), html: snippet(f.el)}));
    out[id] = {applicable: Number(got.applicable || 0) + findings.length, findings};
  } catch (e) {
    out[id] = {error: String(e && e.message || e).slice(0, 300)};
  }
}
return out;
}"""
    )


def to_results(url: str, raw: dict[str, Any]) -> list[AuditResult]:
    results = []
    for rule in load_rules():
        got = raw.get(rule.id)
        results.append(_one(url, rule, got) if got is not None else _error(url, rule, "the rule did not run"))
    return results


def _one(url: str, rule: PageRule, got: dict[str, Any]) -> AuditResult:
    if "error" in got:
        return _error(url, rule, f"the rule failed in the page: {got['error']}")
    findings = got.get("findings", [])
    failed = [f for f in findings if f["outcome"] == Outcome.FAILED.value]
    review = [f for f in findings if f["outcome"] == Outcome.NEEDS_REVIEW.value]
    chosen, outcome = (failed, Outcome.FAILED) if failed else (review, Outcome.NEEDS_REVIEW)
    if not chosen:
        outcome = Outcome.PASSED if got.get("applicable") else Outcome.INAPPLICABLE
    nodes = tuple(
        AuditNode(selector=f["selector"], html=f["html"], message=f["message"]) for f in chosen[:NODES_PER_RESULT]
    )
    reason = ""
    if chosen:
        verb = "failed" if outcome is Outcome.FAILED else "to review"
        reason = f"{len(chosen)} element(s) {verb}. Why it matters: {rule.why} How to fix: {rule.fix}"
    return AuditResult(
        page_url=url,
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        rule_id=rule.id,
        outcome=outcome,
        wcag=rule.wcag,
        is_wcag=rule.is_wcag,
        impact=rule.impact if chosen else None,
        description=rule.what,
        nodes=nodes,
        reason=reason,
    )


def _error(url: str, rule: PageRule, reason: str) -> AuditResult:
    return AuditResult(
        page_url=url,
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        rule_id=rule.id,
        outcome=Outcome.ERROR,
        wcag=rule.wcag,
        is_wcag=rule.is_wcag,
        description=rule.what,
        reason=reason,
    )


CLICK_LISTENERS_SCRIPT = "click_listeners.js"


def click_listeners_script() -> Path:
    """The init script that marks elements with a click listener of their own (see the file)."""
    return Path(str(resources.files(RULES_PACKAGE).joinpath(CLICK_LISTENERS_SCRIPT)))


@dataclass(slots=True)
class PageRulesCheck:
    """Runs every rule of audits/data/page_rules in the live page, in one evaluate."""

    name: str = "page-rules"

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rules its results are about: one per file of audits/data/page_rules."""
        return tuple(rule.id for rule in load_rules())

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        try:
            raw = await page.evaluate(page_script())
        except PlaywrightError as exc:
            reason = f"page rules failed: {str(exc).splitlines()[0]}"
            return [_error(url, rule, reason) for rule in load_rules()]
        return to_results(url, raw)
