"""The fast subset of bench/rule_suites.py: 11 IBM Equal Access rule unit pages (tests/fixtures/rule_suites,
Apache-2.0) and the W3C ACT cases of two rules, scored per check as the benchmark does, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from audits.suites import SuiteCase, all_cases, ibm_expected, run, score

IBM_SUBSET = Path(__file__).resolve().parents[1] / "fixtures" / "rule_suites" / "ibm"
MIN_PRECISION = 0.95


def test_ibm_expectations_are_read_from_both_formats() -> None:
    unit_test = 'UnitTest = {ruleIds: ["r1"], results: [{"ruleId": "r1", "value": ["VIOLATION", "FAIL"]}]}'
    assert ibm_expected(unit_test, "r1") == "failed"
    assert ibm_expected(unit_test.replace('"FAIL"', '"POTENTIAL"'), "r1") == "review"
    assert ibm_expected(unit_test.replace('"FAIL"', '"PASS"'), "r1") == "passed"
    assert ibm_expected(unit_test, "other") == "passed"
    legacy = 'OpenAjax.a11y.ruleCoverage = [{ruleId: "497", passedXpaths: [], failedXpaths: ["/html/body/form"]}]'
    assert ibm_expected(legacy, "r1") == "failed"
    assert ibm_expected(legacy, "r1", can_fail=False) == "review"  # a potential-only IBM rule
    assert ibm_expected(legacy.replace('"/html/body/form"', ""), "r1") == "passed"


@pytest.mark.browser
def test_failed_precision_and_recall_on_the_subset(chromium: str, shared_corpora: Path) -> None:
    roots = {"ibm": IBM_SUBSET}
    act = shared_corpora / "act-rules"
    cases: list[SuiteCase] = all_cases(roots)
    assert len(cases) == 11 and {c.expected for c in cases} == {"failed", "passed"}
    if (act / "manifest.json").is_file():
        # Two ACT rules our checks implement: zoomed text clipping and identical link names.
        cases += [c for c in all_cases({"act": act}) if c.suite_rule in {"59br37", "b20e66"}]
    results = run(cases, {**roots, "act": act / "www"}, chromium)
    assert all(r is not None for r in results.values()), "every case page renders"
    scores = score(cases, results)
    for rule_id, per in scores.items():
        overall = per["all"]
        assert overall.precision is None or overall.precision >= MIN_PRECISION, (rule_id, overall.false_positives)
    # Every barrier in the subset is one our checks are built to find.
    for rule_id in ("fieldset-legend", "radio-group", "page-title", "page-language"):
        assert scores[rule_id]["ibm"].recall == 1.0, rule_id
    if "act" in {c.suite for c in cases}:
        assert scores["text-clipped-zoom"]["act"].recall == 1.0
        assert scores["link-same-name-different-target"]["act"].recall_with_review >= 0.5
