(h) => {
  const findings = [];
  let applicable = 0;
  for (const table of document.querySelectorAll('table')) {
    const role = (table.getAttribute('role') || '').toLowerCase();
    if (role === 'presentation' || role === 'none' || !h.visible(table)) continue;
    const rows = [...table.rows].filter(r => r.closest('table') === table);
    if (rows.length < 2) continue;
    const width = Math.max(...rows.map(r => r.cells.length));
    if (width < 2) continue;
    applicable++;
    const own = (sel) => [...table.querySelectorAll(sel)].filter(c => c.closest('table') === table);
    // td[headers] counts only when it points at header cells: HTML has headers name <th> cells, and one
    // naming other <td>s leaves the table with no header cell at all.
    const headerRef = (td) => (td.getAttribute('headers') || '').split(/\s+/).filter(Boolean)
      .map(id => document.getElementById(id)).some(c => c && c.matches('th, [role=columnheader], [role=rowheader]'));
    if (own('th, [role=columnheader], [role=rowheader], td[scope]').length || own('td[headers]').some(headerRef)) continue;
    // Layout signs: nested tables, form controls, headings or long paragraphs in the cells.
    const layout = table.querySelector('table, form, h1, h2, h3, h4, h5, h6, nav, p + p') ||
      own('td').some(c => h.text(c).length > 400);
    if (layout) {
      findings.push({el: table, outcome: 'needs_review',
        message: 'This table has no header cells and holds page structure (nested tables, forms or headings): ' +
                 'is it a layout table (then add role="presentation") or data (then mark its headers)?'});
      continue;
    }
    const first = rows[0];
    const firstText = [...first.cells].map(c => h.text(c));
    const bodyNumbers = own('td').filter(c => /^[\s\d.,%€$£¥+\-−/:()]+$/.test(h.text(c)) && /\d/.test(h.text(c))).length;
    const headLike = firstText.every(t => t && !/^[\d.,%]+$/.test(t)) &&
      ([...first.cells].every(c => c.querySelector('b, strong') || parseInt(getComputedStyle(c).fontWeight, 10) >= 600));
    // A caption or a summary says the table holds data (layout tables have neither).
    const described = !!(table.caption && h.text(table.caption)) || !!(table.getAttribute('summary') || '').trim();
    if (headLike || described || (rows.length >= 3 && width >= 3 && bodyNumbers >= 4)) {
      findings.push({el: table, outcome: 'failed',
        message: `This ${rows.length}×${width} data table (first row: "${firstText.join(' | ').slice(0, 80)}") has no header cells.`});
    } else {
      findings.push({el: table, outcome: 'needs_review',
        message: `This ${rows.length}×${width} table (first row: "${firstText.join(' | ').slice(0, 80)}") has no header cells: ` +
                 'is it data whose rows and columns need headers?'});
    }
  }
  return {applicable, findings};
}
