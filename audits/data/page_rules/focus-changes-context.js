(h) => {
  // Only handlers written in the markup can be read; a listener added by script is not visible here.
  const NAV = /(location(\.href)?\s*=|location\.(assign|replace|reload)\s*\(|window\.open\s*\(|\.submit\s*\(\s*\)|document\.URL\s*=|navigate\s*\(|\.blur\s*\(\s*\))/;
  const findings = [];
  let applicable = 0;
  for (const el of document.querySelectorAll('[onfocus], [onfocusin]')) {
    if (!h.visible(el)) continue;
    applicable++;
    const handler = ((el.getAttribute('onfocus') || '') + ' ' + (el.getAttribute('onfocusin') || '')).trim();
    if (!NAV.test(handler)) continue;
    const does = /blur\s*\(/.test(handler) ? 'takes focus away again' : 'opens a page, a window or submits a form';
    findings.push({el, outcome: 'failed',
      message: `When "${h.accName(el).slice(0, 60) || el.tagName.toLowerCase()}" receives focus, its handler ${does}: "${handler.slice(0, 120)}".`});
  }
  return {applicable, findings};
}
