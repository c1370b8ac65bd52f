(h) => {
  const findings = [];
  const tables = [...document.querySelectorAll('table')];
  for (const t of tables) {
    const outer = t.parentElement && t.parentElement.closest('table');
    if (!outer || !h.visible(t)) continue;
    findings.push({el: t, outcome: 'failed', message: 'This table is inside another table.'});
    if (findings.length >= 20) break;
  }
  return {applicable: tables.length, findings};
}
