(h) => {
  const norm = (s) => s.toLowerCase().replace(/[\s\W_]+/gu, ' ').trim();
  const findings = [];
  let applicable = 0;
  for (const a of document.querySelectorAll('a[href][title]')) {
    const title = norm(a.getAttribute('title'));
    if (!title || !h.visible(a)) continue;
    applicable++;
    // The name the link has without its title (an icon link named only by its title repeats nothing).
    const own = h.text(a) + ' ' + [...a.querySelectorAll('img[alt]')].map(i => i.getAttribute('alt')).join(' ');
    const name = norm((a.getAttribute('aria-label') || '').trim() || own);
    if (!name || name !== title) continue;
    findings.push({el: a, outcome: 'failed', message: `The title repeats the link's name "${a.getAttribute('title').trim().slice(0, 80)}".`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
