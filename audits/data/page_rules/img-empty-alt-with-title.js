(h) => {
  const findings = [];
  let applicable = 0;
  for (const img of document.querySelectorAll('img[alt=""]')) {
    if (!h.visible(img)) continue;
    applicable++;
    const title = (img.getAttribute('title') || '').trim();
    const role = (img.getAttribute('role') || '').toLowerCase();
    if (!title || img.hasAttribute('aria-label') || img.hasAttribute('aria-labelledby')) continue;
    if (role && !['presentation', 'none'].includes(role)) continue;
    findings.push({el: img, outcome: 'failed',
      message: `The image has alt="" (decorative) but the title "${title.slice(0, 80)}".`});
  }
  return {applicable, findings};
}
