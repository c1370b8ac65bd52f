// Added to every page before its own scripts (an init script) when screenshots are taken: whether the page
// listens for scroll events, and when it last scrolled, kept under symbols the page never sees. After
// scrolling back to the top the screenshots give the page's scroll handlers (a sticky header turning
// compact, often debounced) their time since that last scroll, and do not wait on a page without any.
(() => {
  const CLOCK = Symbol.for('govaudit.scrolled-at');
  const LISTENS = Symbol.for('govaudit.scroll-listeners');
  window[CLOCK] = -1e9;
  window[LISTENS] = false;
  const add = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function addEventListener(type, listener, options) {
    if (String(type).toLowerCase() === 'scroll') window[LISTENS] = true;
    return add.call(this, type, listener, options);
  };
  // Capturing on window: an element's scroll event does not bubble, but passes window on its way down.
  add.call(window, 'scroll', () => { window[CLOCK] = performance.now(); }, {capture: true, passive: true});
})();
