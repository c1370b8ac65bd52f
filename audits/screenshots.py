"""Screenshots taken while the audited page is still open: a highlighted crop of each failing element
the report will show, and a small view of the page (for problems that have no element, such as a
missing title or a validator error).

The capture runs after every other inspector, on the results they found. Across a run it takes at most
`per_issue` crops of each issue (audits.dedup: one rule on one element shape) and one per distinct
element, so a header link failing on 500 pages is photographed a few times, not 500."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from audits.dedup import issue_fingerprint, sample_key
from audits.outcome import Outcome
from audits.result import PAGE_VIEW, AuditResult, ElementShot

_WANTED = (Outcome.FAILED, Outcome.NEEDS_REVIEW)
_OVERLAY_ID = "govaudit-highlight"

# Scrolls the element into view and frames it: an overlay draws the highlight (the element's own styles
# are left alone; CSSOM writes pass a strict style-src). Returns the crop in page coordinates with the
# scale that fits it into the maximum size, or null for an element that is missing or has no box to show.
_FRAME = """async ([selector, overlayId, pad, maxWidth, maxHeight, settleMs]) => {
  document.getElementById(overlayId)?.remove();
  let el;
  try { el = document.querySelector(selector); } catch (e) { return null; }
  if (!el) return null;
  // An element without a size (an empty link) is shown by the nearest box around it.
  for (let up = 0; el.parentElement && up < 4; up++) {
    const box = el.getBoundingClientRect();
    if (box.width >= 1 && box.height >= 1) break;
    el = el.parentElement;
  }
  if (el === document.body || el === document.documentElement) return null;
  const vw = document.documentElement.clientWidth || window.innerWidth, vh = window.innerHeight;
  let r = el.getBoundingClientRect();
  // Scrolled to only when out of sight: scrolling sets off a page's own scroll handlers (a header that
  // turns compact and moves), which would change the layout between measuring and capturing.
  if (r.top < 0 || r.bottom > vh || r.left < 0 || r.right > vw) {
    el.scrollIntoView({block: 'center', inline: 'nearest'});
    // What the scroll sets off (content fading in as it comes into view) is let finish, within a limit.
    const frame = () => new Promise(done => requestAnimationFrame(done));
    await frame(); await frame();
    const running = document.getAnimations().map(a => a.finished.catch(() => null));
    if (running.length) await Promise.race([Promise.all(running), new Promise(done => setTimeout(done, settleMs))]);
    r = el.getBoundingClientRect();
  }
  if (r.width < 1 || r.height < 1) return null;
  // Absolute, in page coordinates, on the root element: a fixed box would move with a transformed body.
  const box = document.createElement('div');
  box.id = overlayId;
  const s = box.style;
  s.position = 'absolute'; s.zIndex = '2147483647'; s.pointerEvents = 'none'; s.margin = '0';
  s.left = (r.left + window.scrollX - 3) + 'px'; s.top = (r.top + window.scrollY - 3) + 'px';
  s.width = (r.width + 6) + 'px'; s.height = (r.height + 6) + 'px'; s.boxSizing = 'border-box';
  s.border = '3px solid #d4351c'; s.boxShadow = '0 0 0 4px rgba(255, 221, 0, .9)';
  document.documentElement.appendChild(box);
  const x = Math.max(0, r.left - pad), y = Math.max(0, r.top - pad);
  const width = Math.min(vw - x, r.width + 2 * pad), height = Math.min(vh - y, r.height + 2 * pad);
  if (width < 1 || height < 1) { box.remove(); return null; }
  // A wide or tall element is shown whole (within the screen), scaled down to the maximum size.
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return {x: x + window.scrollX, y: y + window.scrollY, width, height, scale};
}"""
# Back to the top of the page, and what that sets off let finish: the checks before moved focus and
# scrolled (and restored both), and a page's scroll handlers (a sticky header turning compact, often
# debounced) may still be catching up. They get `handlersMs` after the page's last scroll; a page with
# no scroll handler has none to wait for (what scrolling sets off otherwise, an IntersectionObserver's
# fade-in, runs by the next frame and is waited for as an animation).
_TO_TOP = """async ([settleMs, handlersMs]) => {
  window.scrollTo(0, 0);
  const frame = () => new Promise(done => requestAnimationFrame(done));
  await frame();
  // The scroll clock (scroll_clock.js) says whether the page listens for scrolling and when it last
  // scrolled; without it, assume a listener and a scroll just now. onscroll handlers are looked up here.
  const listens = window[Symbol.for('govaudit.scroll-listeners')] ?? true;
  const handlers = listens || !!(window.onscroll || document.onscroll || document.querySelector('[onscroll]'));
  const scrolledAt = window[Symbol.for('govaudit.scrolled-at')] ?? performance.now();
  const wait = handlers ? handlersMs - (performance.now() - scrolledAt) : 0;
  if (wait > 0) { await new Promise(done => setTimeout(done, wait)); await frame(); }
  const running = document.getAnimations().map(a => a.finished.catch(() => null));
  if (running.length) await Promise.race([Promise.all(running), new Promise(done => setTimeout(done, settleMs))]);
}"""
_TOPS = """(selectors) => selectors.map(selector => {
  try {
    const el = document.querySelector(selector);
    return el ? el.getBoundingClientRect().top + window.scrollY : 1e9;
  }
  catch (e) { return 1e9; }
})"""
_CLEAN = "(overlayId) => { document.getElementById(overlayId)?.remove(); window.scrollTo(0, 0); }"
# The top of the first screen (header, title, start of the content): what tells one page from another,
# at half the raster of the whole screen.
_FIRST_SCREEN = """() => ({x: 0, y: 0, width: document.documentElement.clientWidth || window.innerWidth,
  height: Math.min(window.innerHeight, 640)})"""


def scroll_clock_script() -> Path:
    """The init script that notes whether the page listens for scrolling and when it last scrolled (see
    the file): without it, every return to the top waits the scroll handlers' full time."""
    return Path(str(resources.files("audits").joinpath("data", "scroll_clock.js")))


