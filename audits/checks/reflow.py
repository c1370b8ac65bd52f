"""WCAG 1.4.10 Reflow: content fits 320 CSS px without horizontal scrolling.

The page fails when it scrolls sideways at 320 px. The report names the elements that make it
scroll: boxes that extend past the viewport's right edge, less those that cannot cause the scroll —
fixed boxes (and what they hold), boxes whose overflow an ancestor clips or scrolls itself, hidden
boxes, and off-canvas boxes lying wholly outside the viewport (a closed menu slid aside), which are
named only when nothing else explains the scroll. A page that scrolls only over hidden or empty
boxes has no content out of reach: it passes, with the overflow noted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, ENGINE, ENGINE_VERSION
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.viewport import resize

RULE = "reflow-320"
_OVERFLOWING = (
    "(width) => {"
    + CSS_PATH_JS
    + """
  const overflow = Math.max(0, document.documentElement.scrollWidth - window.innerWidth);
  if (overflow <= 1) return {overflow, nodes: []};
  const CLIPS = new Set(['hidden', 'clip', 'auto', 'scroll']);
  // Why an element that reaches past the edge cannot be what scrolls the page ('' when it can be).
  const excuse = (el, r) => {
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return 'hidden';
    for (let a = el; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const s = a === el ? cs : getComputedStyle(a);
      if (s.position === 'fixed') return 'fixed';
      if (a !== el && (CLIPS.has(s.overflowX) || s.contain.includes('paint'))) return 'clipped';
    }
    if (r.left >= width - 1 || r.right <= 0) return 'off-canvas';
    return '';
  };
  const culprits = [], offCanvas = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 1 || r.width * r.height < 1) continue;
    const why = excuse(el, r);
    if (!why) culprits.push({el, r});
    else if (why === 'off-canvas') offCanvas.push({el, r});
  }
  // The innermost culprits: an ancestor pushed wide by its child is not the cause.
  const innermost = culprits.filter(n => !culprits.some(m => m !== n && n.el.contains(m.el)));
  const named = (innermost.length ? innermost : offCanvas).map(({el, r}) =>
    ({selector: cssPath(el), html: snippet(el), left: Math.round(r.left), right: Math.round(r.right)}));
  return {overflow, offCanvas: !innermost.length,
          nodes: named.sort((a, b) => b.right - a.right).slice(0, 5)};
}"""
)


@dataclass(slots=True)
class ReflowCheck:
    width: int = 320
    height: int = 256
    name: str = "reflow"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        before = page.viewport_size
        await resize(page, {"width": self.width, "height": self.height})
        try:
            measured = await page.evaluate(_OVERFLOWING, self.width)
        finally:
            if before:
                await resize(page, before)
        failed = measured["overflow"] > 1 and bool(measured["nodes"])
        where = " (off-canvas: nothing on screen reaches past the edge)" if measured.get("offCanvas") else ""
        nodes = tuple(
            AuditNode(
                selector=n["selector"],
                html=n["html"],
                message=f"extends from {n['left']} to {n['right']} px in a {self.width} px wide viewport{where}",
            )
            for n in measured["nodes"]
        )
        return [
            AuditResult(
                page_url=url,
                engine=ENGINE,
                engine_version=ENGINE_VERSION,
                rule_id=RULE,
                outcome=Outcome.FAILED if failed else Outcome.PASSED,
                wcag=("1.4.10",),
                impact="serious" if failed else None,
                description="Content reflows to 320 CSS px without horizontal scrolling",
                nodes=nodes if failed else (),
                reason=f"the page scrolls {measured['overflow']} px sideways at {self.width} px"
                + ("" if failed else " over hidden or empty boxes only")
                if measured["overflow"] > 1
                else "",
            )
        ]
