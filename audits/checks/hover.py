"""Content shown only on hover (WCAG 2.1.1, 1.4.13): tooltips and fly-out menus that the mouse reveals
and the keyboard does not.

The page says which elements reveal something on hover: style rules whose `:hover` part is followed by
a combinator (`li:hover > ul`, `a:hover + .tip`) or a pseudo-element (`[data-tip]:hover::after`), and
elements with a mouseover/mouseenter listener of their own (marked by the click_listeners.js init
script). For a few of them (bounded: each costs a mouse move and a few evaluates) we hover the element
with the real mouse, note what became visible, move the mouse away (it must hide again, else a timer
or a sticky menu is at work and we do not judge), then try what a keyboard user would: focus the element
(or its focusable descendants, its focusable ancestor, the first focusable part of what was revealed),
and press Enter on a button that may toggle it. Revealed by none of these while the trigger can take
focus: failed. A trigger that cannot take focus, or a tooltip that only repeats the trigger's own name,
goes to a person with one question about that element.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, check_meta
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

RULE = "hover-only"

# Installs window.__govauditHover with the triggers found and the steps the Python side drives.
_SETUP = (
    "(max) => {"
    + CSS_PATH_JS
    + """
  const HOVER_MARK = Symbol.for('govaudit.hover-listener');
  const FOCUSABLE = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, ' +
    '[tabindex]:not([tabindex="-1"]), [contenteditable=""], [contenteditable=true]';
  const text = (el) => (el.textContent || '').replace(/\\s+/g, ' ').trim();
  const shown = (el) => {
    if (!el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) return false;
    if (r.left + scrollX >= document.documentElement.scrollWidth + 2) return false;
    const s = getComputedStyle(el);
    if (s.clipPath && s.clipPath.startsWith('inset(50%')) return false;
    return !/rect\\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\\)/.test(s.clip);
  };
  // A pseudo-element tooltip: its generated text, when it is displayed.
  const pseudoText = (el, which) => {
    const s = getComputedStyle(el, which);
    if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) === 0) return '';
    const c = s.content;
    if (!c || c === 'none' || c === 'normal') return '';
    const t = c.replace(/^"|"$/g, '').trim();
    return /\\p{L}{2,}/u.test(t) ? t : '';
  };
  const name = (el) => (el.getAttribute('aria-label') || text(el) || el.getAttribute('title') || '').trim();
  const PROPS = ['display', 'visibility', 'opacity', 'left', 'right', 'top', 'bottom', 'transform', 'clip',
    'clip-path', 'max-height', 'height', 'width', 'max-width', 'margin-left', 'margin-top', 'content', 'inset'];
  const rules = [];
  const collect = (list) => {
    for (const rule of list) {
      if (rule instanceof CSSStyleRule) {
        if (rule.selectorText.includes(':hover') && PROPS.some(p => rule.style.getPropertyValue(p))) rules.push(rule);
        if (rule.cssRules && rule.cssRules.length) collect(rule.cssRules);  // nested CSS
      } else if (rule.cssRules) {
        if (rule.media && rule.media.mediaText && !matchMedia(rule.media.mediaText).matches) continue;
        collect(rule.cssRules);
      }
    }
  };
  for (const sheet of document.styleSheets) {
    try { collect(sheet.cssRules); } catch (e) { /* another origin's sheet cannot be read */ }
  }
  const found = new Map();  // trigger element → {pseudo: '::after' | '::before' | '', script: bool}
  const add = (el, info) => {
    if (!el || found.has(el) || el === document.body || el === document.documentElement) return;
    const r = el.getBoundingClientRect();
    if (r.width * r.height > innerWidth * innerHeight * 0.5 || !shown(el)) return;
    found.set(el, info);
  };
  const query = (sel) => { try { return [...document.querySelectorAll(sel)]; } catch (e) { return []; } };
  for (const rule of rules) {
    for (const sel of rule.selectorText.split(',')) {
      const at = sel.indexOf(':hover');
      if (at < 0) continue;
      const after = sel.slice(at + 6);
      const compound = after.match(/^[^\\s>+~]*/)[0];
      const rest = after.slice(compound.length).trim();
      const trigger = (sel.slice(0, at) + compound).replace(/:hover/g, '').trim();
      const pseudo = /::?(after|before)\\s*$/.exec(compound);
      if (pseudo && !rest) {
        const base = trigger.replace(/::?(after|before)\\s*$/, '') || '*';
        for (const el of query(base).slice(0, 5)) {
          if (!pseudoText(el, '::' + pseudo[1])) add(el, {pseudo: '::' + pseudo[1], script: false});
        }
        continue;
      }
      if (!rest || !/^[>+~]?\\s*\\S/.test(rest) || /::?(after|before|marker)/.test(rest)) continue;
      // The elements the rule reveals that are hidden now, and the trigger each belongs to.
      const target = sel.replace(/:hover/g, '').trim();
      const bareTrigger = trigger.replace(/::?[a-z-]+(\\(.*?\\))?$/, '') || '*';
      let n = 0;
      for (const t of query(target)) {
        if (n >= 5 || shown(t)) continue;
        let owner = t.parentElement && t.parentElement.closest(bareTrigger);
        for (let e = t; !owner && e && e !== document.body; e = e.parentElement) {
          for (let s = e.previousElementSibling; s && !owner; s = s.previousElementSibling) {
            if (s.matches(bareTrigger)) owner = s;
          }
        }
        if (owner) { add(owner, {pseudo: '', script: false}); n++; }
      }
    }
  }
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length && i < 5000; i++) {
    const el = all[i];
    if (el[HOVER_MARK] === true || el.hasAttribute('onmouseover') || el.hasAttribute('onmouseenter')) {
      add(el, {pseudo: '', script: true});
    }
  }
  const triggers = [...found.entries()].slice(0, max).map(([el, info]) => ({el, ...info}));
  let state = null;
  // Before hovering trigger i: what is hidden now, and where to put the mouse (null: covered).
  const prepare = (i) => {
    const t = triggers[i];
    if (!t || !t.el.isConnected) return null;
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
    t.el.scrollIntoView({block: 'center', inline: 'nearest'});
    const root = t.el.parentElement || t.el;
    const scope = [...root.getElementsByTagName('*')].slice(0, 3000);
    for (const attr of ['aria-describedby', 'aria-controls', 'aria-owns']) {
      for (const id of (t.el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        const ref = document.getElementById(id);
        if (ref) scope.push(ref, ...ref.getElementsByTagName('*'));
      }
    }
    const known = new WeakSet();
    for (const el of all) known.add(el);
    state = {i, hidden: scope.filter(el => !shown(el)), known, revealed: [], pseudo: ''};
    const r = t.el.getClientRects()[0] || t.el.getBoundingClientRect();
    for (const [x, y] of [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2]]) {
      const hit = document.elementFromPoint(x, y);
      if (hit && (t.el.contains(hit) || hit.contains(t.el))) return {x, y, info: describe()};
    }
    return null;
  };
  // Two frames: the style and layout of what the last input changed.
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  // What hovering revealed: the outermost newly shown elements near the trigger (or new in the page),
  // with letters or a focusable part; or the trigger's pseudo-element text.
  const reveal = () => {
    const t = triggers[state.i];
    if (t.pseudo) {
      state.pseudo = pseudoText(t.el, t.pseudo);
      return state.pseudo ? {count: 1, text: state.pseudo.slice(0, 80), focusables: 0} : {count: 0};
    }
    const fresh = [];
    if (t.script && document.body) {
      for (const el of document.body.getElementsByTagName('*')) if (!state.known.has(el)) fresh.push(el);
    }
    const now = [...state.hidden, ...fresh].filter(el => shown(el) && !el.closest('script, style, template'));
    const set = new Set(now);
    const top = now.filter(el => !(el.parentElement && set.has(el.parentElement)) && el !== t.el && !el.contains(t.el))
      .filter(el => /\\p{L}{2,}/u.test(text(el)) || el.matches(FOCUSABLE) || el.querySelector(FOCUSABLE));
    state.revealed = top;
    const words = top.map(text).join(' ').slice(0, 80);
    const focusables = top.reduce((n, el) => n + el.querySelectorAll(FOCUSABLE).length +
      (el.matches(FOCUSABLE) ? 1 : 0), 0);
    return {count: top.length, text: words, focusables};
  };
  // How much of what the hover revealed is shown now (0..1).
  const still = () => {
    const t = triggers[state.i];
    if (t.pseudo) return pseudoText(t.el, t.pseudo) ? 1 : 0;
    if (!state.revealed.length) return 0;
    return state.revealed.filter(shown).length / state.revealed.length;
  };
  // The elements a keyboard user would focus to get at the content, in the order we try them.
  const keyTargets = () => {
    const t = triggers[state.i].el;
    const out = [];
    if (t.matches(FOCUSABLE)) out.push(t);
    out.push(...[...t.querySelectorAll(FOCUSABLE)].filter(el => !state.revealed.some(r => r.contains(el))).slice(0, 3));
    const up = t.parentElement && t.parentElement.closest(FOCUSABLE);
    if (up) out.push(up);
    for (const r of state.revealed) {
      const inner = r.matches(FOCUSABLE) ? r : r.querySelector(FOCUSABLE);
      if (inner && inner.tabIndex >= 0) { out.push(inner); break; }
    }
    return [...new Set(out)].filter(el => !el.disabled);
  };
  const focusTarget = (k) => {
    blur();
    const el = keyTargets()[k];
    if (!el) return null;
    el.focus({preventScroll: true});
    const toggles = el.matches('button, summary, [role=button], [aria-expanded]') &&
      !(el.matches('a[href]') || (el.form && el.type === 'submit'));
    return {toggles, focused: document.activeElement === el};
  };
  const describe = () => {
    const t = triggers[state.i];
    return {selector: cssPath(t.el), html: snippet(t.el), name: name(t.el).slice(0, 80),
            focusable: keyTargets().length > 0, pseudo: t.pseudo, script: t.script};
  };
  const blur = () => {
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  };
  window.__govauditHover = {prepare, focusTarget, blur,
    reveal: async () => { await frames(); return reveal(); },
    still: async () => { await frames(); return still(); }};
  return triggers.length;
}"""
)

_PREPARE = "(i) => window.__govauditHover.prepare(i)"
_REVEAL = "() => window.__govauditHover.reveal()"
_STILL = "() => window.__govauditHover.still()"
_FOCUS = "(k) => window.__govauditHover.focusTarget(k)"
_BLUR = "() => window.__govauditHover.blur()"
_RESET = (
    "() => { window.__govauditHover && window.__govauditHover.blur(); delete window.__govauditHover;"
    " window.scrollTo(0, 0); }"
)

SHOWN = 0.5  # the share of the revealed elements that must show again for "revealed on focus too"


@dataclass(slots=True)
class HoverOnlyCheck:
    """`max_triggers` bounds the cost; `script_wait_s` is how long a script-driven tooltip may take to
    appear (they often wait a few hundred milliseconds on purpose)."""

    max_triggers: int = 8
    max_focus_targets: int = 5
    script_wait_s: float = 0.4
    name: str = "hover-only"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        meta = check_meta(RULE)
        count = await page.evaluate(_SETUP, self.max_triggers)
        if not count:
            return [meta.result(url, Outcome.INAPPLICABLE, reason="nothing on the page is revealed on hover")]
        failed: list[AuditNode] = []
        review: list[AuditNode] = []
        tested = 0
        try:
            for i in range(count):
                verdict = await self._one(page, i)
                if verdict is None:
                    continue
                tested += 1
                outcome, node = verdict
                if outcome is Outcome.FAILED:
                    failed.append(node)
                elif outcome is Outcome.NEEDS_REVIEW:
                    review.append(node)
        finally:
            await page.evaluate(_RESET)
            size = page.viewport_size or {"width": 1280, "height": 800}
            await page.mouse.move(size["width"] - 1, size["height"] - 1)
        if failed:
            return [
                meta.result(
                    url,
                    Outcome.FAILED,
                    nodes=failed,
                    reason=f"{len(failed)} element(s) reveal content on hover that keyboard focus does not reveal",
                )
            ]
        if review:
            return [
                meta.result(
                    url,
                    Outcome.NEEDS_REVIEW,
                    nodes=review,
                    reason=f"{len(review)} element(s) reveal "
                    "content on hover only; a person decides whether keyboard users need it",
                )
            ]
        if not tested:
            return [meta.result(url, Outcome.INAPPLICABLE, reason="no hover revealed content that hides again")]
        return [meta.result(url, Outcome.PASSED)]

    async def _poll(self, page: Page, expression: str, done: Callable[[Any], bool], limit: float) -> Any:
        """Evaluate until `done` holds or `limit` seconds have passed (script-driven tooltips often wait on a
        timer); each evaluate itself waits two frames for style and layout."""
        start = time.monotonic()
        while True:
            value = await page.evaluate(expression)
            if done(value) or time.monotonic() - start >= limit:
                return value
            await asyncio.sleep(0.05)

    async def _one(self, page: Page, i: int) -> tuple[Outcome, AuditNode] | None:
        """Hover trigger i, then try the keyboard; None when the hover showed nothing we can judge."""
        try:
            point = await page.evaluate(_PREPARE, i)
            if point is None:
                return None
            info = point["info"]
            size = page.viewport_size or {"width": 1280, "height": 800}
            await page.mouse.move(size["width"] - 1, size["height"] - 1)
            await page.mouse.move(point["x"], point["y"])
            start = time.monotonic()
            limit = self.script_wait_s if info["script"] else 0.0
            shown: dict[str, Any] = await self._poll(page, _REVEAL, lambda v: bool(v["count"]), limit)
            if not shown["count"]:
                return None
            # The other waits for this trigger: as long as the hover took, with a margin (a CSS reveal: none).
            wait = min(self.script_wait_s, 1.5 * (time.monotonic() - start) + 0.1) if info["script"] else 0.0
            # Away again: what the hover showed must hide, else it was not the hover (a timer, a sticky menu).
            for corner in ((size["width"] - 1, size["height"] - 1), (0, size["height"] - 1)):
                await page.mouse.move(*corner)
                if await self._poll(page, _STILL, lambda v: v == 0, wait) == 0:
                    break
            else:
                return None
            if await self._keyboard_reveals(page, wait):
                return Outcome.PASSED, AuditNode(info["selector"], info["html"])
        except PlaywrightError:  # the page navigated or the element went away: nothing to judge
            return None
        return self._verdict(info, shown)

    async def _keyboard_reveals(self, page: Page, wait: float) -> bool:
        await page.keyboard.press("Shift")  # the last input is the keyboard: focus() counts as :focus-visible
        try:
            for k in range(self.max_focus_targets):
                target = await page.evaluate(_FOCUS, k)  # blurs the one before
                if target is None:
                    return False
                if await self._poll(page, _STILL, lambda v: v >= SHOWN, wait) >= SHOWN:
                    return True
                if target["toggles"] and target["focused"]:
                    await page.keyboard.press("Enter")
                    if await self._poll(page, _STILL, lambda v: v >= SHOWN, wait) >= SHOWN:
                        await page.keyboard.press("Enter")  # close it again for the checks after us
                        return True
            return False
        finally:
            await page.evaluate(_BLUR)

    @staticmethod
    def _verdict(info: dict[str, Any], shown: dict[str, Any]) -> tuple[Outcome, AuditNode]:
        what = f'"{shown["text"]}"' if shown["text"] else "content"
        if shown["focusables"]:
            what += f" with {shown['focusables']} link(s) or control(s)"
        name = info["name"]
        if not info["focusable"]:
            return Outcome.NEEDS_REVIEW, AuditNode(
                info["selector"],
                info["html"],
                f"Hovering this element shows {what}, and it cannot take keyboard focus: "
                "can keyboard users get this content another way?",
            )
        repeats = bool(name) and shown["text"].strip().lower() == name.strip().lower()
        if repeats and not shown["focusables"]:
            return Outcome.NEEDS_REVIEW, AuditNode(
                info["selector"],
                info["html"],
                f"Hovering this element shows {what}, which repeats its own name, and focusing it does not: "
                "do keyboard users miss anything?",
            )
        return Outcome.FAILED, AuditNode(
            info["selector"],
            info["html"],
            f'Hovering "{name or info["selector"]}" shows {what}; focusing it with the keyboard does not.',
        )
