(h) => {
  // A hint: a short text block beside the field or its label, named like one (class or id with hint, help,
  // instruction, description) or worded like one ("For example", "e.g.", "Format:"). Only asks.
  const NAMED = /(^|[-_\s])(hint|help|instructions?|description|desc|format|helper)([-_\s]|text|$)/i;
  const WORDED = /^(e\.\s?g\.|for example|format\s*:|par exemple|ex\.\s*:|por ejemplo|ej\.|z\.\s?b\.|zum beispiel)/i;
  const findings = [];
  let applicable = 0;
  const fields = document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]):not([type=checkbox]):not([type=radio]), select, textarea');
  for (const field of fields) {
    if (findings.length >= 20) break;
    if (!h.visible(field)) continue;
    applicable++;
    const described = new Set((field.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
    const labels = [...(field.labels || [])];
    const near = new Set();
    for (const from of [field, ...labels]) {
      let s = from.previousElementSibling;
      for (let i = 0; s && i < 2; s = s.previousElementSibling, i++) near.add(s);
      s = from.nextElementSibling;
      for (let i = 0; s && i < 2; s = s.nextElementSibling, i++) near.add(s);
    }
    for (const el of near) {
      if (el === field || labels.includes(el) || el.matches('label, input, select, textarea, button, fieldset, legend, script, style') ||
          el.querySelector('input, select, textarea, button, label')) continue;
      const t = h.text(el);
      if (t.length < 5 || t.length > 200 || !h.visible(el)) continue;
      const named = NAMED.test(el.className || '') || NAMED.test(el.id || '');
      if (!named && !WORDED.test(t)) continue;
      if (described.has(el.id) || [...described].some(id => { const d = document.getElementById(id); return d && (d.contains(el) || el.contains(d)); })) continue;
      if (labels.some(l => l.contains(el) || h.text(l).includes(t))) continue;
      if (el.getAttribute('role') === 'alert' || el.getAttribute('aria-live')) continue;
      findings.push({el, outcome: 'needs_review',
        message: `The text "${t.slice(0, 80)}" beside the field "${h.accName(field).slice(0, 40) || field.name || field.id}" is not in its ` +
                 'aria-describedby: is it a hint screen-reader users need to hear with the field?'});
      break;
    }
  }
  return {applicable, findings};
}
