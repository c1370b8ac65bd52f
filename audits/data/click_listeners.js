// Added to every page before its own scripts (an init script): marks, with a symbol the page never
// sees, each element that gets a click, mouse or pointer listener of its own, so that the page rules
// can tell a <div> button from a styled <div>. Page scripts cannot list listeners; this costs nothing.
(() => {
  const MARK = Symbol.for('govaudit.click-listener');
  const TYPES = new Set(['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup']);
  const add = EventTarget.prototype.addEventListener;
  const mark = (target, type) => {
    try {
      if (target instanceof Element && TYPES.has(String(type).toLowerCase())) target[MARK] = true;
    } catch (e) { /* a cross-realm or exotic target: leave it unmarked */ }
  };
  EventTarget.prototype.addEventListener = function addEventListener(type, listener, options) {
    mark(this, type);
    return add.call(this, type, listener, options);
  };
  const onclick = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'onclick');
  if (onclick && onclick.set) {
    Object.defineProperty(HTMLElement.prototype, 'onclick', {
      ...onclick,
      set(value) { if (value) mark(this, 'click'); return onclick.set.call(this, value); },
    });
  }
})();
