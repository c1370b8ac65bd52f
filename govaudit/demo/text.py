"""Served text: the date tokens, ``{{year}}`` and ``{{base_url}}``, and the folding the searches use."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

TOKEN = re.compile(r"\{\{(date|date_long_en|date_long_fr):([+-]?\d+)\}\}")
_MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}


def long_date(day: date, lang: str) -> str:
    """ "21 November 2026" / "21 novembre 2026" (« 1er » for the first day in French)."""
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[lang][day.month - 1]} {day.year}"


def render_tokens(text: str, today: date, base_url: str = "") -> str:
    """Replace the date tokens, ``{{year}}`` and ``{{base_url}}`` in served text."""

    def one(match: re.Match[str]) -> str:
        day = today + timedelta(days=int(match.group(2)))
        kind = match.group(1)
        if kind == "date":
            return day.isoformat()
        return long_date(day, kind.rsplit("_", 1)[1])

    text = TOKEN.sub(one, text)
    return text.replace("{{year}}", str(today.year)).replace("{{base_url}}", base_url)


def last_modified(raw: str, today: date) -> date | None:
    """The most recent non-future date a page's tokens name: what the page says it was updated."""
    offsets = [int(m.group(2)) for m in TOKEN.finditer(raw)]
    past = [o for o in offsets if o <= 0]
    return today + timedelta(days=max(past)) if past else None


def fold(text: str) -> str:
    """Case- and accent-insensitive form used by the site search and the catalogue search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
