"""WCAG 2.4.7 Focus Visible and 2.1.2 No Keyboard Trap, from one walk with the Tab key.

One walk serves both criteria: pressing Tab is the slow part, and a trap also ends the walk that
looks for focus indicators. We first compare each focused element's computed look (outline,
box-shadow, borders, background, colour, its ::before/::after and its parent for :focus-within)
with the look it had before any focus: a change there is an indicator. An element whose look did
not change, or that is not visible itself, is decided by pixels: designs draw focus on a sibling
label (`input:focus + label::before`), a child span or an ancestor, so we screenshot the element's
neighbourhood (its box and its labels' boxes plus a margin) unfocused and focused. No pixel changed:
failed. A change too small to be sure of: needs review, with both crops."""

from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass, field
from typing import Any, ClassVar

from PIL import Image, ImageChops
from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from audits.checks.common import CSS_PATH_JS, nodes_from, result
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

FOCUS_RULE, FOCUS_WCAG = "focus-visible", ("2.4.7",)
FOCUS_DESCRIPTION = "Keyboard focus is visible on every element reached with Tab"
TRAP_RULE, TRAP_WCAG = "keyboard-trap", ("2.1.2",)
TRAP_DESCRIPTION = "Keyboard focus can leave every element it enters with Tab"

_SIGNATURE_JS = """
const look = (cs) => {
  const outline = (cs.outlineStyle === 'none' || parseFloat(cs.outlineWidth) === 0) ? 'none'
    : `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor} ${cs.outlineOffset}`;
  const border = ['Top', 'Right', 'Bottom', 'Left'].map(s => {
    const style = cs[`border${s}Style`], width = cs[`border${s}Width`];
    return (style === 'none' || parseFloat(width) === 0) ? 'none' : `${style} ${width} ${cs[`border${s}Color`]}`;
  }).join('|');
  return [outline, border, cs.boxShadow, cs.backgroundColor, cs.backgroundImage, cs.color,
    cs.textDecorationLine, cs.transform, cs.opacity, cs.filter, cs.clip, cs.clipPath, cs.fontWeight,
    cs.visibility, cs.content].join(';');
};
const signature = (el) => {
  const r = el.getBoundingClientRect();
  return [look(getComputedStyle(el)), look(getComputedStyle(el, '::before')), look(getComputedStyle(el, '::after')),
    el.parentElement ? look(getComputedStyle(el.parentElement)) : '',
    [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(',')].join('#');
};
"""

