(h) => {
  const FILE = /^[^\s]*\.(jpe?g|png|gif|svg|webp|bmp|tiff?|ico|avif)$/i;
  const CAMERA = /^(img|dsc|dscn|dcim|pxl|photo|image|pic)[-_ ]?\d{2,}$/i;
  const findings = [];
  let applicable = 0;
  for (const el of document.querySelectorAll('img[alt], input[type=image][alt], area[alt]')) {
    if (el.tagName !== 'AREA' && !h.visible(el)) continue;
    applicable++;
    const alt = el.getAttribute('alt').trim();
    if (!alt || !(FILE.test(alt) || CAMERA.test(alt))) continue;
    findings.push({el, outcome: 'failed', message: `The text alternative "${alt.slice(0, 80)}" is a file name.`});
  }
  return {applicable, findings};
}
