(h) => {
  const norm = (s) => s.toLowerCase().replace(/[\s\W_]+/g, ' ').trim();
  const findings = [];
  let applicable = 0;
  for (const img of document.querySelectorAll('img[alt][title]')) {
    if (!h.visible(img)) continue;
    const alt = norm(img.getAttribute('alt'));
    if (!alt) continue;
    applicable++;
    if (alt !== norm(img.getAttribute('title'))) continue;
    findings.push({el: img, outcome: 'failed', message: `The title repeats the alt "${img.getAttribute('alt').slice(0, 80)}".`});
  }
  return {applicable, findings};
}
