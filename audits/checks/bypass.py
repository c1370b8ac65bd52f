"""WCAG 2.4.1 Bypass Blocks: a working skip link to the main content, a main landmark that
assistive technologies jump to, or a heading at the start of the content after the repeated block
(technique H69: screen-reader users jump by heading). A control before the block that may collapse it
(aria-controls/aria-expanded, or a script naming the block) goes to a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditResult

RULE, WCAG = "bypass-blocks", ("2.4.1",)
DESCRIPTION = "A skip link, a main landmark or a heading lets users bypass repeated blocks"
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
  // A heading after the first repeated block (outside it) starts the content: H69.
  const block = document.querySelector('nav, header, [role=navigation], [role=banner]');
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
    .filter(h => (h.textContent.trim() || h.querySelector('img[alt]:not([alt=""])'))
      && !h.closest('[hidden], [aria-hidden="true"]'));
  const heading = headings.some(h => !block ||
    (!block.contains(h) && (block.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING)));
  // A control before the block that may collapse it: aria-controls naming it, or a script naming its id.
  let toggle = null;
  if (block) {
    const controls = [...document.querySelectorAll('button, a[href], [role=button]')]
      .filter(c => c.compareDocumentPosition(block) & Node.DOCUMENT_POSITION_FOLLOWING).slice(0, 3);
    const named = (c) => block.id && ((c.getAttribute('aria-controls') || '').split(/\\s+/).includes(block.id) ||
      (c.getAttribute('onclick') || '').includes(block.id));
    const t = controls.find(c => named(c) || c.hasAttribute('aria-expanded'));
    if (t) toggle = {selector: cssPath(t), html: snippet(t),
      message: `Does "${t.textContent.trim().slice(0, 60)}" collapse the repeated block that follows it?`};
  }
  return {skip, main: main.length, repeated, heading, toggle};
}"""
)


@dataclass(slots=True)
class BypassBlocksCheck:
    name: str = "bypass-blocks"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        found = await page.evaluate(_FIND, SKIP_LINK_WINDOW)
        working = [s for s in found["skip"] if s["works"]]
        if working:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION, reason="working skip link")]
        if found["main"]:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION, reason="main landmark present")]
        if not found["repeated"]:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="no repeated block to bypass")]
        if found["heading"]:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION, reason="a heading starts the content")]
        if found["toggle"]:
            return [
                result(
                    url,
                    RULE,
                    Outcome.NEEDS_REVIEW,
                    WCAG,
                    DESCRIPTION,
                    nodes=nodes_from([found["toggle"]]),
                    reason="no skip link, main landmark or heading; a control may collapse the repeated block",
                    impact="serious",
                )
            ]
        broken = found["skip"]
        return [
            result(
                url,
                RULE,
                Outcome.FAILED,
                WCAG,
                DESCRIPTION,
                nodes=nodes_from(broken),
                reason="no main landmark, no heading after the repeated block and "
                + ("the skip link does not work" if broken else "no skip link"),
                impact="serious",
            )
        ]
