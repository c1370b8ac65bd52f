"""Precision and recall per language: the same scoring as govaudit/evaluation.py, summed over the
sites (or fixture portals) of each language, printed as one table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table

from govaudit.evaluation import Evaluation, _fmt, combine

MIN_SCORE = 0.9


def by_language(evaluations: Mapping[str, Iterable[Evaluation]]) -> dict[str, Evaluation]:
    """{language: [evaluations of its sites]} → {language: their combined evaluation}."""
    return {language: combine(items) for language, items in sorted(evaluations.items())}


def below(
    per_language: Mapping[str, Evaluation], minimum: float = MIN_SCORE
) -> dict[str, tuple[float | None, float | None]]:
    """Languages whose precision or recall is under `minimum` (or undefined)."""
    return {
        language: (e.precision, e.recall)
        for language, e in per_language.items()
        if e.precision is None or e.recall is None or e.precision < minimum or e.recall < minimum
    }


def format_languages(per_language: Mapping[str, Evaluation]) -> Table:
    table = Table(title="Suggested answers vs labels, per language")
    columns = ("language", "instrument", "scored", "TP", "FP", "FN", "TN", "precision", "recall")
    for column in (*columns, "answered precision", "present recall", "errors"):
        table.add_column(column)
    for language, e in per_language.items():
        errors = ", ".join(f"#{q.question} {q.verdict}" for q in e.errors) or "—"
        table.add_row(
            language,
            e.instrument,
            str(len(e.scored)),
            str(e.tp),
            str(e.fp),
            str(e.fn),
            str(e.tn),
            _fmt(e.precision),
            _fmt(e.recall),
            _fmt(e.answered_precision),
            _fmt(e.present_recall),
            errors,
        )
    return table
