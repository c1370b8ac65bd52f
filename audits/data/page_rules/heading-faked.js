(h) => {
  const findings = [];
  let applicable = 0;
  const bodySize = parseFloat(getComputedStyle(document.body || document.documentElement).fontSize) || 16;
  const blocks = document.querySelectorAll('p, div');
  for (let i = 0; i < blocks.length && i < 3000; i++) {
    const el = blocks[i];
    if (el.closest('h1, h2, h3, h4, h5, h6, [role=heading], a, button, label, nav, header, footer, table, li, legend, form, [role=navigation]')) continue;
    const t = h.text(el);
    if (t.length < 3 || t.length > 80 || /[.:;,!?]$/.test(t) || !/\p{L}{2,}/u.test(t)) continue;
    if (el.querySelector('p, div, img, input, select, textarea, br, a, button')) continue;
    // The whole text is bold or clearly larger than the body text.
    const s = getComputedStyle(el);
    const strong = el.children.length === 1 && el.firstElementChild.matches('b, strong') && h.text(el.firstElementChild) === t;
    const weight = parseInt(s.fontWeight, 10) >= 700;
    const large = parseFloat(s.fontSize) >= bodySize * 1.2;
    if (!(strong || weight || large)) continue;
    // And a paragraph of normal text follows it.
    const next = el.nextElementSibling;
    if (!next || !next.matches('p, div, ul, ol') || h.text(next).length < 60) continue;
    if (parseInt(getComputedStyle(next).fontWeight, 10) >= 700) continue;
    if (!h.visible(el)) continue;
    applicable++;
    findings.push({el, outcome: 'needs_review',
      message: `"${t.slice(0, 80)}" looks like a heading (${strong || weight ? 'bold' : 'large'}, followed by text): ` +
               'should it be marked up as one?'});
    if (findings.length >= 20) break;
  }
  return {applicable: applicable || 1, findings};
}
