"""The app's languages: gettext catalogues (Babel) and the language of each request.

English is the source language of every string. Other languages are `locale/<lang>/LC_MESSAGES/
messages.po`; they are compiled in memory the first time a page is rendered in that language, so a
clean clone needs no build step and no compiled `.mo` sits in the repository (`make messages`
re-extracts `messages.pot` and merges it into each catalogue; see docs/web.md).

Python code marks strings it hands to templates with `N_()` (extracted, not translated there); the
templates translate them with `_()`. `N_` lives in `govaudit/marks.py` so domain modules can mark strings too.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.core import Locale, UnknownLocaleError, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from govaudit.marks import N_

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"


@cache
def languages() -> tuple[str, ...]:
    """English, then every language with a catalogue, in code order."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def language_name(code: str) -> str:
    """The language's own name ("Français"), so a reader finds theirs whatever the page's language."""
    try:
        return (Locale.parse(code).get_display_name(code) or code).capitalize()
    except (ValueError, UnknownLocaleError):
        return code


@cache
def translations(code: str) -> NullTranslations:
    if code == SOURCE_LANGUAGE or code not in languages():
        return NullTranslations()
    with (LOCALE_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: shown in English instead
    buffer.seek(0)
    return Translations(buffer)


def pick(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header (English when none fits)."""
    wanted = [part.split(";")[0].strip().replace("-", "_") for part in (accept_language or "").split(",")]
    return negotiate_locale([w for w in wanted if w], list(languages()), sep="_") or SOURCE_LANGUAGE


# Strings that reach the templates from data or from other modules, marked here so that extraction
# finds them: roles, decisions, answer values, subindex names, and the sign-in page's messages.
DATA_MESSAGES = (
    N_("assessor"),
    N_("reviewer"),
    N_("admin"),
    N_("accept"),
    N_("reject"),
    N_("override"),
    N_("present"),
    N_("absent"),
    N_("information"),
    N_("online"),
    N_("file_online"),
    N_("manage_cases"),
    N_("Institutional Framework"),
    N_("Content Provision"),
    N_("Services Provision"),
    N_("Technology"),
    N_("E-Participation"),
    N_("E-Government Literacy"),
    N_("Participation and Engagement"),
    N_("Very High"),
    N_("High"),
    N_("Middle"),
    N_("Low"),
    N_("The name or the password is wrong."),
)
