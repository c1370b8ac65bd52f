"""axe-core in the live page: injected as an init script, run with a timeout, read as outcomes."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
BEST_PRACTICE_TAG = "best-practice"
_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")
# axe reports these lists; each maps to one outcome of ours ("incomplete" is what a human reviews).
_OUTCOMES = {
    "violations": Outcome.FAILED,
    "incomplete": Outcome.NEEDS_REVIEW,
    "passes": Outcome.PASSED,
    "inapplicable": Outcome.INAPPLICABLE,
}


class AxeNotFound(RuntimeError):
    """axe.min.js is not where it should be; the message says how to install it."""


def find_axe_script(configured: str | Path | None = None, start: Path | None = None) -> Path:
    """The configured script (GOVAUDIT_AXE, read by the caller), else node_modules/axe-core/axe.min.js
    in this checkout (installed by `npm ci`)."""
    if configured:
        path = Path(configured)
    else:
        here = (start or Path(__file__)).resolve()
        candidates = [p / "node_modules" / "axe-core" / "axe.min.js" for p in here.parents]
        path = next((c for c in candidates if c.is_file()), candidates[0])
    if not path.is_file():
        raise AxeNotFound(
            f"axe-core not found at {path}. Run `npm ci` in the govaudit checkout "
            "(or `make setup`), or set GOVAUDIT_AXE to an axe.min.js."
        )
    return path


def axe_version(script: Path) -> str:
    package = script.parent / "package.json"
    if package.is_file():
        return str(json.loads(package.read_text()).get("version", ""))
    match = re.search(rb"axe v([\d.]+)", script.read_bytes()[:500])
    return match.group(1).decode() if match else ""


def success_criteria(tags: Sequence[str]) -> tuple[str, ...]:
    """axe tags such as "wcag143" → "1.4.3"."""
    out = []
    for tag in tags:
        if m := _SC_TAG.match(tag):
            out.append(".".join(m.groups()))
    return tuple(out)


# WCAG 1.4.3 and 1.4.6 exempt text that is part of an inactive user interface component. axe
# exempts a disabled control and its label, but not the hint that describes it (GOV.UK's disabled
# checkbox item dims its hint too): such nodes are dropped, and a rule left with none has passed.
_EXEMPT_INACTIVE = """(raw) => {
  const disabled = (c) => c.disabled || c.getAttribute('aria-disabled') === 'true';
  const inactive = (el) => {
    if (el.closest('[aria-disabled=true], fieldset:disabled')) return true;
    const label = el.closest('label');
    if (label && label.control && disabled(label.control)) return true;
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      if (!a.id) continue;
      const describes = document.querySelectorAll(`[aria-describedby~="${CSS.escape(a.id)}"]`);
      if ([...describes].some(disabled)) return true;
    }
    return false;
  };
  for (const rule of [...raw.violations]) {
    if (rule.id !== 'color-contrast' && rule.id !== 'color-contrast-enhanced') continue;
    rule.nodes = rule.nodes.filter(n => {
      if (n.target.length !== 1 || typeof n.target[0] !== 'string') return true;
      const el = document.querySelector(n.target[0]);
      return !el || !inactive(el);
    });
    if (!rule.nodes.length) {
      raw.violations.splice(raw.violations.indexOf(rule), 1);
      if (!raw.passes.some(p => p.id === rule.id)) raw.passes.push(rule);
    }
  }
  return raw;
}"""
_RUN = (
    "options => { const exempt = "
    + _EXEMPT_INACTIVE
    + "; return axe.run(document, options).then(raw => JSON.stringify(exempt(raw))); }"
)


@dataclass(slots=True)
class AxeInspector:
    """Runs axe.run on a rendered page. The script must already be in the page: the renderer
    adds it to every context with `add_init_script` (it survives strict CSP and reaches iframes)."""

    script: Path
    tags: tuple[str, ...] = WCAG_TAGS
    # Best-practice rules (empty headings, heading order, landmarks, tabindex > 0...) always run: they
    # are reported as best practice (`is_wcag` False), outside the score and the gate.
    include_best_practice: bool = True
    timeout_s: float = 60.0
    name: str = "axe"
    # Only these axe rules (ids), in place of the tags: where only some rules' results are read (the ACT
    # runner scores each test case on the rules of its ACT rule). Empty: the tags decide.
    rules: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        return axe_version(self.script)

    @property
    def options(self) -> dict[str, Any]:
        tags = [*self.tags, BEST_PRACTICE_TAG] if self.include_best_practice else list(self.tags)
        only = {"type": "rule", "values": list(self.rules)} if self.rules else {"type": "tag", "values": tags}
        # resultTypes trims the node lists of passes and inapplicable rules: they are not read.
        return {"runOnly": only, "resultTypes": ["violations", "incomplete"]}

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        version = self.version
        try:
            # As one JSON string: Playwright's driver would otherwise serialise, and its Python client
            # validate, axe's nested result value by value (~45 ms of Python per page, measured).
            text = await asyncio.wait_for(
                page.evaluate(_RUN, self.options),
                self.timeout_s,
            )
            raw = json.loads(text)
        except TimeoutError:
            return [self._error(url, version, f"axe.run did not finish within {self.timeout_s:g} s")]
        except PlaywrightError as exc:
            return [self._error(url, version, f"axe.run failed: {str(exc).splitlines()[0]}")]
        return to_results(raw, url, version)

    def _error(self, url: str, version: str, reason: str) -> AuditResult:
        return AuditResult(
            page_url=url,
            engine="axe-core",
            engine_version=version,
            rule_id="axe-run",
            outcome=Outcome.ERROR,
            reason=reason,
        )


def to_results(raw: dict[str, Any], url: str, version: str) -> list[AuditResult]:
    results = []
    for key, outcome in _OUTCOMES.items():
        for rule in raw.get(key, []):
            tags = rule.get("tags", [])
            nodes: tuple[AuditNode, ...] = ()
            if outcome in (Outcome.FAILED, Outcome.NEEDS_REVIEW):
                nodes = tuple(_node(n) for n in rule.get("nodes", []))
            if outcome is Outcome.NEEDS_REVIEW and not nodes:
                # A review item must name the element a person has to look at; axe gave none.
                continue
            results.append(
                AuditResult(
                    page_url=url,
                    engine="axe-core",
                    engine_version=version,
                    rule_id=rule["id"],
                    outcome=outcome,
                    wcag=success_criteria(tags),
                    is_wcag=any(t.startswith("wcag") for t in tags) and BEST_PRACTICE_TAG not in tags,
                    impact=rule.get("impact"),
                    description=rule.get("help", ""),
                    help_url=rule.get("helpUrl", ""),
                    nodes=nodes,
                )
            )
    return results


def _node(node: dict[str, Any]) -> AuditNode:
    target = node.get("target", [])
    # Targets inside iframes / shadow DOM are lists of selectors: join them into one path.
    selector = " >>> ".join(t if isinstance(t, str) else " > ".join(t) for t in target)
    return AuditNode(selector=selector, html=node.get("html", "")[:500], message=_message(node)[:1000])


def _message(node: dict[str, Any]) -> str:
    """axe's own words: the failure summary, else (for `incomplete` nodes, which often have none) the
    messages of the checks that could not decide."""
    if summary := node.get("failureSummary"):
        return str(summary)
    checks = [*node.get("any", []), *node.get("all", []), *node.get("none", [])]
    return "; ".join(dict.fromkeys(str(c["message"]) for c in checks if c.get("message")))
