"""WCAG 3.1.2 Language of Parts: a paragraph written in another language than the one it inherits
(from its own `lang`, an ancestor's, or the page's) is named to a human, one paragraph per question.

A language identifier (py3langid) reads each long enough paragraph; only confident, long readings
count, and never a language close to the declared one (Norwegian/Danish, Malay/Indonesian…)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import CSS_PATH_JS, primary_language, result
from audits.checks.language import detect_language, same_language, valid_language_tag
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult

RULE, WCAG = "language-of-parts", ("3.1.2",)
DESCRIPTION = "Passages in another language than the page's are marked with their own lang attribute"
MIN_CONFIDENCE = 0.99  # a passage is short: only a near-certain reading is worth a person's time
# Certain enough to fail: a long passage read as another language with next to no doubt.
FAIL_CONFIDENCE, FAIL_LENGTH = 0.9999, 300
MAX_QUESTIONS = 10

# Paragraph-like blocks with their own text and the language they inherit.
_BLOCKS = (
    "() => {"
    + CSS_PATH_JS
    + """
  const out = [];
  for (const el of document.querySelectorAll('p, li, blockquote, dd, td, h1, h2, h3, h4, h5, h6, figcaption')) {
    if (el.querySelector('p, li, blockquote, table')) continue;
    const text = (el.innerText || '').replace(/\\s+/g, ' ').trim();
    if (text.length < 200) continue;
    const owner = el.closest('[lang]');
    out.push({selector: cssPath(el), html: snippet(el), text: text.slice(0, 1500),
              lang: owner ? owner.getAttribute('lang') : ''});
    if (out.length >= 40) break;
  }
  return out;
}"""
)


def misdeclared(lang: str, text: str) -> tuple[str, bool] | None:
    """(the language `text` reads as, whether that is certain) when it is confidently not `lang`."""
    if not lang or not valid_language_tag(lang):
        return None  # no or invalid page language: page-language reports that, not this rule
    detected = detect_language(text)
    if detected is None or detected[1] < MIN_CONFIDENCE:
        return None
    if same_language(primary_language(lang), detected[0]):
        return None
    return detected[0], detected[1] >= FAIL_CONFIDENCE and len(text) >= FAIL_LENGTH


@dataclass(slots=True)
class LanguageOfPartsCheck:
    name: str = "language-of-parts"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        blocks = await page.evaluate(_BLOCKS)
        if not blocks:
            return [result(url, RULE, Outcome.INAPPLICABLE, WCAG, DESCRIPTION, reason="no paragraph long enough")]
        failed: list[AuditNode] = []
        review: list[AuditNode] = []
        for block in blocks:
            if (reading := misdeclared(block["lang"], block["text"])) is None:
                continue
            other, certain = reading
            if certain:
                message = f"This passage is written in {other!r} but inherits lang={block['lang']!r}."
            else:
                message = (
                    f"This passage inherits lang={block['lang']!r} but reads as {other!r}: is it in another "
                    "language (then mark it with its lang attribute)?"
                )
            node = AuditNode(selector=block["selector"], html=block["html"], message=message)
            (failed if certain else review).append(node)
        if not failed and not review:
            return [result(url, RULE, Outcome.PASSED, WCAG, DESCRIPTION)]
        outcome, nodes = (Outcome.FAILED, failed) if failed else (Outcome.NEEDS_REVIEW, review)
        return [
            result(
                url,
                RULE,
                outcome,
                WCAG,
                DESCRIPTION,
                nodes=nodes[:MAX_QUESTIONS],
                reason=f"{len(nodes)} passage(s) read as another language than they declare",
                impact="moderate",
            )
        ]
