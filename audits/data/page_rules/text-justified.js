(h) => {
  const findings = [];
  let applicable = 0;
  for (const el of document.querySelectorAll('p, div, li, td, dd, blockquote, article, section')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').replace(/\s+/g, ' ').trim();
    if (own.length < 200) continue;
    if (!h.visible(el)) continue;
    applicable++;
    const s = getComputedStyle(el);
    if (s.textAlign !== 'justify') continue;
    findings.push({el, outcome: 'failed', message: `This block of ${own.length} characters is justified.`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
