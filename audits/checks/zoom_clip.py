"""WCAG 1.4.4 Resize Text: text that a box with `overflow: hidden` (or clip) cuts off at 200 % zoom.

Browser zoom at 200 % lays the page out in half the CSS viewport (1280×800 → 640×400), with every CSS
pixel twice as big: so the page is laid out at half its viewport size, and each element whose own text
runs past its clipping box is named (ACT rule 59br37). Text cut with an ellipsis, or next to a link, goes to a
person, who checks whether the full text is available elsewhere; cut without either, it fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditResult
from crawler.viewport import resize

RULE, WCAG = "text-clipped-zoom", ("1.4.4",)
DESCRIPTION = "Text is not cut off by its box when the page is zoomed to 200 %"
ZOOM = 2.0
MIN_CLIPPED_PX = 2  # sub-pixel rounding and font descenders are not clipping

# Boxes that clip (overflow hidden/clip on an axis) and hold text of their own; how far that text
# runs past the box. Visually hidden text (1-px boxes, clip rects) is clipped on purpose and skipped.
_CLIPPED = (
    "(minPx) => {"
    + CSS_PATH_JS
    + """
  const out = [];
  let applicable = 0;
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length && i < 5000; i++) {
    const el = all[i];
    const s = getComputedStyle(el);
    const clipX = s.overflowX === 'hidden' || s.overflowX === 'clip';
    const clipY = s.overflowY === 'hidden' || s.overflowY === 'clip';
    if (!clipX && !clipY) continue;
    const texts = [...el.childNodes].filter(n => n.nodeType === 3 && /\\p{L}{2,}/u.test(n.textContent));
    if (!texts.length) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 2 || box.height <= 2 || s.visibility !== 'visible' || s.display === 'none') continue;
    if (s.clip !== 'auto' || s.clipPath !== 'none' || el.closest('[aria-hidden="true"], [hidden]')) continue;
    applicable++;
    const range = document.createRange();
    let right = box.left, bottom = box.top;
    for (const t of texts) {
      range.selectNodeContents(t);
      for (const r of range.getClientRects()) {
        if (r.width === 0 && r.height === 0) continue;
        right = Math.max(right, r.right);
        bottom = Math.max(bottom, r.bottom);
      }
    }
    const inner = {right: box.right - parseFloat(s.borderRightWidth),
                   bottom: box.bottom - parseFloat(s.borderBottomWidth)};
    const overX = clipX ? right - inner.right : 0;
    const overY = clipY ? bottom - inner.bottom : 0;
    if (overX < minPx && overY < minPx) continue;
    // An ellipsis only marks text cut on the inline axis; text cut at the bottom has none.
    // A link beside the box ("Read more", "Full text") may lead to the whole text: a person decides.
    const parent = el.parentElement;
    const linked = !!parent && [...parent.querySelectorAll('a[href]')].some(a => !el.contains(a));
    out.push({selector: cssPath(el), html: snippet(el), linked,
              ellipsis: s.textOverflow === 'ellipsis' && overY < minPx,
              text: (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60),
              over: Math.round(Math.max(overX, overY))});
    if (out.length >= 20) break;
  }
  return {applicable, clipped: out};
}"""
)


# Any visible box with overflow hidden/clip on an axis that holds letters of its own, or a media query
# that sets overflow (it may clip only at the zoomed size): the cheap test at the normal size that decides
# whether the page is laid out again.
_HAS_CLIPPING_BOX = """() => {
  for (const sheet of document.styleSheets) {
    let rules = [];
    try { rules = sheet.cssRules; } catch (e) { continue; }  // another origin's sheet cannot be read
    for (const rule of rules) {
      if (rule.type === CSSRule.MEDIA_RULE && /overflow(-[xy])?\\s*:\\s*(hidden|clip)/.test(rule.cssText)) return true;
    }
  }
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length && i < 5000; i++) {
    const el = all[i];
    const s = getComputedStyle(el);
    if (!['hidden', 'clip'].includes(s.overflowX) && !['hidden', 'clip'].includes(s.overflowY)) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && /\\p{L}{2,}/u.test(n.textContent))) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 2 && box.height > 2 && s.clip === 'auto' && s.clipPath === 'none') return true;
  }
  return false;
}"""


@dataclass(slots=True)
class TextClippedZoomCheck:
    name: str = "text-clipped-zoom"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        size = page.viewport_size
        if size is None:
            return [result(url, RULE, Outcome.NOT_TESTED, WCAG, DESCRIPTION, reason="no viewport to zoom")]
        # Most pages have no box that clips text of its own: those are not laid out again.
        if not await page.evaluate(_HAS_CLIPPING_BOX):
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="no box clips its own text")]
        # The page as a reader zoomed in sees it: after its own answer to the resize (crawler/viewport.py).
        await resize(page, {"width": int(size["width"] / ZOOM), "height": int(size["height"] / ZOOM)})
        try:
            found = await page.evaluate(_CLIPPED, MIN_CLIPPED_PX)
        finally:
            await resize(page, size)
        if not found["applicable"]:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="no box clips its own text")]
        cut = [c for c in found["clipped"] if not c["ellipsis"] and not c["linked"]]
        ellipsis = [c for c in found["clipped"] if c["ellipsis"] or c["linked"]]
        if cut:
            nodes = [{**c, "message": f'At 200 % zoom, {c["over"]} px of "{c["text"]}" are cut off.'} for c in cut]
            return [
                result(
                    url,
                    RULE,
                    Outcome.FAILED,
                    WCAG,
                    DESCRIPTION,
                    nodes=nodes_from(nodes),
                    reason=f"{len(cut)} box(es) cut their text off at 200 % zoom",
                    impact="serious",
                )
            ]
        if ellipsis:
            nodes = [
                {
                    **c,
                    "message": f'At 200 % zoom "{c["text"]}" ends in an ellipsis: is the full text available '
                    "elsewhere on the page?",
                }
                for c in ellipsis
            ]
            return [
                result(
                    url,
                    RULE,
                    Outcome.NEEDS_REVIEW,
                    WCAG,
                    DESCRIPTION,
                    nodes=nodes_from(nodes),
                    reason=f"{len(ellipsis)} text(s) cut off at 200 % zoom, with an ellipsis or a link beside them",
                    impact="moderate",
                )
            ]
        return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION)]
