"""Two real sites from ../shared/corpora/sites, labelled by hand (tests/eval/labels/*.yaml), served on
127.0.0.1 and crawled without a browser (tests/eval/harness.py).

Measured: ca-state-web-template-html precision 1.00, recall 1.00 on 27 covered labels (TP 7, TN 20;
three answers are needs_review with the right value: #003 the search returns nothing offline, #008 the
contact numbers are placeholders, #017 the only password field is a form demo); govuk-frontend-fixtures:
14 of 14 labels right (all absent, so precision and recall are
undefined there: the check is that nothing is claimed that is not there). No misses at the time of
writing; when a lexicon change causes one, list it here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.site import SiteConfig, SiteKind
from govaudit.evaluation import evaluate
from tests.eval.harness import CORPORA, assess, serve_folder

LABELS = Path(__file__).parent / "labels"
INSTRUMENT = "OSI-2024"


def labelled(name: str) -> dict[str, Any]:
    return yaml.safe_load((LABELS / f"{name}.yaml").read_text(encoding="utf-8"))


def run(labels: dict[str, Any], max_pages: int) -> dict[str, Any]:
    folder = CORPORA / labels["site"]
    if not folder.is_dir():
        pytest.skip(f"corpus not available: {folder}")
    with serve_folder(folder) as base:
        site = SiteConfig(
            name=labels["site"],
            start_urls=(base + labels["entry"],),
            kind=SiteKind(labels["kind"]),
            languages=("en",),
            max_pages=max_pages,
            allow_private=True,
        )
        return assess(site)


def test_california_state_template() -> None:
    labels = labelled("ca-state-web-template-html")
    report = run(labels, max_pages=150)
    evaluation = evaluate(report, labels["instruments"][INSTRUMENT], instrument=INSTRUMENT)
    assert len(evaluation.scored) >= 20, [q.question for q in evaluation.not_covered]
    assert evaluation.precision is not None and evaluation.precision >= 0.8, evaluation.errors
    assert evaluation.recall is not None and evaluation.recall >= 0.8, evaluation.errors
    # Every present answer that was decided points at a page a person checked.
    for q in evaluation.scored:
        if q.verdict == "TP" and q.outcome == "passed":
            assert q.evidence_match, q.question


def test_govuk_component_gallery_claims_nothing_it_lacks() -> None:
    labels = labelled("govuk-frontend-fixtures")
    report = run(labels, max_pages=1000)
    evaluation = evaluate(report, labels["instruments"][INSTRUMENT], instrument=INSTRUMENT)
    assert len(evaluation.scored) == len(labels["instruments"][INSTRUMENT])
    assert evaluation.fp == 0, evaluation.errors
    assert evaluation.accuracy is not None and evaluation.accuracy >= 0.9, evaluation.errors
