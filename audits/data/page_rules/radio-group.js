(h) => {
  const GROUP = 'fieldset, [role=radiogroup], [role=group], [role=grid], [role=listbox], [role=menu], [role=table], table, [role=tablist]';
  const byName = new Map();
  for (const input of document.querySelectorAll('input[type=radio][name], input[type=checkbox][name]')) {
    if (!h.visible(input)) continue;
    const key = (input.form ? 'form' + [...document.forms].indexOf(input.form) : 'doc') + '|' + input.type + '|' + input.name;
    if (!byName.has(key)) byName.set(key, []);
    byName.get(key).push(input);
  }
  const findings = [];
  let applicable = 0;
  for (const [key, inputs] of byName) {
    if (inputs.length < 2) continue;
    applicable++;
    const grouped = (el) => {
      const g = el.closest(GROUP);
      if (!g) return false;
      // A data table groups its rows' options; a layout table (role=presentation) groups nothing.
      if (g.tagName === 'TABLE') return !['presentation', 'none'].includes((g.getAttribute('role') || '').toLowerCase());
      return g.tagName === 'FIELDSET' || h.accName(g) || g.getAttribute('role') === 'grid';
    };
    if (inputs.every(grouped)) continue;
    const first = inputs.find(i => !grouped(i));
    if (first.type === 'radio') {
      findings.push({el: first, outcome: 'failed',
        message: `${inputs.length} radio buttons named "${first.name}" are not in a fieldset or named group.`});
    } else {
      findings.push({el: first, outcome: 'needs_review',
        message: `${inputs.length} checkboxes named "${first.name}" are not in a fieldset or named group: ` +
                 'do they answer one question that their labels alone do not state?'});
    }
  }
  return {applicable, findings};
}