@dataclass(slots=True)
class ScreenshotTaker:
    """A follow-up inspector (crawler.render.FollowUpInspector): reads what the inspectors before it
    found on the live page and photographs it. One instance per run: it counts what it has taken."""

    per_issue: int = 3  # crops of one issue across the run
    per_page: int = 8  # crops on one page: a page with 200 failing elements must not take 200
    quality: int = 60
    pad: int = 24  # CSS px of surroundings around the element
    max_width: int = 640
    max_height: int = 400
    settle_ms: int = 500  # after scrolling to an element: the longest wait for the page's animations
    scroll_handlers_ms: int = 120  # after the page's last scroll: time for its (debounced) scroll handlers
    page_view_scale: float = 0.25  # the top 1280 × 640 of the screen becomes 320 × 160
    name: str = "screenshots"
    _taken: dict[str, int] = field(default_factory=dict)  # issue fingerprint → crops taken
    _seen: set[tuple[str, str]] = field(default_factory=set)  # (fingerprint, sample key) photographed
    _missed: dict[str, int] = field(default_factory=dict)  # issue fingerprint → elements with nothing to show
    _sessions: WeakKeyDictionary[Page, CDPSession] = field(default_factory=WeakKeyDictionary)

    async def inspect(self, page: Page, url: str) -> list[ElementShot]:
        """Without the other inspectors' results: only the view of the page."""
        return await self.inspect_after(page, url, {})

    async def inspect_after(self, page: Page, url: str, found: Mapping[str, Sequence[Any]]) -> list[ElementShot]:
        chosen = self._choose(found)
        if chosen:
            await page.evaluate(_TO_TOP, [self.settle_ms, self.scroll_handlers_ms])
        if len(chosen) > 1:
            # Top to bottom: what is in view before any scrolling is taken first, as the page first shows it.
            tops = await page.evaluate(_TOPS, [selector for selector, _ in chosen])
            chosen = [pair for _, pair in sorted(zip(tops, chosen, strict=True), key=lambda t: t[0])]
        shots: list[ElementShot] = []
        done = 0
        try:
            for selector, reserved in chosen:
                shot = await self._element(page, url, selector)
                done += 1
                if shot is None:
                    self._release(reserved, missed=True)
                else:
                    shots.append(shot)
            await page.evaluate(_CLEAN, _OVERLAY_ID)
            if chosen:  # the page as it first shows, not as the last crop's scrolling left it
                await page.evaluate(_TO_TOP, [self.settle_ms, self.scroll_handlers_ms])
            shots.append(await self._page_view(page, url))
        except PlaywrightError:
            for _, reserved in chosen[done:]:
                self._release(reserved)
            raise
        return shots

    def _choose(self, found: Mapping[str, Sequence[Any]]) -> list[tuple[str, list[tuple[str, str]]]]:
        """Selectors to photograph on this page, each with the (issue, element) pairs it stands for."""
        chosen: dict[str, list[tuple[str, str]]] = {}
        for result in (r for batch in found.values() for r in batch):
            if not isinstance(result, AuditResult) or result.outcome not in _WANTED:
                continue
            for node in result.nodes:
                # Elements inside frames or shadow roots (">>>") have no selector in the page itself.
                if ">>>" in node.selector or node.selector.startswith("line "):
                    continue
                fingerprint = issue_fingerprint(result, node)
                pair = (fingerprint, sample_key(node))
                if pair in self._seen or self._taken.get(fingerprint, 0) >= self.per_issue:
                    continue
                if self._missed.get(fingerprint, 0) >= self.per_issue:
                    continue  # its elements are never visible (a hidden link): stop looking on every page
                if node.selector not in chosen and len(chosen) >= self.per_page:
                    continue
                self._seen.add(pair)
                self._taken[fingerprint] = self._taken.get(fingerprint, 0) + 1
                chosen.setdefault(node.selector, []).append(pair)
        return list(chosen.items())

    def _release(self, reserved: list[tuple[str, str]], *, missed: bool = False) -> None:
        """An element that could not be photographed here may be on a later page."""
        for pair in reserved:
            self._seen.discard(pair)
            self._taken[pair[0]] -= 1
            if missed:
                self._missed[pair[0]] = self._missed.get(pair[0], 0) + 1

    async def _capture(self, page: Page, clip: dict[str, float], scale: float) -> bytes:
        # The DevTools call itself: Playwright's screenshot cannot scale down, and waits on fonts.
        session = self._sessions.get(page)
        if session is None:
            session = self._sessions[page] = await page.context.new_cdp_session(page)
        reply = await session.send(
            "Page.captureScreenshot",
            {
                "format": "jpeg",
                "quality": self.quality,
                "clip": {**clip, "scale": scale},
                "fromSurface": True,
                "optimizeForSpeed": True,
            },
        )
        return base64.b64decode(reply["data"])

    async def _element(self, page: Page, url: str, selector: str) -> ElementShot | None:
        clip = await page.evaluate(
            _FRAME, [selector, _OVERLAY_ID, self.pad, self.max_width, self.max_height, self.settle_ms]
        )
        if clip is None:
            return None
        scale = clip.pop("scale")
        image = await self._capture(page, clip, scale)
        return ElementShot(url, selector, image, round(clip["width"] * scale), round(clip["height"] * scale))

    async def _page_view(self, page: Page, url: str) -> ElementShot:
        clip = await page.evaluate(_FIRST_SCREEN)
        image = await self._capture(page, clip, self.page_view_scale)
        scale = self.page_view_scale
        return ElementShot(url, PAGE_VIEW, image, round(clip["width"] * scale), round(clip["height"] * scale))


def screenshots_in(found: Mapping[str, Sequence[Any]]) -> list[ElementShot]:
    return [s for batch in found.values() for s in batch if isinstance(s, ElementShot)]


def audit_results_in(found: Mapping[str, Sequence[Any]]) -> list[AuditResult]:
    return [r for batch in found.values() for r in batch if isinstance(r, AuditResult)]
