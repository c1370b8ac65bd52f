(h) => {
  const norm = (u) => { try { const x = new URL(u, document.baseURI); x.hash = ''; return x.href.replace(/\/$/, ''); } catch (e) { return u; } };
  const byName = new Map();
  let applicable = 0;
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (a.tagName === 'A' && !h.visible(a)) continue;
    const href = a.getAttribute('href').trim();
    if (!href || href === '#' || /^javascript\s*:/i.test(href)) continue;
    const name = h.accName(a).toLowerCase().replace(/[\s.,:;!?»«›‹→…-]+/g, ' ').trim();
    if (!name) continue;
    applicable++;
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name).push({a, target: norm(a.href || href)});
  }
  const findings = [];
  for (const [name, links] of byName) {
    const targets = [...new Set(links.map(l => l.target))];
    if (targets.length < 2) continue;
    const first = links[0];
    const other = links.find(l => l.target !== first.target);
    findings.push({el: other.a, outcome: 'needs_review',
      message: `This link "${h.accName(other.a).slice(0, 80)}" goes to ${other.target} while another link with the ` +
               `same text goes to ${first.target}: does the context tell the two apart?`});
  }
  return {applicable, findings};
}
