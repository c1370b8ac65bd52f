"""Resizing a live page, and letting the page answer the resize before anything reads it.

Many pages answer a resize with a handler that waits: a `resize` listener (or a media query's `change`
listener) that clears and sets a timer of a few hundred milliseconds, then moves a menu or sets a height.
A step that read the page straight after a resize saw it before or after that timer, by the luck of the
machine's load: the same page gave different audit results from run to run. So an init script notes the
timers those listeners start, and `resize()` runs them at once, after the resize has been dispatched, and
lets the page draw a frame: what is read next is the page as it settles at that size, every time.

"After the resize has been dispatched" is waited for, not assumed after a frame: the new size reaches the
page's renderer on a channel of its own, and on a loaded machine a frame can come (or the frame's fallback
run out) before the page has its resize event. Timers were then run early, or a timer of the previous
size ran at the new one, and the page's own answer to the new size came after the audit had read the page.
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
  const listen = window.addEventListener, unlisten = window.removeEventListener;
  const pending = new Map();  // timer id -> the callback and its arguments
  // The size of the page's last resize event (at first, the size it was created at). Registered before any
  // page script, this listener runs before the page's own.
  // Read with the getters captured here: a page that replaced window.innerWidth would make every resize wait its cap.
  const getter = (name) => Object.getOwnPropertyDescriptor(window, name)?.get;
  const width = getter('innerWidth'), height = getter('innerHeight');
  const sizeOf = () => width && height ? `${apply(width, window, [])}x${apply(height, window, [])}`
                                       : `${window.innerWidth}x${window.innerHeight}`;
  let answered = sizeOf();
  const note = () => { answered = sizeOf(); };
  apply(listen, window, ['resize', note]);
  // document.open(), and a document.write() after load, remove every listener of the window: ours is added
  // again (adding a listener that is there already does nothing).
  for (const name of ['open', 'write', 'writeln']) {
    const original = Document.prototype[name];
    Document.prototype[name] = function (...args) {
      try { return apply(original, this, args); } finally { apply(listen, window, ['resize', note]); }
    };
  }
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
  // Resolves once the page has had its resize event for `size` and every listener of that frame has run
  // (a task queued from the event runs after them), or after `capMs` for a page that gets none.
  const resized = (size, capMs) => new Settled(resolve => {
    if (!size || answered === size) { resolve(); return; }
    const done = () => { apply(unlisten, window, ['resize', check]); apply(clear, window, [cap]); resolve(); };
    // Notes the size too, for a document opened where the wrappers above do not reach (another script world).
    const check = () => { note(); if (answered === size) apply(set, window, [done, 0]); };
    const cap = apply(set, window, [done, capMs]);
    apply(listen, window, ['resize', check]);
  });
  const settle = async (size, capMs) => {
    await resized(size, capMs);
    await frame();  // a media query's change listeners run in the frame that dispatched the resize
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
_SETTLED = """([size, capMs]) => typeof window.__govauditResizeSettled === 'function'
  ? window.__govauditResizeSettled(size, capMs)
  : new Promise(resolve => { setTimeout(resolve, 100, true); requestAnimationFrame(() => resolve(true)); })"""
# How long a page may take to get its resize event: past it, the page is read as it is. Only a page whose
# event never comes (one that is never drawn) waits this long.
RESIZE_EVENT_CAP_MS = 3000


async def resize(page: Page, size: ViewportSize) -> None:
    """Set the viewport to `size` and wait until the page has answered the resize (see the module)."""
    await page.set_viewport_size(size)
    await page.evaluate(_SETTLED, [f"{size['width']}x{size['height']}", RESIZE_EVENT_CAP_MS])
