(h) => {
  const findings = [];
  let applicable = 0;
  for (const fs of document.querySelectorAll('fieldset')) {
    if (!h.visible(fs)) continue;
    const role = (fs.getAttribute('role') || '').toLowerCase();
    if (role === 'presentation' || role === 'none') continue;
    applicable++;
    if (fs.hasAttribute('aria-label') && fs.getAttribute('aria-label').trim()) continue;
    if (fs.hasAttribute('aria-labelledby') && h.accName(fs)) continue;
    const legend = [...fs.children].find(c => c.tagName === 'LEGEND');
    // A legend hidden with display:none or visibility:hidden names nothing (a visually hidden one does).
    const shown = legend && getComputedStyle(legend).display !== 'none' && getComputedStyle(legend).visibility !== 'hidden'
      && !legend.hasAttribute('hidden') && legend.getAttribute('aria-hidden') !== 'true';
    if (legend && shown && h.text(legend)) continue;
    findings.push({el: fs, outcome: 'failed',
      message: !legend ? 'The fieldset has no legend.'
        : !shown ? 'The fieldset\'s legend is hidden from everyone.' : 'The fieldset\'s legend is empty.'});
  }
  return {applicable, findings};
}
