(h) => {
  const findings = [];
  let applicable = 0;
  const links = [...document.querySelectorAll('a[href]')].filter(a => h.visible(a));
  for (let i = 0; i + 1 < links.length; i++) {
    const a = links[i], b = links[i + 1];
    const href = a.getAttribute('href').trim();
    if (!href || href === '#' || /^javascript\s*:/i.test(href)) continue;
    applicable++;
    if (a.href !== b.href) continue;
    // Adjacent: nothing but white space between them in the same parent.
    let between = '';
    let n = a.nextSibling;
    while (n && n !== b) { between += n.textContent || ''; n = n.nextSibling; }
    if (n !== b || between.trim()) continue;
    const imgOnly = (x) => !h.text(x) && x.querySelector('img, svg');
    if (!imgOnly(a) && !imgOnly(b)) continue;
    findings.push({el: b, outcome: 'failed',
      message: `This link and the one just before it both go to ${a.href.slice(0, 120)}: they should be one link.`});
  }
  return {applicable, findings};
}
