"""Focus not moved into a dialog that opens (WCAG 2.4.3 Focus Order).

Only controls that say they open a dialog are used, so that the check never submits a form or leaves
the page: `aria-haspopup="dialog"`, or a button or same-page link whose `aria-controls`, `commandfor`,
`data-target`/`data-bs-target` or `#fragment` names a hidden `<dialog>`, `role=dialog`/`alertdialog`
or `aria-modal=true` element. For a few of them we focus the control, press Enter as a keyboard user
would, and give the dialog up to `wait_s` to appear and take focus (scripts often move focus after an
animation). A modal dialog (`:modal`, `aria-modal=true`, `alertdialog`) that opened with focus left
outside it fails; a non-modal one goes to a person. Escape (or the dialog's own close()) closes it
again; the check runs after the keyboard walk, so nothing after it depends on the page's state.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any, ClassVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, check_meta
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

RULE = "dialog-focus"

_SETUP = (
    "(max) => {"
    + CSS_PATH_JS
    + """
  const DIALOG = 'dialog, [role=dialog], [role=alertdialog], [aria-modal=true]';
  const shown = (el) => el.isConnected && (!el.checkVisibility ||
    el.checkVisibility({opacityProperty: true, visibilityProperty: true})) &&
    el.getBoundingClientRect().width * el.getBoundingClientRect().height >= 1;
  const byId = (v) => {
    const id = (v || '').trim().replace(/^#/, '');
    if (!id || /\\s/.test(id)) return null;
    const el = document.getElementById(id);
    return el && el.matches(DIALOG) ? el : null;
  };
  const BUTTON = 'button, [role=button], input[type=button], a[href^="#"], a:not([href]), a[href^="javascript:"]';
  const openers = [];
  const seen = new Set();
  for (const el of document.querySelectorAll(
      '[aria-haspopup=dialog], [aria-controls], [commandfor], [data-target], [data-bs-target], a[href^="#"]')) {
    if (openers.length >= max) break;
    if (seen.has(el) || !el.matches(BUTTON) || el.disabled || !shown(el) || el.closest(DIALOG)) continue;
    if (el.form && (el.type || '').toLowerCase() === 'submit') continue;
    const target = byId(el.getAttribute('aria-controls')) || byId(el.getAttribute('commandfor')) ||
      byId(el.getAttribute('data-target')) || byId(el.getAttribute('data-bs-target')) ||
      (el.matches('a[href^="#"]') ? byId(el.getAttribute('href')) : null);
    if (target ? shown(target) : el.getAttribute('aria-haspopup') !== 'dialog') continue;
    seen.add(el);
    openers.push(el);
  }
  let before = new Set();
  const words = (el, attr) => (el.getAttribute(attr) || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  const open = () => [...document.querySelectorAll(DIALOG)].filter(shown);
  const prepare = (i) => {
    const el = openers[i];
    if (!el || !el.isConnected || !shown(el)) return false;
    before = new Set(open());
    el.scrollIntoView({block: 'center'});
    el.focus();
    return document.activeElement === el;
  };
  // The dialog this activation opened (outermost new one), and where focus is.
  const look = () => {
    const fresh = open().filter(d => !before.has(d));
    const dialog = fresh.find(d => !fresh.some(o => o !== d && o.contains(d)));
    if (!dialog) return {opened: false};
    let active = document.activeElement;
    while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
    const inside = !!active && (dialog === active || dialog.contains(active));
    const modal = dialog.matches(':modal') || dialog.getAttribute('aria-modal') === 'true' ||
      dialog.getAttribute('role') === 'alertdialog';
    const where = !active || active === document.body ? 'the page body' :
      openers.includes(active) ? 'the control that opened it' : cssPath(active);
    return {opened: true, inside, modal, where, dialog: cssPath(dialog),
            label: words(dialog, 'aria-label')};
  };
  const close = () => {
    for (const d of open().filter(d => !before.has(d))) {
      if (d.tagName === 'DIALOG' && d.open) d.close();
    }
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  };
  const describe = (i) => ({selector: cssPath(openers[i]), html: snippet(openers[i]),
    name: words(openers[i], 'aria-label')});
  window.__govauditDialog = {prepare, look, close, describe};
  return openers.length;
}"""
)

_PREPARE = "(i) => window.__govauditDialog.prepare(i)"
_LOOK = "() => window.__govauditDialog.look()"
_CLOSE = "() => window.__govauditDialog.close()"
_DESCRIBE = "(i) => window.__govauditDialog.describe(i)"
_RESET = """() => {
  delete window.__govauditDialog;
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  window.scrollTo(0, 0);
}"""


@dataclass(slots=True)
class DialogFocusCheck:
    """`max_openers` bounds the cost (each: a key press and up to `wait_s` of waiting)."""

    max_openers: int = 3
    wait_s: float = 0.8
    name: str = "dialog-focus"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        meta = check_meta(RULE)
        try:
            count = await page.evaluate(_SETUP, self.max_openers)
        except PlaywrightError as exc:
            return [meta.result(url, Outcome.ERROR, reason=f"dialog check failed: {str(exc).splitlines()[0]}")]
        if not count:
            return [meta.result(url, Outcome.INAPPLICABLE, reason="no control says it opens a dialog")]
        failed: list[AuditNode] = []
        review: list[AuditNode] = []
        opened = 0
        try:
            for i in range(count):
                seen = await self._one(page, i)
                if seen is None:
                    continue
                opened += 1
                look, opener = seen
                if look["inside"]:
                    continue
                message = (
                    f'Pressing Enter on "{opener["name"]}" opens the dialog "{look["label"]}" '
                    f"({look['dialog']}), but focus stays on {look['where']}"
                )
                if look["modal"]:
                    failed.append(AuditNode(opener["selector"], opener["html"], message + "."))
                else:
                    review.append(
                        AuditNode(
                            opener["selector"],
                            opener["html"],
                            message + ": this dialog is not modal; can keyboard users find and reach it?",
                        )
                    )
        finally:
            with contextlib.suppress(PlaywrightError):
                await page.evaluate(_RESET)
        if failed:
            return [
                meta.result(
                    url,
                    Outcome.FAILED,
                    nodes=failed,
                    reason=f"{len(failed)} modal dialog(s) open without receiving focus",
                )
            ]
        if review:
            return [
                meta.result(
                    url,
                    Outcome.NEEDS_REVIEW,
                    nodes=review,
                    reason=f"{len(review)} dialog(s) open without receiving focus",
                )
            ]
        if not opened:
            return [meta.result(url, Outcome.INAPPLICABLE, reason="no dialog opened from the keyboard")]
        return [meta.result(url, Outcome.PASSED)]

    async def _one(self, page: Page, i: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Open dialog i from the keyboard; what opened and where focus went, or None if nothing opened."""
        try:
            if not await page.evaluate(_PREPARE, i):
                return None
            opener = await page.evaluate(_DESCRIBE, i)
            await page.keyboard.press("Enter")
            look: dict[str, Any] = {"opened": False}
            for pause in (0.0, 0.1, 0.2, self.wait_s - 0.3):  # pass as soon as focus is inside
                await asyncio.sleep(max(pause, 0.0))
                look = await page.evaluate(_LOOK)
                if look["opened"] and look["inside"]:
                    break
            if not look["opened"]:
                return None
            await page.keyboard.press("Escape")
            await page.evaluate(_CLOSE)
            return look, opener
        except PlaywrightError:  # the page navigated or the control went away
            return None
