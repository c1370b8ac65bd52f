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
            answer("049", "information", "needs_review"),  # wrong level of a graded question: FP + FN
            answer("006", None, "not_tested"),  # not covered
            answer("099", "present"),  # not labelled
        ]
    }
    truth = {
        "001": {"value": "present", "evidence": ["/a.html"]},
        "002": "absent",
        "003": "present",
        "004": "absent",
        "049": "online",
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
        "049": "wrong level",
        "006": "not covered",
        "007": "ok (not tested)",
    }
    assert (e.tp, e.fp, e.fn, e.tn) == (1, 2, 2, 1)
    assert e.precision == 1 / 3 and e.recall == 1 / 3
    assert [q.question for q in e.not_covered] == ["006"] and [q.question for q in e.needs_review] == ["049"]
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


def test_a_level_on_a_binary_question_is_yes() -> None:
    """#058 vacancies is binary in OSI 2024: a detector's "information" answers it "yes"."""
    e = evaluate({"answers": [answer("058", "information")]}, {"058": "present"}, instrument=OSI)
    assert (e.tp, e.fp, e.fn) == (1, 0, 0)


def test_answered_precision_and_present_recall_leave_review_out() -> None:
    report = {
        "answers": [
            answer("001", "present"),  # decided TP
            answer("002", "present", "needs_review"),  # FP, but sent to review: not an answer given
            answer("003", "absent", "needs_review"),  # labelled present, not decided
            answer("004", "present", "passed"),  # decided FP
        ]
    }
    truth = {"001": "present", "002": "absent", "003": "present", "004": "absent", "006": "present"}
    e = evaluate(report, truth, instrument=OSI)
    assert e.answered_precision == 0.5  # 001 right, 004 wrong
    assert e.present_recall == 1 / 3  # of 001, 003, 006 only 001 was decided right
    merged = combine([e, e])
    assert merged.answered_precision == 0.5 and merged.labelled_present == 6


def test_calibration_bands_count_right_answers() -> None:
    from govaudit.evaluation import calibration

    report = {"answers": [answer("001", "present"), answer("002", "present"), answer("004", "absent", "failed")]}
    e = evaluate(report, {"001": "present", "002": "absent", "004": "absent"}, instrument=OSI)
    [band] = calibration(e)
    assert (band.low, band.answers, band.right) == (0.9, 3, 2)
