(h) => {
  const findings = [];
  let applicable = 0;
  const seen = new Set();
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  let count = 0;
  for (let n = walker.nextNode(); n && count < 5000; n = walker.nextNode(), count++) {
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest('script, style, noscript, template, code, pre, abbr')) continue;
    const t = n.textContent.replace(/\s+/g, ' ').trim();
    const letters = t.replace(/[^\p{L}]/gu, '');
    if (letters.length < 25) continue;
    seen.add(el);
    const words = t.split(' ').filter(w => /\p{L}{2,}/u.test(w));
    if (words.length < 5 || !h.visible(el)) continue;
    applicable++;
    const shown = getComputedStyle(el).textTransform === 'uppercase' ? letters.toUpperCase() : letters;
    const upper = [...shown].filter(c => c !== c.toLowerCase()).length;
    const cased = [...shown].filter(c => c.toLowerCase() !== c.toUpperCase()).length;
    if (cased < 25 || upper / cased < 0.95) continue;
    findings.push({el, outcome: 'failed', message: `"${t.slice(0, 80)}" is written in capitals.`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
