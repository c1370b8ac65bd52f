(h) => {
  const NAV = /(location(\.href)?\s*=|location\.(assign|replace)\s*\(|window\.open\s*\(|\.submit\s*\(\s*\)|document\.URL\s*=|navigate\s*\()/;
  const findings = [];
  let applicable = 0;
  for (const el of document.querySelectorAll('select, input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]), textarea')) {
    if (!h.visible(el)) continue;
    applicable++;
    const handler = (el.getAttribute('onchange') || '') + ' ' + (el.getAttribute('oninput') || '');
    if (!handler.trim()) continue;
    const what = el.tagName === 'SELECT' ? 'drop-down' : 'field';
    if (NAV.test(handler)) {
      findings.push({el, outcome: 'failed',
        message: `This ${what}'s change handler opens a page or submits the form: "${handler.trim().slice(0, 120)}".`});
    } else {
      findings.push({el, outcome: 'needs_review',
        message: `This ${what} runs "${handler.trim().slice(0, 120)}" when it changes: does that change the page ` +
                 'or move focus without the user asking for it?'});
    }
  }
  return {applicable, findings};
}
