"""The language of a page: what it declares, else what its text looks like (py3langid)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

MIN_TEXT_FOR_GUESS = 40


@cache
def language_identifier() -> LanguageIdentifier:
    """py3langid's model with probabilities, loaded once per process for the crawler and the checks
    (audits.checks.language) alike: a load costs about half a CPU-second."""
    # Imported here: paid only when some text is classified (a page that does not declare its language).
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(declared: str, text: str) -> str:
    """A primary language subtag ("fr"), or "" when there is nothing to go on."""
    if declared:
        return declared.split("-")[0].split("_")[0].lower()
    if len(text) < MIN_TEXT_FOR_GUESS:
        return ""
    language, _ = language_identifier().classify(text[:5000])
    return str(language)
