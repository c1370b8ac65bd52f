"""WCAG 1.4.10 Reflow: content fits 320 CSS px without horizontal scrolling."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Page

from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

ENGINE = "govaudit"
ENGINE_VERSION = "0.1"
# The widest elements that stick out past the viewport, for the report to point at.
_OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
      out.push({selector: el.id ? '#' + CSS.escape(el.id) : el.tagName.toLowerCase() +
        (el.classList.length ? '.' + [...el.classList].map(c => CSS.escape(c)).join('.') : ''),
        html: el.outerHTML.slice(0, 200), right: Math.round(r.right)});
    }
  }
  return {overflow: Math.max(0, document.documentElement.scrollWidth - window.innerWidth),
          nodes: out.sort((a, b) => b.right - a.right).slice(0, 5)};
}"""


@dataclass(slots=True)
class ReflowCheck:
    width: int = 320
    height: int = 256
    name: str = "reflow"

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        before = page.viewport_size
        await page.set_viewport_size({"width": self.width, "height": self.height})
        try:
            measured = await page.evaluate(_OVERFLOWING, self.width)
        finally:
            if before:
                await page.set_viewport_size(before)
        failed = measured["overflow"] > 1
        nodes = (
            tuple(
                AuditNode(
                    selector=n["selector"],
                    html=n["html"],
                    message=f"extends to {n['right']} px in a {self.width} px wide viewport",
                )
                for n in measured["nodes"]
            )
            if failed
            else ()
        )
        return [
            AuditResult(
                page_url=url,
                engine=ENGINE,
                engine_version=ENGINE_VERSION,
                rule_id="reflow-320",
                outcome=Outcome.FAILED if failed else Outcome.PASSED,
                wcag=("1.4.10",),
                impact="serious" if failed else None,
                description="Content reflows to 320 CSS px without horizontal scrolling",
                nodes=nodes,
                reason=f"horizontal overflow {measured['overflow']} px" if failed else "",
            )
        ]
