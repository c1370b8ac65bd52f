"""Language of parts (3.1.2) on served pages in real Chromium: a French passage on an English page."""

from __future__ import annotations

import pytest

from audits.checks.language_parts import LanguageOfPartsCheck, misdeclared
from audits.outcome import Outcome
from tests.audits.helpers import inspect_pages, only

pytestmark = pytest.mark.browser

EN = (
    "The ministry publishes an annual report on online public services and on how citizens take part in public "
    "decisions. You can apply for a permit, renew your identity card or pay local taxes online at any time. "
)
FR = (
    "Le ministère publie chaque année un rapport sur les services publics en ligne et sur la participation des "
    "citoyens aux décisions publiques. Vous pouvez demander un permis ou renouveler votre carte d'identité en ligne. "
)


def doc(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><title>Services</title></head><body><main>{body}</main></body></html>'


def test_reading_of_one_passage() -> None:
    assert misdeclared("en", FR * 2) == ("fr", True)
    assert misdeclared("en", EN * 2) is None
    assert misdeclared("fr-CA", FR * 2) is None
    assert misdeclared("", FR * 2) is None  # no page language: page-language's finding, not this one


def test_passage_without_lang_fails_and_marked_passage_passes(chromium: str) -> None:
    results = inspect_pages(
        chromium,
        {
            "/bad": doc(f"<p>{EN}</p><p>{FR * 2}</p>"),
            "/good": doc(f'<p>{EN}</p><p lang="fr">{FR * 2}</p><p>{EN}</p>'),
        },
        [LanguageOfPartsCheck()],
    )
    bad = only(results["/bad"], "language-of-parts")
    assert bad.outcome is Outcome.FAILED
    assert len(bad.nodes) == 1 and "p:nth-of-type(2)" in bad.nodes[0].selector
    assert only(results["/good"], "language-of-parts").outcome is Outcome.PASSED
