"""The evaluator's arithmetic on hand-made reports."""

from __future__ import annotations

from rich.console import Console

from govaudit.evaluation import combine, evaluate, format_table

OSI = "OSI-2024"


def answer(code: str, value: str | None, outcome: str = "passed", url: str = "http://x/") -> dict[str, object]:
    return {
        "instrument": OSI,
        "question": code,
        "value": value,
        "outcome": outcome,
        "confidence": 0.9,
        "evidence": [{"url": url}],
    }


def test_counts_and_ratios() -> None:
    report = {
        "answers": [
            answer("001", "present", url="http://x/a.html"),  # TP, evidence matches
            answer("002", "present"),  # FP
            answer("003", "absent", "failed"),  # FN
            answer("004", "absent", "failed"),  # TN
            answer("005", "information", "needs_review"),  # wrong level: FP + FN
            answer("006", None, "not_tested"),  # not covered
            answer("099", "present"),  # not labelled
        ]
    }
    truth = {
        "001": {"value": "present", "evidence": ["/a.html"]},
        "002": "absent",
        "003": "present",
        "004": "absent",
        "005": "online",
        "006": "present",
        "007": "not_tested",
    }
    e = evaluate(report, truth, instrument=OSI)
    verdicts = {q.question: q.verdict for q in e.questions}
    assert verdicts == {
        "001": "TP",
        "002": "FP",
        "003": "FN",
        "004": "TN",
        "005": "wrong level",
        "006": "not covered",
        "007": "ok (not tested)",
    }
    assert (e.tp, e.fp, e.fn, e.tn) == (1, 2, 2, 1)
    assert e.precision == 1 / 3 and e.recall == 1 / 3
    assert [q.question for q in e.not_covered] == ["006"] and [q.question for q in e.needs_review] == ["005"]
    assert e.questions[0].evidence_match is True and e.unlabelled_answers == 1
    text = Console(width=200, record=True)
    text.print(format_table(e))
    assert "precision 0.33" in text.export_text()


def test_no_positives_means_undefined_not_perfect() -> None:
    e = evaluate({"answers": [answer("004", "absent", "failed")]}, {"004": "absent"}, instrument=OSI)
    assert e.precision is None and e.recall is None and e.accuracy == 1.0


def test_combine_sums_per_question() -> None:
    a = evaluate({"answers": [answer("001", "present")]}, {"001": "present"}, instrument=OSI)
    b = evaluate({"answers": [answer("001", "absent", "failed")]}, {"001": "present"}, instrument=OSI)
    merged = combine([a, b])
    assert merged.questions[0].tp == 1 and merged.questions[0].fn == 1 and merged.questions[0].sites == 2
    assert merged.recall == 0.5
