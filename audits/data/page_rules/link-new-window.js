(h) => {
  // Warnings in the languages of the lexicons, and icons whose alt says it.
  const WARN = /(new|another|separate|external)\s+(window|tab|page)|opens?\s+in|nouvel(le)?\s+(fen[eê]tre|onglet)|neue[sn]?\s+(fenster|tab)|nueva\s+(ventana|pesta[nñ]a)|nova\s+(janela|aba|guia)|nuova\s+(finestra|scheda)|nieuw\s+(venster|tabblad)|新(窗口|視窗|标签|分頁)|نافذة جديدة|новом\s+окне|external|externe?|externo/i;
  const findings = [];
  let applicable = 0;
  for (const a of document.querySelectorAll('a[href][target]')) {
    const target = a.getAttribute('target').trim().toLowerCase();
    if (!target || ['_self', '_parent', '_top'].includes(target) || !h.visible(a)) continue;
    applicable++;
    const described = (a.getAttribute('aria-describedby') || '').split(/\s+/)
      .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(' ');
    const said = [h.accName(a), a.getAttribute('title') || '', described, a.textContent].join(' ');
    if (WARN.test(said)) continue;
    findings.push({el: a, outcome: 'failed',
      message: `The link "${h.accName(a).slice(0, 80)}" opens a new window (target="${target}") without saying so.`});
  }
  return {applicable, findings};
}
