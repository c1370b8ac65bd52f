"""WCAG 1.4.12 Text Spacing: no loss of content when users override line, letter, word and
paragraph spacing. We apply the spacing of the success criterion and look for text that is
clipped (overflow hidden and content larger than the box) only after the override."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditResult

RULE = "text-spacing"
WCAG = ("1.4.12",)
DESCRIPTION = "Text stays readable when line, letter, word and paragraph spacing are increased"

# The metrics of the success criterion (the "text spacing bookmarklet" values).
SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# Boxes that hold text and whose overflow is hidden/clipped: the ones that can lose content, each
# with how far its content overflows it.
_MEASURE = """
const clips = (v) => v === 'hidden' || v === 'clip';
const overflow = (el) => {
  const cs = getComputedStyle(el);
  return {dx: clips(cs.overflowX) ? el.scrollWidth - el.clientWidth : 0,
          dy: clips(cs.overflowY) ? el.scrollHeight - el.clientHeight : 0};
};
const hasText = (el) => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) ||
  (el.innerText || '').trim().length > 0;
const measure = () => {
  const out = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const cs = getComputedStyle(el);
    if (!(clips(cs.overflowX) || clips(cs.overflowY))) continue;
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.clientWidth === 0 || el.clientHeight === 0) continue;
    if (!hasText(el)) continue;
    out.push({el, ...overflow(el)});
  }
  return out;
};
"""

_RUN = (
    """async (css) => {"""
    + _MEASURE
    + """
  const before = measure();
  const style = document.createElement('style');
  style.setAttribute('data-govaudit', 'text-spacing');
  style.textContent = css;
  document.head.appendChild(style);
  // A page script may answer the new spacing (an observer resizing a box): give it a frame. Without
  // scripts nothing can answer, and reading the boxes lays the page out at once.
  if (document.scripts.length) await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  // The override changes spacing, not the overflow property: the boxes that can clip are the same.
  const after = before.map(b => overflow(b.el));
  style.remove();
"""
    + CSS_PATH_JS
    + """
  const clipped = [];
  for (const [i, b] of before.entries()) {
    const m = after[i];
    // Only boxes that showed all their text before and clip it after count: a box that already
    // truncated (a teaser with "show more") is not made worse by spacing in a way this criterion
    // judges. A tolerance of 2 px absorbs rounding.
    const grewX = m.dx > 2 && b.dx <= 2, grewY = m.dy > 2 && b.dy <= 2;
    if (grewX || grewY) {
      clipped.push({selector: cssPath(b.el), html: snippet(b.el),
        message: `text clipped by ${Math.max(grewX ? m.dx : 0, grewY ? m.dy : 0)} px once spacing is increased`});
    }
  }
  const textual = document.body && (document.body.innerText || '').trim().length > 0;
  return {clipped, textual};
}"""
)


@dataclass(slots=True)
class TextSpacingCheck:
    name: str = "text-spacing"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        measured = await page.evaluate(_RUN, SPACING_CSS)
        if not measured["textual"]:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="the page has no text")]
        clipped = measured["clipped"]
        if not clipped:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION)]
        return [
            result(
                url,
                RULE,
                Outcome.FAILED,
                WCAG,
                DESCRIPTION,
                nodes=nodes_from(clipped),
                reason=f"{len(clipped)} element(s) clip their text with the WCAG 1.4.12 spacing applied",
                impact="serious",
            )
        ]
