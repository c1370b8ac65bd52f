(h) => {
  const findings = [];
  let applicable = 0;
  const all = document.body ? document.body.querySelectorAll('*') : [];
  for (let i = 0; i < all.length && i < 3000; i++) {
    const el = all[i];
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (!c || c === 'none' || c === 'normal' || c === '""') continue;
      // Only literal strings: counters, attr() and url() are numbering, references and images.
      const m = c.match(/^"((?:[^"\\]|\\.)*)"$/);
      if (!m) continue;
      applicable++;
      const value = m[1].replace(/\\[0-9a-f]{1,6}\s?/gi, '').trim();
      // Words: at least two letters in a row (icons are private-use glyphs, arrows and bullets are symbols).
      if (!/\p{L}{2,}/u.test(value) || /[\uE000-\uF8FF]/.test(m[1])) continue;
      if (!h.visible(el)) continue;
      findings.push({el, outcome: 'needs_review',
        message: `The style sheet inserts "${value.slice(0, 60)}" ${pseudo === '::before' ? 'before' : 'after'} this element: ` +
                 'is that text needed to understand the content?'});
      if (findings.length >= 20) return {applicable, findings};
    }
  }
  return {applicable, findings};
}
