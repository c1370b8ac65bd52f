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
    if (legend && h.text(legend)) continue;
    findings.push({el: fs, outcome: 'failed',
      message: legend ? 'The fieldset\'s legend is empty.' : 'The fieldset has no legend.'});
  }
  return {applicable, findings};
}
