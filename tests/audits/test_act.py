"""W3C ACT Rules: the scoring reproduces W3C's figures, and our audit is at least as consistent as axe-core's
published implementation report on every ACT rule axe maps to.

The browser test renders a deterministic stratified subset (`PER_OUTCOME` cases per rule and expected outcome,
in W3C order), not all cases: all 1,178 scored cases take ~10 min on 2 cores (see bench/RESULTS.md), over the
test budget. `python -m audits.act` runs them all.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from audits.act import (
    OWN_CHECKS,
    Level,
    case_verdict,
    consistency,
    load_manifest,
    procedure_set_consistency,
    score,
    stratified_subset,
)
from audits.outcome import Outcome
from audits.result import AuditResult

PER_OUTCOME = 2
# Cases where our result differs from axe 4.10.2's for a reason outside the audit layer's scoring; each is
# left out of the comparison (the rule is still compared on its other cases) and stays visible in
# `python -m audits.act`. Keys: the case file name prefix.
KNOWN_DIFFERENCES = {
    # axe 4.14.1 fails colour contrast on symbol-only text (#000 on #666); 4.10.2 found it inapplicable.
    "2845a840": "axe 4.14.1 vs 4.10.2: symbol-only text is checked for contrast",
    # The icon ligature font comes from fonts.googleapis.com: offline the word "search" shows as text.
    "efa95433": "offline: Material Icons font not loaded",
    # A document whose root is <math>: Chromium's XML viewer wraps it in an HTML page without lang.
    "58847c38": "XML document rendered through Chromium's XML viewer",
    # Meta refresh pages navigate while the renderer evaluates ("Execution context was destroyed"):
    # crawler/render.py does not survive a client-side redirect during its DOM-quiet wait. Reported.
    "49d79a4e": "renderer: meta refresh navigation",
    "d48be8e9": "renderer: meta refresh navigation",
    "6a414a14": "renderer: meta refresh navigation",
    "24a98a3f": "renderer: meta refresh navigation",
}
# axe's published level ignores two false positives it reported on afw4f7 (Passed Examples 5 and 6: both
# "failed" and "passed"); re-scored from the published outcomes it would be inconsistent.
PUBLISHED_ANOMALIES = {"afw4f7"}


@pytest.fixture(scope="module")
def act_corpus(shared_corpora: Path) -> Path:
    path = shared_corpora / "act-rules"
    if not (path / "manifest.json").is_file() or not (path / "www").is_dir():
        pytest.skip(f"W3C ACT test cases not found at {path} (manifest.json and www/)")
    return path


def test_case_verdicts_follow_w3c() -> None:
    assert case_verdict("failed", ["failed"]) == "consistent"
    assert case_verdict("failed", ["passed", "failed"]) == "consistent"
    assert case_verdict("failed", ["cantTell"]) == "partial"
    assert case_verdict("failed", ["passed"]) == "inconsistent"
    assert case_verdict("passed", ["inapplicable"]) == "consistent"
    assert case_verdict("inapplicable", ["failed"]) == "inconsistent"
    assert case_verdict("passed", ["cantTell"]) == "partial"
    assert case_verdict("passed", ["untested"]) == "untested"


def test_rule_levels_follow_w3c() -> None:
    complete = [("failed", ["failed"]), ("passed", ["passed"]), ("inapplicable", ["inapplicable"])]
    assert consistency(complete) is Level.COMPLETE
    # A false negative leaves it partial; a false positive makes it inconsistent whatever else it gets right.
    assert consistency([*complete, ("failed", ["passed"])]) is Level.PARTIAL
    assert consistency([*complete, ("passed", ["failed"])]) is Level.INCONSISTENT
    # cantTell on a failed case is no false negative: still complete.
    assert consistency([*complete, ("failed", ["cantTell"])]) is Level.COMPLETE
    assert consistency([("failed", ["cantTell"]), ("inapplicable", ["inapplicable"])]) is Level.MINIMAL
    # Two partial procedures that together catch every failed case are complete as a set.
    a = [("failed", ["failed"]), ("failed", ["passed"]), ("passed", ["passed"])]
    b = [("failed", ["passed"]), ("failed", ["failed"]), ("passed", ["passed"])]
    assert procedure_set_consistency({"a": a, "b": b}) == (Level.COMPLETE, ("a", "b"))
    # A procedure with false positives is left out of the set, as W3C does.
    assert procedure_set_consistency({"a": complete, "noisy": [("passed", ["failed"])] * 3})[0] is Level.COMPLETE


def test_scoring_reproduces_the_published_axe_levels(act_corpus: Path) -> None:
    """Our W3C scoring, fed axe's published per-case outcomes, gives the manifest's published rule levels."""
    reports = score(load_manifest(act_corpus), {})
    published = [r for r in reports if r.axe_published is not Level.UNTESTED]
    assert len(published) >= 40
    mismatched = {r.rule_id for r in published if r.axe.rank != r.axe_published.rank}
    assert mismatched == PUBLISHED_ANOMALIES


def test_our_outcomes_map_to_act_outcomes(act_corpus: Path) -> None:
    """Without a browser: a page where document-title failed is an ACT "failed" for 2779a5."""
    cases = [c for c in load_manifest(act_corpus) if c.rule_id == "2779a5"]

    def fake(outcome: Outcome, url: str) -> list[AuditResult]:
        return [AuditResult(page_url=url, engine="axe-core", engine_version="x", rule_id="document-title",
                            outcome=outcome)]  # fmt: skip

    perfect = {
        c.url_path: fake(
            {"failed": Outcome.FAILED, "passed": Outcome.PASSED}.get(c.expected, Outcome.INAPPLICABLE), "u"
        )
        for c in cases
    }
    (report,) = score(cases, perfect)
    assert report.ours is Level.COMPLETE and report.verdicts == {"consistent": len(cases)}
    flipped = {path: fake(Outcome.FAILED, "u") for path in perfect}
    (report,) = score(cases, flipped)
    assert report.ours is Level.INCONSISTENT


@pytest.mark.browser
def test_at_least_as_consistent_as_axe_on_every_rule_axe_maps_to(act_corpus: Path, chromium: str) -> None:
    from audits.act_runner import run_cases

    known = tuple(KNOWN_DIFFERENCES)
    mapped = [c for c in load_manifest(act_corpus) if c.axe_rule_ids]
    cases = stratified_subset([c for c in mapped if not c.url_path.rsplit("/", 1)[1].startswith(known)], PER_OUTCOME)
    started = time.perf_counter()
    # Each case runs only what its ACT rule is scored on (the same scores at a fraction of the browser's work).
    run = run_cases(cases, act_corpus / "www", concurrency=2, chromium=chromium, only_scored=OWN_CHECKS)
    elapsed = time.perf_counter() - started
    reports = score(cases, run.results, run.production_rules)
    print(f"\nACT subset: {len(cases)} cases, {len(reports)} rules in {elapsed:.0f} s; {run.failures} not rendered")
    assert run.failures <= len(cases) * 0.02, run.errors
    behind = {}
    for r in reports:
        # On a subset, axe's bar is its published level or its level re-scored on the same cases, the lower
        # one: a subset can drop the very failed case a partial implementation catches. axe's published
        # outcomes are pre-combined over its rules, so ours also count combined (the better reading wins):
        # W3C's set selection can drop a procedure that has no true positive left in the subset.
        bar = min(r.axe_published.rank, r.axe.rank)
        if max(r.ours.rank, r.ours_combined.rank) < bar:
            behind[r.rule_id] = (r.ours.label, r.axe_published.label, r.axe.label, r.verdicts)
    assert not behind, behind
