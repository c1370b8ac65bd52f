(h) => {
  const findings = [];
  let applicable = 0;
  for (const a of document.querySelectorAll('a[href]')) {
    if (!h.visible(a)) continue;
    applicable++;
    const href = a.getAttribute('href').trim();
    const voidHref = href === '#' || /^javascript\s*:/i.test(href);
    if (!voidHref) continue;
    const role = (a.getAttribute('role') || '').toLowerCase();
    if (role && role !== 'link') continue;  // announced as what it does (button, tab, menuitem...)
    const name = h.accName(a);
    findings.push({el: a, outcome: 'needs_review',
      message: `The link ${JSON.stringify(name.slice(0, 80))} has href="${href.slice(0, 40)}": does it take the user ` +
               'somewhere (then give it that address), or is it a button (then mark it as one)?'});
  }
  return {applicable, findings};
}
