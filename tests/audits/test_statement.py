"""Accessibility statement text: a conformance level and a date, in English and French."""

from __future__ import annotations

import pytest

from audits.outcome import Outcome
from audits.statement import check_statement, read_statement

URL = "https://gov.example/accessibility"

EN_FULL = """Accessibility statement for gov.example. This website is partially conformant with
WCAG 2.1 level AA due to the non-compliances listed below. This statement was prepared on
14 March 2024. It was last reviewed on 2 September 2025."""
FR_FULL = """Déclaration d'accessibilité. Le site service-public.example est partiellement conforme avec
le référentiel général d'amélioration de l'accessibilité (RGAA) version 4.1. Cette déclaration a été
établie le 12 janvier 2025."""


def test_english_statement_with_level_and_date_passes() -> None:
    r = check_statement(EN_FULL, "en", URL)
    assert r.outcome is Outcome.PASSED and not r.is_wcag and r.wcag == ()
    assert "partial" in r.nodes[0].message and "14 march 2024" in r.nodes[0].message


def test_french_statement_passes_and_reads_rgaa() -> None:
    facts = read_statement(FR_FULL, "fr-FR")
    assert (facts.level, facts.date) == ("partial", "12 janvier 2025") and facts.standard.startswith("rgaa")
    assert check_statement(FR_FULL, "fr", URL).outcome is Outcome.PASSED


@pytest.mark.parametrize(
    ("text", "language", "level"),
    [
        ("This site is fully conformant with WCAG 2.2 AA. Updated 2024-11-02.", "en", "full"),
        ("The site is not conformant with WCAG 2.1. Reviewed 03/02/2025.", "en", "none"),
        ("Ce site est non conforme au RGAA 4. Mise à jour le 3 février 2025.", "fr", "none"),
        ("Ce site est totalement conforme. Établie le 05/06/2024.", "fr", "full"),
        # A French page quoting the English model is still read.
        ("Ce site web est partially conformant with WCAG 2.1 AA. Date : 1er mars 2025.", "fr", "partial"),
    ],
)
def test_levels_and_date_formats(text: str, language: str, level: str) -> None:
    facts = read_statement(text, language)
    assert facts.level == level and facts.date
    assert check_statement(text, language, URL).outcome is Outcome.PASSED


def test_missing_date_or_level_fails_and_says_which() -> None:
    no_date = check_statement("This website is partially conformant with WCAG 2.1 AA.", "en", URL)
    assert no_date.outcome is Outcome.FAILED and no_date.reason.endswith("a date")
    no_level = check_statement("We care about accessibility. Last updated 4 May 2024. Version 2.1.3.", "en", URL)
    assert no_level.outcome is Outcome.FAILED and "conformance level" in no_level.reason
    assert "a date" not in no_level.reason
    empty = check_statement("  ", "en", URL)
    assert empty.outcome is Outcome.FAILED and "no text" in empty.reason
