"""Dates written in pages, per language, with month names from the lexicons (`months`,
`months_short` and `months_alt`, each in calendar order): "5 March 2026", "March 5, 2026", "1er mars 2026",
"5 de marzo de 2026", "5. März 2026", "5 марта 2026 г.", "5 مارس 2026" (Arabic-Indic digits too),
numeric "2026-03-05", "05.03.2026" and "2026年3月5日" (CJK, read without word boundaries), plus
`<time datetime>` in markup and HTTP dates (Last-Modified)."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cache

from rules.lexicon import Lexicons, fold, load_lexicon

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# day.month.year as German and Russian pages write it; year年month月day日 in Chinese and Japanese
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_LISTS = ("months", "months_short", "months_alt")
_TIME_TAG = re.compile(r"""<time\b[^>]*\bdatetime\s*=\s*["']?(\d{4}-\d{2}-\d{2})""", re.IGNORECASE)


@cache
def _patterns(
    languages: tuple[str, ...],
) -> tuple[dict[str, int], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Month name → number, and the day-month-year, month-day-year and month-year patterns over folded text."""
    months: dict[str, int] = {}
    for lexicon in map(load_lexicon, languages):
        for concept in _MONTH_LISTS:
            names = lexicon.terms(concept)
            if names and len(names) != 12:
                raise ValueError(f"lexicon {lexicon.language}: {concept} must list 12 months, not {len(names)}")
            for number, name in enumerate(names, start=1):
                months.setdefault(fold(name), number)
    alternation = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    # "5 March 2026", "05 mars 2026", "1er mars 2026", "5th of March 2026", "Mar. 5, 2026",
    # "5 de marzo de 2026", "1º de março de 2026" (º folds to o), "5. März 2026", "5 марта 2026"
    day_first = re.compile(
        rf"\b(\d{{1,2}})(?:er|st|nd|rd|th|o|\.)?\s+(?:(?:of|de|del)\s+)?({alternation})\.?,?\s+(?:(?:de|del)\s+)?(\d{{4}})\b"
    )
    month_first = re.compile(rf"\b({alternation})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")
    # "Updated: March 2026", "décembre 2019", "marzo de 2026": a month without its day
    month_year = re.compile(rf"\b({alternation})\.?,?\s+(?:(?:de|del)\s+)?(\d{{4}})\b")
    return months, day_first, month_first, month_year


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dates_in_text(text: str, lexicons: Lexicons) -> list[date]:
    """Every date written in `text`, in the lexicons' languages: full dates (day, month, year), and a
    month named with its year alone as the first of that month."""
    months, day_first, month_first, month_year = _patterns(tuple(sorted(lexicons.by_language)))
    folded = fold(text)
    found = [_safe(int(y), int(m), int(d)) for y, m, d in _ISO.findall(folded)]
    found += [_safe(int(y), months[m], int(d)) for d, m, y in day_first.findall(folded)]
    found += [_safe(int(y), months[m], int(d)) for m, d, y in month_first.findall(folded)]
    # Only what the full dates leave: "5 March 2026" is not also "March 2026".
    rest = month_first.sub(" ", day_first.sub(" ", folded))
    found += [_safe(int(y), months[m], 1) for m, y in month_year.findall(rest)]
    found += [_safe(int(y), int(m), int(d)) for d, m, y in _DOTTED.findall(folded)]
    found += [_safe(int(y), int(m), int(d)) for y, m, d in _CJK.findall(folded)]
    return [d for d in found if d is not None]


def dates_in_markup(html: str) -> list[date]:
    """`<time datetime="2026-03-05">` values."""
    return [d for y, m, dd in (v.split("-") for v in _TIME_TAG.findall(html)) if (d := _safe(int(y), int(m), int(dd)))]


def http_date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
