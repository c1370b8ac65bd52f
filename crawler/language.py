"""The language of a page: what it declares, else what its text looks like (py3langid)."""

from __future__ import annotations

MIN_TEXT_FOR_GUESS = 40


def detect_language(declared: str, text: str) -> str:
    """A primary language subtag ("fr"), or "" when there is nothing to go on."""
    if declared:
        return declared.split("-")[0].split("_")[0].lower()
    if len(text) < MIN_TEXT_FOR_GUESS:
        return ""
    # Imported here: loading the model costs time, paid only when a page does not declare.
    import py3langid

    language, _ = py3langid.classify(text[:5000])
    return str(language)
