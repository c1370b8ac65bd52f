"""The demo portals scored against their truth file: 1.0 precision and recall on every code the
rules cover. Crawled without a browser (tests/eval/harness.py), so the codes that need one (#071 and
LOSI #204 reflow, LOSI #210 axe) are not covered here; tests/e2e runs the browser path."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.site import SiteConfig, SiteKind
from govaudit.demo.server import DemoServer
from govaudit.evaluation import Evaluation, evaluate, format_table, load_truth
from tests.eval.harness import assess

TRUTH = Path(__file__).resolve().parents[2] / "govaudit" / "demo" / "truth.yaml"


def score(portal: str, instrument: str) -> Evaluation:
    server = DemoServer.national() if portal == "national" else DemoServer.city()
    kind = SiteKind.NATIONAL_PORTAL if portal == "national" else SiteKind.CITY_PORTAL
    with server:
        site = SiteConfig(
            name=portal,
            start_urls=(server.base_url + "/",),
            kind=kind,
            languages=("en", "fr"),
            max_pages=300,
            allow_private=True,
        )
        report = assess(site)
    return evaluate(report, load_truth(TRUTH, instrument=instrument, portal=portal), instrument=instrument)


@pytest.mark.parametrize(
    ("portal", "instrument", "at_least"), [("national", "OSI-2024", 40), ("city", "LOSI-2024", 28)]
)
def test_demo_portal_is_answered_right(portal: str, instrument: str, at_least: int) -> None:
    evaluation = score(portal, instrument)
    assert evaluation.errors == [], format_table(evaluation, errors_only=True).caption
    assert evaluation.precision == 1.0 and evaluation.recall == 1.0
    assert len(evaluation.scored) >= at_least
    assert not evaluation.needs_review
