(h) => {
  const findings = [];
  let applicable = 0;
  for (const el of document.querySelectorAll('[accesskey]')) {
    applicable++;
    findings.push({el, outcome: 'failed',
      message: `This element has accesskey="${el.getAttribute('accesskey').slice(0, 10)}".`});
  }
  return {applicable: applicable || 1, findings};
}
