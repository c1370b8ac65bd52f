(h) => {
  const norm = (s) => s.toLowerCase().replace(/[\s\W_]+/gu, ' ').trim();
  const findings = [];
  let applicable = 0;
  for (const a of document.querySelectorAll('a[href][title]')) {
    const title = norm(a.getAttribute('title'));
    if (!title || !h.visible(a)) continue;
    applicable++;
    const name = norm(h.text(a) || h.accName(a));
    if (name !== title) continue;
    findings.push({el: a, outcome: 'failed', message: `The title repeats the link text "${h.text(a).slice(0, 80)}".`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
