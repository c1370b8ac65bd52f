"""--standard: which criteria count and which axe-core tags run."""

from __future__ import annotations

import pytest

from audits.inspectors import AuditSettings, build_suite
from audits.outcome import Outcome
from audits.result import AuditResult
from audits.standards import UnknownStandard, get_standard


def result(rule: str, *wcag: str) -> AuditResult:
    return AuditResult("https://a.example/", "govaudit", "0.1", rule, Outcome.FAILED, wcag=wcag, is_wcag=bool(wcag))


RESULTS = [
    result("html-parsing", "4.1.1"),
    result("reflow-320", "1.4.10"),
    result("target-size", "2.5.8"),
    result("image-alt", "1.1.1"),
    result("html-validity"),  # names no criterion: kept under every standard
]


@pytest.mark.parametrize(
    ("key", "count", "kept"),
    [
        ("wcag22", 55, ["reflow-320", "target-size", "image-alt", "html-validity"]),
        ("wcag21", 50, ["html-parsing", "reflow-320", "image-alt", "html-validity"]),
        ("en301549", 50, ["html-parsing", "reflow-320", "image-alt", "html-validity"]),
        ("wcag20", 38, ["html-parsing", "image-alt", "html-validity"]),
    ],
)
def test_each_standard_keeps_its_own_criteria(key: str, count: int, kept: list[str]) -> None:
    standard = get_standard(key)
    assert len(standard.criteria) == count
    assert [r.rule_id for r in standard.select(RESULTS)] == kept
    assert standard.parsing is (key != "wcag22")


def test_axe_runs_the_tags_of_the_standard() -> None:
    assert "wcag22aa" in get_standard("wcag22").axe_tags
    assert get_standard("wcag20").axe_tags == ("wcag2a", "wcag2aa")
    suite = build_suite(AuditSettings(standard="wcag20", own_checks=False))
    axe = suite.inspectors[0]
    # ...and axe's best-practice rules, always (reported as best practice, outside score and gate).
    assert axe.options["runOnly"]["values"] == ["wcag2a", "wcag2aa", "best-practice"]
    assert suite.standard.key == "wcag20" and suite.engine_versions["standard"] == "wcag20"


def test_unknown_standard_lists_the_known_ones() -> None:
    with pytest.raises(UnknownStandard, match="wcag22, wcag21, wcag20, en301549"):
        get_standard("wcag3")


def test_best_practice_and_aaa_results_are_kept_outside_every_standard() -> None:
    aaa = AuditResult(
        "https://a.example/", "govaudit", "0.1", "link-new-window", Outcome.FAILED, wcag=("3.2.5",), is_wcag=False
    )
    assert get_standard("wcag20").select([aaa]) == [aaa]
