"""A rule module's failure is that module's `error`, with a reason; the run goes on.

Issue 15, item 3: 400 KB of nested `[[[…` from a site's CKAN API raised RecursionError in
`read_catalogue`, and that one module's failure failed the whole run. The JSON depth is now capped
before parsing, and any module that still raises is recorded as its own `error` findings.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import pytest

from audits.outcome import Outcome
from crawler.site import SiteConfig
from rules.bounded_json import MAX_DEPTH, JSONTooDeep, loads_bounded
from rules.decide import decide
from rules.engine import RuleEngine
from rules.findings import ERROR, PRESENT
from rules.instruments import load_instrument
from rules.lexicon import Lexicons
from rules.module import Observation, RuleModule, SiteView
from tests.hostile.server import fixed, html
from tests.hostile.sites import HostileSite, govaudit

NESTED = "[" * 400_000  # 400 KB: what the probe's CKAN API answered


def test_json_depth_is_capped_before_parsing() -> None:
    started = time.perf_counter()
    with pytest.raises(JSONTooDeep, match=f"deeper than {MAX_DEPTH}"):
        loads_bounded(NESTED)
    with pytest.raises(JSONTooDeep):
        loads_bounded('{"a": ' * 5_000 + "1" + "}" * 5_000)
    assert time.perf_counter() - started < 5
    # Brackets inside strings are text, not nesting; real answers parse as before.
    deep_looking = '{"title": "' + "[" * 1_000 + '\\" {{{", "n": [[1, 2], {"x": [3]}]}'
    assert loads_bounded(deep_looking)["n"] == [[1, 2], {"x": [3]}]
    assert loads_bounded("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


class Fails(RuleModule):
    id = "always-fails"
    version = "1"
    title = "raises on every site"
    informs: ClassVar = {"OSI-2024": ("037", "038")}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        def recurse(n: int) -> int:
            return recurse(n + 1) + 1

        return [Observation(PRESENT, 1.0, note=str(recurse(0)))]


class Works(RuleModule):
    id = "works"
    version = "1"
    title = "answers 038"
    informs: ClassVar = {"OSI-2024": ("038",)}

    async def check_site(self, site: SiteView) -> Iterable[Observation]:
        return [Observation(PRESENT, 0.9, note="seen")]


def test_a_failing_module_is_its_own_error_and_the_others_still_answer() -> None:
    async def fetch(url: str) -> None:
        raise AssertionError("no probe expected")

    engine = RuleEngine([Fails(), Works()], ("OSI-2024",))
    view = SiteView(SiteConfig("x", ("http://127.0.0.1/",)), [], Lexicons.load(), fetch)  # type: ignore[arg-type]
    findings = asyncio.run(engine.check_site(view))
    failed = [f for f in findings if f.rule_id == "always-fails"]
    assert {f.question for f in failed} == {"037", "038"}
    assert all(f.value == ERROR and "RecursionError" in f.note for f in failed)
    answers = {a.question: a for a in decide(load_instrument("OSI-2024"), findings, engine.covered())}
    # Nobody else answered 037: the answer is `error` with the module's reason, not "absent".
    assert answers["037"].outcome is Outcome.ERROR and "always-fails" in answers["037"].rationale
    # 038 was answered by the module that worked; the failure does not hide that.
    assert answers["038"].outcome is Outcome.PASSED and answers["038"].value == PRESENT


def ckan_site() -> HostileSite:
    home = html(
        "Open data portal",
        "<p>Our open data catalogue lists every dataset the government publishes.</p>"
        '<a href="/api/3/action/package_list">Catalogue API</a> <a href="/data">Data</a>',
        head='<meta name="generator" content="ckan 2.10">',
    )
    return HostileSite(
        {
            "/": fixed(home),
            "/data": fixed(html("Data", "<p>Datasets of the government, as files and through the API.</p>")),
            "/robots.txt": fixed("User-agent: *\nAllow: /\n", content_type="text/plain"),
            "/api/*": fixed(NESTED, content_type="application/json"),
        }
    )


@pytest.mark.browser
def test_assess_goes_on_past_a_hostile_catalogue_api(tmp_path: Path, chromium: str) -> None:
    with ckan_site() as server:
        run = govaudit(
            "assess", server.url("/"), "--quiet", "--out", str(tmp_path / "out"), tmp_path=tmp_path, timeout_s=240
        )
        asked = server.hits["/api/3/action/package_search"]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.code == 0, run.stderr[-3000:]
    _, status, _, error = run.run()
    assert status == "completed", error
    assert asked >= 1, "the catalogue API was never asked: the test proved nothing"
    notes = [note for rule, _value, note in run.findings() if rule == "open-data-catalogue"]
    assert any(f"nested deeper than {MAX_DEPTH} levels" in note for note in notes), notes[:3]
    assert all(status for status, _ in run.pages().values())
