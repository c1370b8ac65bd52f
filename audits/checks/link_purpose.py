"""WCAG 2.4.4 Link Purpose (In Context): links whose accessible name is a generic phrase such as
"click here" or "lire la suite" go to a human, who reads them with their surrounding context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, load_data, nodes_from, primary_language, result
from audits.outcome import Outcome
from audits.result import AuditResult

RULE, WCAG = "link-purpose-generic", ("2.4.4",)
DESCRIPTION = 'Link texts say where the link goes, not only "click here" or "read more"'
# Punctuation, arrows, ellipses and symbols that decorate generic links ("Read more »", "More…").
_DECORATION = re.compile(r"[\s\W_»«›‹→←↗▶►…]+", re.UNICODE)

# Accessible name (aria-labelledby, aria-label, then text with image alts), and the sentence
# around the link that a reviewer needs to judge "purpose in context".
_LINKS = (
    "() => {"
    + CSS_PATH_JS
    + """
  const name = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const t = by.split(/\\s+/).map(id => document.getElementById(id)).filter(Boolean)
        .map(e => e.textContent).join(' ').trim();
      if (t) return t;
    }
    const label = (el.getAttribute('aria-label') || '').trim();
    if (label) return label;
    let text = '';
    const walk = (n) => {
      if (n.nodeType === 3) text += n.textContent;
      else if (n.nodeType === 1) {
        if (n.getAttribute('aria-hidden') === 'true') return;
        if (n.tagName === 'IMG' || n.getAttribute('role') === 'img') {
          text += ' ' + (n.getAttribute('alt') || n.getAttribute('aria-label') || '') + ' ';
        }
        n.childNodes.forEach(walk);
      }
    };
    walk(el);
    return text.trim() || (el.getAttribute('title') || '').trim();
  };
  const out = [];
  for (const el of document.querySelectorAll('a[href], [role=link]')) {
    const context = (el.closest('p, li, td, th, dd, figcaption, article, section') || el.parentElement || el)
      .textContent.replace(/\\s+/g, ' ').trim().slice(0, 160);
    out.push({name: name(el).replace(/\\s+/g, ' '), selector: cssPath(el), html: snippet(el), context});
  }
  return {links: out, lang: document.documentElement.getAttribute('lang') || ''};
}"""
)


def normalise(text: str) -> str:
    return _DECORATION.sub(" ", text.lower()).strip()


def generic_texts(language: str) -> frozenset[str]:
    """The page's language plus English: government sites mix English widgets into other languages."""
    lists: dict[str, list[str]] = load_data("generic_link_texts.yaml")
    chosen = {primary_language(language), "en"}
    return frozenset(normalise(text) for lang in chosen for text in lists.get(lang, []))


@dataclass(slots=True)
class LinkPurposeCheck:
    """`language` overrides the page's `lang` (the crawler's detected language, say)."""

    language: str = ""
    name: str = "link-purpose"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        found = await page.evaluate(_LINKS)
        links = found["links"]
        if not links:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="the page has no links")]
        generic = generic_texts(self.language or found["lang"])
        vague = [
            {**link, "message": f"link text {link['name']!r} is generic; context: {link['context']!r}"}
            for link in links
            if normalise(link["name"]) in generic
        ]
        if not vague:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION)]
        return [
            result(
                url,
                RULE,
                Outcome.NEEDS_REVIEW,
                WCAG,
                DESCRIPTION,
                nodes=nodes_from(vague),
                reason=f"{len(vague)} link(s) with a generic text: check that the context gives their purpose",
                impact="moderate",
            )
        ]
