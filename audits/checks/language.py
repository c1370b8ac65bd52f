"""WCAG 3.1.1 Language of Page: `lang` is present, a well-formed BCP 47 tag with a registered
primary language, and roughly matches the language the page's text is written in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import ClassVar

from playwright.async_api import Page

from audits.checks.common import primary_language, result
from audits.outcome import Outcome
from audits.result import AuditNode, AuditResult
from crawler.language import language_identifier

RULE, WCAG = "page-language", ("3.1.1",)
DESCRIPTION = "The page declares its language with a valid lang attribute that matches its text"

# RFC 5646 `langtag` (well-formedness only) or a private-use tag; grandfathered tags are not used on the web.
_BCP47 = re.compile(
    r"^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?"
    r"|x(?:-[a-z\d]{1,8})+)$",
    re.IGNORECASE,
)
_LOOSE_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z\d]{1,8})+$", re.IGNORECASE)
# Languages a text classifier cannot tell apart reliably: a match within a group is a match.
_CLOSE = (
    frozenset({"no", "nb", "nn", "da"}),
    frozenset({"ms", "id"}),
    frozenset({"hr", "bs", "sr"}),
    frozenset({"he", "iw"}),
    frozenset({"id", "in"}),
    frozenset({"yi", "ji"}),
)
MIN_TEXT = 200  # characters; below this a language guess is noise
MIN_CONFIDENCE = 0.95

# The page's own text, without scripts and without parts that declare another language.
_TEXT = """() => {
  const root = document.documentElement;
  const clone = (document.body || root).cloneNode(true);
  const own = (root.getAttribute('lang') || '').toLowerCase();
  for (const el of clone.querySelectorAll('script, style, noscript, template, svg')) el.remove();
  for (const el of clone.querySelectorAll('[lang]')) {
    if (el.getAttribute('lang').toLowerCase() !== own) el.remove();
  }
  return {lang: root.getAttribute('lang'), xmlLang: root.getAttribute('xml:lang'),
          text: (clone.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 5000)};
}"""


@cache
def _registered() -> frozenset[str]:
    text = resources.files("audits.data").joinpath("iso639_1.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


def valid_language_tag(tag: str) -> bool:
    """Well-formed BCP 47 and, for a two-letter primary subtag, a registered ISO 639-1 code.
    Three-letter subtags are only checked for form (the full registry is not shipped); 4-8 letter
    primary subtags are reserved and never registered, so "english" is not a language tag."""
    tag = tag.strip()
    # Well-formed BCP 47, or (as the ACT rules read it: browsers and screen readers use the primary
    # subtag) any hyphen-separated alphanumeric subtags after a valid primary one, e.g. "en-US-GB".
    if not _BCP47.match(tag) and not _LOOSE_TAG.match(tag):
        return False
    primary = primary_language(tag)
    if primary == "x":
        return True
    return primary in _registered() if len(primary) == 2 else len(primary) == 3


def detect_language(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, probability) or None when the text is too short to say."""
    if len(text) < MIN_TEXT:
        return None
    lang, prob = language_identifier().classify(text)
    return str(lang), float(prob)


def same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _CLOSE)


def classify_language(lang: str | None, text: str) -> tuple[Outcome, str]:
    if lang is None or not lang.strip():
        return Outcome.FAILED, "the html element has no lang attribute"
    if not valid_language_tag(lang):
        return Outcome.FAILED, f"lang={lang!r} is not a valid BCP 47 language tag"
    detected = detect_language(text)
    declared = primary_language(lang)
    if detected and detected[1] >= MIN_CONFIDENCE and not same_language(declared, detected[0]):
        return (
            Outcome.NEEDS_REVIEW,
            f"lang={lang!r} but the text reads as {detected[0]!r} (p={detected[1]:.2f})",
        )
    return Outcome.PASSED, ""


@dataclass(slots=True)
class LanguageCheck:
    name: str = "page-language"
    rule_ids: ClassVar[tuple[str, ...]] = (RULE,)  # the rules its results are about

    async def inspect(self, page: Page, url: str) -> list[AuditResult]:
        found = await page.evaluate(_TEXT)
        outcome, reason = classify_language(found["lang"], found["text"])
        if found["xmlLang"] and found["lang"] and primary_language(found["xmlLang"]) != primary_language(found["lang"]):
            outcome, reason = Outcome.FAILED, f"lang={found['lang']!r} and xml:lang={found['xmlLang']!r} disagree"
        node = AuditNode(selector="html", html=f'<html lang="{found["lang"] or ""}">', message=reason)
        return [
            result(
                url,
                RULE,
                outcome,
                WCAG,
                DESCRIPTION,
                nodes=(node,) if outcome is not Outcome.PASSED else (),
                reason=reason,
                impact="serious" if outcome is Outcome.FAILED else None,
            )
        ]