# Counts the tabbable elements and records the unfocused look of the first `reach` of them in tab
# order (positive tabindex first, then document order): a walk of at most `reach` presses focuses
# no other element, and each look costs four computed styles. It then installs the per-Tab probe
# and clears focus so that the first Tab lands on the first element of the page. The probe is
# defined here, once: each Tab then costs one tiny evaluate, not a re-parse of these helpers.
_SETUP = (
    "(reach) => {"
    + _SIGNATURE_JS
    + CSS_PATH_JS
    + """
  const tabbable = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, ' +
    '[tabindex], [contenteditable=""], [contenteditable=true]';
  // Transitions off while we look: a focus style fading in over 300 ms would still read as the
  // unfocused one when measured right after the key press.
  const still = document.createElement('style');
  still.setAttribute('data-govaudit', 'keyboard');
  still.textContent = '*, *::before, *::after { transition: none !important; }';
  document.head.appendChild(still);
  const reachable = [];
  for (const el of document.querySelectorAll(tabbable)) {
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) continue;
    // checkVisibility also sees hidden ancestors (a closed menu), which computed style does not.
    if (el.checkVisibility ? !el.checkVisibility({visibilityProperty: true}) :
        getComputedStyle(el).visibility === 'hidden') continue;
    reachable.push(el);
  }
  const count = reachable.length;
  const order = [...reachable.filter(el => el.tabIndex > 0).sort((a, b) => a.tabIndex - b.tabIndex),
                 ...reachable.filter(el => el.tabIndex === 0)];
  // An element focused without a recorded look (a script sending focus far ahead) is not judged.
  const base = new Map(order.slice(0, reach).map(el => [el, signature(el)]));
  // Native widgets whose inner parts take Tab presses while they stay the active element
  // (a date input's day/month/year, a player's buttons): that is not a trap.
  const SEGMENTS = {date: 3, time: 4, 'datetime-local': 6, month: 2, week: 2, video: 8, audio: 6,
    iframe: 10000, object: 10000, embed: 10000};
  const records = new Map();  // element → what its first focus looked like
  const elements = new Map();  // record id → element, for the look at pixels after the walk
  let next = 1;
  // Where focus is after one Tab, and whether it looked any different from before when it arrived.
  const step = () => {
    let el = document.activeElement;
    // Focus inside a web component's shadow tree: the host alone would look "stuck".
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body || el === document.documentElement) return {id: 0};
    const known = records.get(el);
    if (known) return known;
    const before = base.get(el);
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    const visible = r.width * r.height >= 1 && r.right > 0 && r.bottom + scrollY > 0 &&
      cs.visibility !== 'hidden' && parseFloat(cs.opacity) > 0;
    const dialog = el.closest('dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]');
    // Focus inside an iframe stays on the iframe element for this document: its indicator and its
    // Tab presses belong to the framed page, which is audited on its own.
    const framed = el.tagName === 'IFRAME' || el.tagName === 'OBJECT' || el.tagName === 'EMBED';
    elements.set(next, el);
    const record = {id: next++, selector: cssPath(el), html: snippet(el), visible,
      changed: before === undefined || framed ? null : before !== signature(el), inDialog: !!dialog,
      segments: (SEGMENTS[el.tagName === 'INPUT' ? (el.type || '') : el.tagName.toLowerCase()] || 0)};
    records.set(el, record);
    return record;
  };
  // Each Tab's keyup (it reaches the newly focused element) logs where focus went, so that a run
  // of Tab presses is read back with one evaluate instead of one per press.
  const log = [];
  const onKeyup = (event) => { if (event.key === 'Tab') log.push(step()); };
  window.addEventListener('keyup', onKeyup, true);
  // The neighbourhood to screenshot for one element, in viewport px, unfocused: its box and its
  // labels' boxes (a label's ::before lies inside the label's box), plus a margin for rings drawn
  // outside them. Null when there is nothing on screen to look at.
  const area = (id, margin) => {
    const el = elements.get(id);
    if (!el || !el.isConnected) return null;
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    el.scrollIntoView({block: 'center', inline: 'center'});
    const boxes = [el.getBoundingClientRect(), ...[...(el.labels || [])].map(l => l.getBoundingClientRect())]
      .filter(r => r.width * r.height >= 1);
    if (!boxes.length) return null;
    const left = Math.max(0, Math.min(...boxes.map(r => r.left)) - margin);
    const top = Math.max(0, Math.min(...boxes.map(r => r.top)) - margin);
    const right = Math.min(innerWidth, Math.max(...boxes.map(r => r.right)) + margin);
    const bottom = Math.min(innerHeight, Math.max(...boxes.map(r => r.bottom)) + margin);
    if (right - left < 1 || bottom - top < 1) return null;
    const own = el.getBoundingClientRect();
    const clip = {x: Math.floor(left), y: Math.floor(top),
                  width: Math.ceil(right - left), height: Math.ceil(bottom - top)};
    return {clip,
            perimeter: 2 * (Math.max(own.width, 1) + Math.max(own.height, 1))};
  };
  // Focus as the keyboard would: the walk's Tab presses make this programmatic focus :focus-visible.
  const focus = (id) => {
    const el = elements.get(id);
    if (!el) return false;
    el.focus({preventScroll: true});
    return document.activeElement === el || el.contains(document.activeElement);
  };
  window.__govauditFocus = {step, take: () => log.splice(0), area, focus,
    stop: () => window.removeEventListener('keyup', onKeyup, true)};
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  window.scrollTo(0, 0);
  return count;
}"""
)

