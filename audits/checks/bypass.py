"""WCAG 2.4.1 Bypass Blocks: a working skip link to the main content, or a main landmark that
assistive technologies jump to."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditResult

RULE, WCAG = "bypass-blocks", ("2.4.1",)
DESCRIPTION = "A skip link or a main landmark lets users bypass repeated blocks"
SKIP_LINK_WINDOW = 3  # a skip link must be among the first links, or it skips nothing

# A same-page link among the first few whose target exists and lies after the link: "working".
# Pages with no repeated block before their content (no nav/header, few links) have nothing to bypass.
_FIND = (
    "(window_) => {"
    + CSS_PATH_JS
    + """
  const links = [...document.querySelectorAll('a[href]')];
  const skip = [];
  for (const a of links.slice(0, window_)) {
    const href = a.getAttribute('href');
    if (!href.startsWith('#') || href.length < 2) continue;
    const id = decodeURIComponent(href.slice(1));
    const target = document.getElementById(id) || document.getElementsByName(id)[0];
    const after = target && (a.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING);
    skip.push({selector: cssPath(a), html: snippet(a), works: !!after,
      message: target ? (after ? 'skip link to #' + id : 'skip link target comes before the link')
                      : 'skip link target #' + id + ' does not exist'});
  }
  const main = [...document.querySelectorAll('main, [role=main]')].filter(m => !m.hidden);
  const repeated = document.querySelectorAll('nav, header, [role=navigation], [role=banner]').length > 0 ||
    links.length >= 5;
  return {skip, main: main.length, repeated};
}"""
)


@dataclass(slots=True)
class BypassBlocksCheck:
    name: str = "bypass-blocks"

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        found = await page.evaluate(_FIND, SKIP_LINK_WINDOW)
        working = [s for s in found["skip"] if s["works"]]
        if working:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION, reason="working skip link")]
        if found["main"]:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION, reason="main landmark present")]
        if not found["repeated"]:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="no repeated block to bypass")]
        broken = found["skip"]
        return [
            result(
                url,
                RULE,
                Outcome.FAILED,
                WCAG,
                DESCRIPTION,
                nodes=nodes_from(broken),
                reason="no main landmark and " + ("the skip link does not work" if broken else "no skip link"),
                impact="serious",
            )
        ]
