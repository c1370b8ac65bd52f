(h) => {
  const DOC = /\.(pdf|docx?|xlsx?|pptx?|odt|ods|odp|rtf|csv|zip|epub)(?:$|[?#])/i;
  const findings = [];
  let applicable = 0;
  for (const a of document.querySelectorAll('a[href]')) {
    let path = '';
    try { path = new URL(a.getAttribute('href'), document.baseURI).pathname; } catch (e) { continue; }
    const m = path.match(DOC);
    if (!m || !h.visible(a)) continue;
    applicable++;
    const ext = m[1].toLowerCase().replace(/x$/, '');
    // The link's own words, and the text right after it ("Report</a> (PDF, 2 MB)").
    const after = a.nextSibling && a.nextSibling.nodeType === 3 ? a.nextSibling.textContent.slice(0, 40) : '';
    const said = [h.accName(a), a.getAttribute('title') || '', a.getAttribute('type') || '', a.textContent, after].join(' ');
    const formats = {pdf: /pdf/i, doc: /\b(doc|word)/i, xls: /\b(xls|excel|spreadsheet|tableur|hoja)/i,
      ppt: /\b(ppt|powerpoint|slides)/i, odt: /\b(odt|opendocument)/i, ods: /\b(ods|opendocument)/i,
      odp: /\b(odp|opendocument)/i, rtf: /rtf/i, csv: /csv/i, zip: /zip/i, epub: /epub/i};
    if ((formats[ext] || new RegExp(ext, 'i')).test(said)) continue;
    findings.push({el: a, outcome: 'failed',
      message: `The link "${h.accName(a).slice(0, 80)}" opens a ${ext.toUpperCase()} file but does not say so.`});
  }
  return {applicable, findings};
}
