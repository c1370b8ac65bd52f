"""Resizing a live page, and letting the page answer the resize before anything reads it.

Many pages answer a resize with a handler that waits: a `resize` listener (or a media query's `change`
listener) that clears and sets a timer of a few hundred milliseconds, then moves a menu or sets a height.
A step that read the page straight after a resize saw it before or after that timer, by the luck of the
machine's load: the same page gave different audit results from run to run. So an init script notes the
timers those listeners start, and `resize()` runs them at once, after the resize has been dispatched, and
lets the page draw a frame: what is read next is the page as it settles at that size, every time.
"""

from __future__ import annotations

from playwright.async_api import Page, ViewportSize

# In every document, before any page script. `window.event` is the event being dispatched while a
# listener runs: a timer set under a resize (or a media query's change) is the page's answer to it.
# Such a timer still runs in its own time if nothing flushes it. The flush is bound to the window,
# unwritable, and calls only what was captured here.
RESIZE_TIMERS_SCRIPT = """(() => {
  const apply = Reflect.apply, set = window.setTimeout, clear = window.clearTimeout;
  const raf = window.requestAnimationFrame, Settled = Promise;
  const pending = new Map();  // timer id -> the callback and its arguments
  const answersResize = () => {
    const e = window.event;
    return !!e && (e.type === 'resize' || (e.type === 'change' && e.target instanceof MediaQueryList));
  };
  window.setTimeout = function (handler, delay, ...args) {
    if (typeof handler !== 'function' || !answersResize() || !(Number(delay || 0) <= 1000)) {
      return apply(set, window, [handler, delay, ...args]);
    }
    const id = apply(set, window, [function () { pending.delete(id); return apply(handler, window, args); }, delay]);
    pending.set(id, [handler, args]);
    return id;
  };
  window.clearTimeout = function (id) { pending.delete(id); return apply(clear, window, [id]); };
  // Resolves after the next frame, or after 100 ms where no frame comes (a page that is not drawn).
  const frame = () => new Settled(resolve => {
    const fallback = apply(set, window, [resolve, 100]);
    apply(raf, window, [() => { apply(clear, window, [fallback]); resolve(); }]);
  });
  const settle = async () => {
    await frame();  // the resize events are dispatched in the frame after the viewport changed
    for (const [id, [handler, args]] of [...pending]) {
      pending.delete(id);
      apply(clear, window, [id]);
      try { apply(handler, window, args); } catch (e) { /* the page's own error, as if its timer had run */ }
    }
    await frame();
    return true;
  };
  try { Object.defineProperty(window, '__govauditResizeSettled', {value: settle}); } catch (e) {}
})();"""
# A document the init script did not reach (about:blank, say) is read after one frame.
_SETTLED = """() => typeof window.__govauditResizeSettled === 'function'
  ? window.__govauditResizeSettled()
  : new Promise(resolve => { setTimeout(resolve, 100, true); requestAnimationFrame(() => resolve(true)); })"""


async def resize(page: Page, size: ViewportSize) -> None:
    """Set the viewport to `size` and wait until the page has answered the resize (see the module)."""
    await page.set_viewport_size(size)
    await page.evaluate(_SETTLED)
