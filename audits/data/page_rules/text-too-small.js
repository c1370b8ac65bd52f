(h) => {
  const findings = [];
  let applicable = 0;
  const seen = new Set();
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  let count = 0;
  for (let n = walker.nextNode(); n && count < 5000; n = walker.nextNode(), count++) {
    const t = n.textContent.replace(/\s+/g, ' ').trim();
    if (t.length < 3 || !/\p{L}/u.test(t)) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest('script, style, noscript, template')) continue;
    seen.add(el);
    if (!h.visible(el)) continue;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || s.opacity === '0') continue;
    if (s.position === 'absolute' && (s.clip !== 'auto' || s.clipPath !== 'none') && (r.width <= 1 || r.height <= 1)) continue;
    applicable++;
    const size = parseFloat(s.fontSize);
    if (size >= 9) continue;
    findings.push({el, outcome: 'failed', message: `"${t.slice(0, 60)}" is ${size} px high.`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
