(h) => {
  const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/g;
  const findings = [];
  let applicable = 0;
  for (const el of document.querySelectorAll('p, li, td, dd, blockquote, h1, h2, h3, h4, h5, h6')) {
    const t = h.text(el);
    const letters = t.replace(/[^\p{L}]/gu, '');
    if (letters.length < 20) continue;
    const rtl = (letters.match(RTL) || []).length;
    if (rtl / letters.length < 0.8) continue;
    if (!h.visible(el)) continue;
    applicable++;
    if (getComputedStyle(el).direction === 'rtl') continue;
    if (el.querySelector('[dir]') || el.closest('[dir=auto]')) continue;
    findings.push({el, outcome: 'failed',
      message: `"${t.slice(0, 60)}" is right-to-left text shown left to right (no dir="rtl").`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
