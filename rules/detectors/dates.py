"""Dates written in pages, per language, with month names from the lexicons (`months`,
`months_short` and `months_alt`, each in calendar order): "5 March 2026", "March 5, 2026", "1er mars 2026",
"5 de marzo de 2026", "5. März 2026", "5 марта 2026 г.", "5 مارس 2026" (Arabic-Indic digits too),
numeric "2026-03-05", "05.03.2026" and "2026年3月5日" (CJK, read without word boundaries), plus
`<time datetime>` in markup and HTTP dates (Last-Modified)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cache

from crawler.parse import TIME_TAG
from rules.lexicon import Lexicons, fold, load_lexicon

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# day.month.year as German and Russian pages write it; year年month月day日 in Chinese and Japanese
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_CJK = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_LISTS = ("months", "months_short", "months_alt")


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


# A year the page names (its own context for a date written without one); "© 2026" is left out:
# templates stamp it on every page, old or new.
_YEAR = re.compile(r"(?<![©\d])(?<!© )\b((?:19|20)\d\d)\b")
_SHORT_NAME = 3  # "may", "mai": a word too, read as a month only after "de" or "of"


@cache
def _day_month(languages: tuple[str, ...]) -> tuple[dict[str, int], re.Pattern[str]]:
    """Full month names (not abbreviations) → number, and "4 de junio", "12 mars", "5th of May" over folded text."""
    months: dict[str, int] = {}
    for lexicon in map(load_lexicon, languages):
        for concept in ("months", "months_alt"):
            for number, name in enumerate(lexicon.terms(concept), start=1):
                months.setdefault(fold(name), number)
    long_names = "|".join(sorted((re.escape(m) for m in months if len(m) > _SHORT_NAME), key=len, reverse=True))
    short_names = "|".join(re.escape(m) for m in months if len(m) <= _SHORT_NAME) or "(?!)"
    pattern = re.compile(
        rf"\b(\d{{1,2}})(?:er|st|nd|rd|th|o|\.)?\s+(?:(?:(?:of|de|del)\s+)?({long_names})|(?:of|de|del)\s+({short_names}))\b"
    )
    return months, pattern


def dates_without_year(text: str, lexicons: Lexicons, today: date) -> list[date]:
    """Dates written without their year ("Cerrado (4 de junio)", "martes 12 de marzo"), read in a year
    the page itself names: the latest such day not after `today`. A page that names no year of its
    own, or only "© year", gives none: an undated day of an old page is not today's."""
    months, day_month = _day_month(tuple(sorted(lexicons.by_language)))
    _m, day_first, month_first, month_year = _patterns(tuple(sorted(lexicons.by_language)))
    folded = fold(text)
    years = {int(y) for y in _YEAR.findall(folded) if int(y) <= today.year}
    if not years:
        return []
    rest = month_year.sub(" ", month_first.sub(" ", day_first.sub(" ", folded)))
    found = []
    for day, long_name, short_name in day_month.findall(rest):
        month = months[long_name or short_name]
        candidates = [d for y in years if (d := _safe(y, month, int(day))) is not None and d <= today]
        if candidates:
            found.append(max(candidates))
    return found


def dates_in_markup(html: str) -> list[date]:
    """`<time datetime="2026-03-05">` values."""
    return iso_dates(TIME_TAG.findall(html))


def iso_dates(values: Iterable[str]) -> list[date]:
    """The days of YYYY-MM-DD values (a `DatedBlock`'s datetimes), those that are days."""
    return [d for y, m, dd in (v.split("-") for v in values) if (d := _safe(int(y), int(m), int(dd)))]


def http_date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
