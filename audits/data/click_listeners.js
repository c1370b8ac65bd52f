// Added to every page before its own scripts (an init script): marks, with a symbol the page never
// sees, each element that gets a click, mouse or pointer listener of its own (and, apart, hover listeners), so that the page rules
// can tell a <div> button from a styled <div>. Page scripts cannot list listeners; this costs nothing.
(() => {
  const MARK = Symbol.for('govaudit.click-listener');
  const TYPES = new Set(['click', 'mousedown', 'mouseup', 'pointerdown', 'pointerup']);
  // A second mark for hover listeners: the hover-only check hovers these to see what they reveal.
  const HOVER = Symbol.for('govaudit.hover-listener');
  const HOVER_TYPES = new Set(['mouseover', 'mouseenter', 'pointerover', 'pointerenter']);
  const add = EventTarget.prototype.addEventListener;
  const mark = (target, type) => {
    try {
      if (!(target instanceof Element)) return;
      const t = String(type).toLowerCase();
      if (TYPES.has(t)) target[MARK] = true;
      if (HOVER_TYPES.has(t)) target[HOVER] = true;
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
