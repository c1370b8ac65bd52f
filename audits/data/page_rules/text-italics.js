(h) => {
  // A passage: one element's own text of 200+ characters, at least 95 % of it shown in italics
  // (font-style italic/oblique, whether set by CSS or by <i>/<em>). Quotes and poems are left alone.
  const findings = [];
  let applicable = 0;
  const seen = new Set();
  const blocks = document.querySelectorAll('p, li, dd, td, div, blockquote');
  for (let i = 0; i < blocks.length && i < 3000; i++) {
    const el = blocks[i];
    if (seen.has(el) || el.closest('blockquote, q, cite, code, pre, address, [lang]:not(html)') ||
        el.querySelector('p, li, div, table, ul, ol')) continue;
    const t = h.text(el);
    if (t.replace(/[^\p{L}]/gu, '').length < 200) continue;
    if (!h.visible(el)) continue;
    seen.add(el);
    applicable++;
    let italic = 0, total = 0;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const len = n.textContent.replace(/\s+/g, '').length;
      if (!len || !n.parentElement) continue;
      total += len;
      const style = getComputedStyle(n.parentElement).fontStyle;
      if (style === 'italic' || style.startsWith('oblique')) italic += len;
    }
    if (!total || italic / total < 0.95) continue;
    findings.push({el, outcome: 'failed', message: `"${t.slice(0, 80)}…" (${t.length} characters) is set in italics.`});
    if (findings.length >= 20) break;
  }
  return {applicable, findings};
}
