(h) => {
  const NATIVE = 'a[href], area[href], button, input, select, textarea, summary, label, option, details, video, audio, iframe, object, embed';
  const findings = [];
  let applicable = 0;
  const marked = [...(document.body ? document.body.getElementsByTagName('*') : [])].filter(h.hasClickListener);
  const withAttribute = [...document.querySelectorAll('[onmousedown], [onmouseup]')];
  for (const el of new Set([...marked, ...withAttribute])) {
    if (el === document.body || el === document.documentElement || !h.visible(el)) continue;
    applicable++;
    if (el.matches(NATIVE) || h.focusable(el) || el.hasAttribute('tabindex')) continue;
    // A handler on a container that holds its own focusable controls is event delegation.
    if (el.querySelector(h.FOCUSABLE)) continue;
    // Inside a link or button, the click is the parent's.
    if (el.parentElement && el.parentElement.closest(NATIVE + ', [role=button], [role=link], [tabindex]')) continue;
    const name = h.text(el).slice(0, 60) || h.accName(el).slice(0, 60);
    findings.push({el, outcome: 'failed',
      message: `"${name}" (<${el.tagName.toLowerCase()}>) reacts to a click but cannot take keyboard focus.`});
  }
  return {applicable, findings};
}