# What Playwright's keyboard.press("Tab") sends, as raw protocol events. Sent without waiting for
# each other, a run of presses costs one round trip, not two per press; Chromium handles the
# session's input events in order.
_TAB_DOWN = {"type": "rawKeyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
_TAB_UP = {"type": "keyUp", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}

_STEP = "() => window.__govauditFocus.step()"
_AREA = "([id, margin]) => window.__govauditFocus.area(id, margin)"
_FOCUS = "(id) => window.__govauditFocus.focus(id)"
# A channel moving by less than this is antialiasing or colour rounding, not an indicator.
_PIXEL_TOLERANCE = 24
_TAKE = "() => window.__govauditFocus.take()"
# Back to the start of the tab order, for the walk press by press.
_RESTART = """() => {
  window.__govauditFocus.take();
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  window.scrollTo(0, 0);
}"""

_RESET = """() => {
  if (window.__govauditFocus) window.__govauditFocus.stop();
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  delete window.__govauditFocus;
  for (const el of document.querySelectorAll('style[data-govaudit=keyboard]')) el.remove();
  window.scrollTo(0, 0);
}"""


@dataclass(frozen=True, slots=True)
class PixelVerdict:
    """What focusing one element did to the pixels of its neighbourhood."""

    changed: int  # pixels that differ between the unfocused and the focused crop
    needed: int  # changed pixels that count as an indicator for sure: half the element's perimeter
    before: bytes = b""  # the crops, PNG, kept for a reviewer when the change is too small to be sure
    after: bytes = b""

    @property
    def outcome(self) -> Outcome:
        if self.changed == 0:
            return Outcome.FAILED
        return Outcome.PASSED if self.changed >= self.needed else Outcome.NEEDS_REVIEW


def changed_pixels(before: bytes, after: bytes) -> int:
    """Pixels whose colour moved by more than the tolerance in any channel between two PNGs."""
    with Image.open(io.BytesIO(before)) as a, Image.open(io.BytesIO(after)) as b:
        first, second = a.convert("RGB"), b.convert("RGB")
    if first.size != second.size:
        return first.width * first.height
    diff = ImageChops.difference(first, second)
    channels = diff.split()
    moved = channels[0].point(lambda v: 255 if v > _PIXEL_TOLERANCE else 0)
    for channel in channels[1:]:
        moved = ImageChops.lighter(moved, channel.point(lambda v: 255 if v > _PIXEL_TOLERANCE else 0))
    return moved.histogram()[255]


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass(slots=True)
class _Walk:
    steps: list[dict[str, Any]] = field(default_factory=list)
    trap: dict[str, Any] | None = None
    trap_kind: str = ""
    reached_end: bool = False


@dataclass(slots=True)
class _Walker:
    """Decides, one Tab press at a time, when the walk has seen enough: every element reached and
    focus back out of the page, or a trap (focus stuck, or cycling among some elements only)."""

    count: int
    stuck_presses: int
    walk: _Walk = field(default_factory=_Walk)
    seen: dict[int, int] = field(default_factory=dict)  # element id → index of its first visit
    last_end: int = -1  # index of the last time focus left the page content (wrapped around)
    stuck: int = 0
    index: int = 0

    def advance(self, step: dict[str, Any]) -> bool:
        """Take one press's step; True when the walk is over."""
        index, walk, seen = self.index, self.walk, self.seen
        self.index += 1
        if step["id"] == 0:
            walk.reached_end = True
            self.last_end = index
            return len(seen) >= self.count
        previous = walk.steps[-1] if walk.steps else None
        walk.steps.append(step)
        self.stuck = self.stuck + 1 if previous and previous["id"] == step["id"] else 0
        if self.stuck >= self.stuck_presses + step["segments"] and len(seen) < self.count:
            walk.trap, walk.trap_kind = step, f"focus stayed on this element for {self.stuck + 1} Tab presses"
            return True
        first = seen.get(step["id"])
        if first is not None and self.stuck == 0 and first > self.last_end and len(seen) < self.count:
            # Back to an element already visited without ever leaving the page content:
            # focus cycles inside a part of the page while other elements stay out of reach.
            walk.trap, walk.trap_kind = step, f"focus cycles among {len(seen)} of {self.count} elements"
            return True
        seen.setdefault(step["id"], index)
        return len(seen) >= self.count and walk.reached_end


@dataclass(slots=True)
class KeyboardCheck:
    """`max_tabs` bounds the walk (cost: a few ms per press); `stuck_presses` is K, the number of
    consecutive Tab presses that leave focus on one element before we call it a trap."""

    max_tabs: int = 30
    stuck_presses: int = 3
    batch: int = 10  # presses between two reads of the page's log: a short walk overshoots little
    margin: int = 12  # CSS px around the element and its labels: rings and shadows drawn outside the box
    name: str = "keyboard"
    rule_ids: ClassVar[tuple[str, ...]] = (FOCUS_RULE, TRAP_RULE)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        count = await page.evaluate(_SETUP, self.max_tabs + self.batch)
        if count == 0:
            why = "the page has no element reachable with Tab"
            return [
                result(url, FOCUS_RULE, Outcome.INAPPLICABLE, FOCUS_WCAG, FOCUS_DESCRIPTION, reason=why),
                result(url, TRAP_RULE, Outcome.INAPPLICABLE, TRAP_WCAG, TRAP_DESCRIPTION, reason=why),
            ]
        session = await page.context.new_cdp_session(page)
        try:
            walk = await self._walk(page, session, count)
            pixels = await self._look_at_pixels(page, walk)
        finally:
            await page.evaluate(_RESET)
            await session.detach()
        return [self._focus_result(url, walk, pixels), self._trap_result(url, walk, count)]

    async def _look_at_pixels(self, page: Page, walk: _Walk) -> dict[int, PixelVerdict | None]:
        """For each element the computed look could not vouch for (unchanged, or itself invisible):
        its neighbourhood's pixels unfocused and focused. None: nothing on screen to look at."""
        verdicts: dict[int, PixelVerdict | None] = {}
        for step in walk.steps:
            if step["id"] in verdicts or (step["visible"] and step["changed"] is not False):
                continue
            verdicts[step["id"]] = await self._pixels(page, step["id"])
        return verdicts

    async def _pixels(self, page: Page, element: int) -> PixelVerdict | None:
        area = await page.evaluate(_AREA, [element, self.margin])
        if area is None:
            return None
        clip = area["clip"]
        try:
            before = await page.screenshot(clip=clip, animations="disabled", caret="hide")
            if not await page.evaluate(_FOCUS, element):
                return None
            after = await page.screenshot(clip=clip, animations="disabled", caret="hide")
        except PlaywrightError:  # a clip the page no longer has (it scrolled or shrank meanwhile)
            return None
        changed = changed_pixels(before, after)
        verdict = PixelVerdict(changed=changed, needed=max(1, int(area["perimeter"] / 2)))
        if verdict.outcome is Outcome.NEEDS_REVIEW:
            return PixelVerdict(changed, verdict.needed, before, after)
        return verdict

    async def _walk(self, page: Page, session: CDPSession, count: int) -> _Walk:
        """Tab presses in runs of `batch`, read back from the page's keyup log. A page that keeps a
        keyup from us (focus moved into a frame, a handler stopping it) is walked again press by press."""
        walker = _Walker(count, self.stuck_presses)
        pressed = 0
        while pressed < self.max_tabs:
            run = min(self.batch, self.max_tabs - pressed)
            await asyncio.gather(
                *(session.send("Input.dispatchKeyEvent", event) for _ in range(run) for event in (_TAB_DOWN, _TAB_UP))
            )
            steps = await page.evaluate(_TAKE)
            if len(steps) != run:
                await page.evaluate(_RESTART)
                return await self._walk_press_by_press(page, count)
            for step in steps:
                if walker.advance(step):
                    return walker.walk
            pressed += run
        return walker.walk

    async def _walk_press_by_press(self, page: Page, count: int) -> _Walk:
        walker = _Walker(count, self.stuck_presses)
        for _ in range(self.max_tabs):
            await page.keyboard.press("Tab")
            if walker.advance(await page.evaluate(_STEP)):
                break
        return walker.walk

    def _focus_result(self, url: str, walk: _Walk, pixels: dict[int, PixelVerdict | None]) -> AuditResult:
        firsts: dict[int, dict[str, Any]] = {}
        for step in walk.steps:  # one entry per element, in tab order
            firsts.setdefault(step["id"], step)
        if not walk.steps:
            return result(
                url,
                FOCUS_RULE,
                Outcome.NEEDS_REVIEW,
                FOCUS_WCAG,
                FOCUS_DESCRIPTION,
                reason="Tab never moved focus to an element of the page",
            )
        bad: list[dict[str, Any]] = []
        unsure: list[AuditNode] = []
        for step in firsts.values():
            if step["id"] not in pixels:
                continue  # its computed look changed on focus: an indicator
            verdict = pixels[step["id"]]
            if verdict is None:
                message = "focused element is not visible" if not step["visible"] else "no visible focus indicator"
                bad.append({**step, "message": message + " (nothing of it on screen to compare)"})
            elif verdict.outcome is Outcome.FAILED:
                bad.append({**step, "message": "no pixel of the element or its labels changed when it received focus"})
            elif verdict.outcome is Outcome.NEEDS_REVIEW:
                unsure.append(
                    AuditNode(
                        selector=step["selector"],
                        html=step["html"],
                        message=f"only {verdict.changed} pixel(s) around the element changed on focus "
                        f"(at least {verdict.needed} would be a sure indicator): is the change a visible indicator?",
                        images=(_data_uri(verdict.before), _data_uri(verdict.after)),
                    )
                )
        if bad:
            return result(
                url,
                FOCUS_RULE,
                Outcome.FAILED,
                FOCUS_WCAG,
                FOCUS_DESCRIPTION,
                nodes=nodes_from(bad),
                reason=f"{len(bad)} of {len(firsts)} focused element(s) show no visible focus indicator",
                impact="serious",
            )
        if unsure:
            return result(
                url,
                FOCUS_RULE,
                Outcome.NEEDS_REVIEW,
                FOCUS_WCAG,
                FOCUS_DESCRIPTION,
                nodes=unsure[:20],
                reason=f"{len(unsure)} of {len(firsts)} focused element(s) change only slightly on focus: "
                "compare the crops before and after focus",
            )
        return result(url, FOCUS_RULE, Outcome.PASSED, FOCUS_WCAG, FOCUS_DESCRIPTION)

    def _trap_result(self, url: str, walk: _Walk, count: int) -> AuditResult:
        if walk.trap is None:
            return result(url, TRAP_RULE, Outcome.PASSED, TRAP_WCAG, TRAP_DESCRIPTION)
        node = nodes_from([{**walk.trap, "message": walk.trap_kind}])
        if walk.trap["inDialog"]:
            # A modal dialog keeps focus on purpose; whether Escape or a close button frees it is for a human.
            return result(
                url,
                TRAP_RULE,
                Outcome.NEEDS_REVIEW,
                TRAP_WCAG,
                TRAP_DESCRIPTION,
                nodes=node,
                reason=f"{walk.trap_kind} inside a dialog: check that the dialog can be closed from the keyboard",
            )
        return result(
            url,
            TRAP_RULE,
            Outcome.FAILED,
            TRAP_WCAG,
            TRAP_DESCRIPTION,
            nodes=node,
            reason=f"{walk.trap_kind}; {count} elements are tabbable",
            impact="critical",
        )
