"""SeleniumAudit's loop: a page that fails is an error with its reason, a lost session gets a new browser."""

from __future__ import annotations

import asyncio

import pytest
from selenium.common.exceptions import WebDriverException

from audits.axe import AxeInspector, find_axe_script
from audits.outcome import Outcome
from audits.result import AuditResult
from audits.selenium_driver import SeleniumPage, SeleniumSettings
from crawler.snapshot import PageSnapshot, ScanStatus
from govaudit.selenium_audit import SeleniumAudit, SeleniumUnavailable


class FakeAuditor:
    """Stands in for SeleniumAuditor: `/down` does not load, `/crash` kills the session, starts are counted."""

    starts = 0
    quits = 0
    fail_start_after = 99

    def __init__(self, *args: object) -> None:
        self.browser_version = "fake"

    def start(self) -> None:
        FakeAuditor.starts += 1
        if FakeAuditor.starts > FakeAuditor.fail_start_after:
            raise WebDriverException("session not created")

    def quit(self) -> None:
        FakeAuditor.quits += 1

    def audit(self, url: str) -> SeleniumPage:
        if url.endswith("/down"):
            return SeleniumPage(url, [], "page did not finish loading within 30 s")
        if url.endswith("/crash"):
            raise WebDriverException("tab crashed")
        return SeleniumPage(url, [AuditResult(url, "axe-core", "4.x", "image-alt", Outcome.PASSED)])


class FakeAssessment:
    def __init__(self, urls: list[str]) -> None:
        self.html = dict.fromkeys(urls, "<html>")
        self.rendered: dict[str, list[AuditResult]] = {}
        self.unrendered: dict[str, list[AuditResult]] = {}

    def add_rendered(self, url: str, ms: float, reason: str, results: list[AuditResult]) -> None:
        self.rendered[url] = list(results)

    def add_results(self, url: str, results: list[AuditResult]) -> None:
        self.unrendered[url] = list(results)


def _snapshots(urls: list[str]) -> list[PageSnapshot]:
    return [
        PageSnapshot(requested_url=u, final_url=u, depth=1, status=ScanStatus.OK, content_type="text/html")
        for u in urls
    ]


def test_pages_that_fail_are_errors_and_a_lost_session_is_restarted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("govaudit.selenium_audit.SeleniumAuditor", FakeAuditor)
    monkeypatch.setattr(FakeAuditor, "starts", 0)
    monkeypatch.setattr(FakeAuditor, "quits", 0)
    urls = ["https://gov.example/a", "https://gov.example/down", "https://gov.example/crash", "https://gov.example/b"]
    assessment = FakeAssessment(urls)
    live = SeleniumAudit(SeleniumSettings(), AxeInspector(script=find_axe_script()), ("reflow",))
    asyncio.run(live.audit(assessment, _snapshots(urls), None))  # type: ignore[arg-type]
    assert set(assessment.rendered) == {urls[0], urls[3]}  # the pages after the crash were audited too
    down, crash = assessment.unrendered[urls[1]], assessment.unrendered[urls[2]]
    assert [(r.rule_id, r.outcome) for r in down + crash] == [("axe-run", Outcome.ERROR)] * 2
    assert "did not finish loading" in down[0].reason and "browser session lost: tab crashed" in crash[0].reason
    assert FakeAuditor.starts == 2 and FakeAuditor.quits == 2  # a fresh browser after the crash; both quit


def test_a_browser_that_cannot_start_again_fails_the_run_with_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("govaudit.selenium_audit.SeleniumAuditor", FakeAuditor)
    monkeypatch.setattr(FakeAuditor, "starts", 0)
    monkeypatch.setattr(FakeAuditor, "quits", 0)
    monkeypatch.setattr(FakeAuditor, "fail_start_after", 1)
    urls = ["https://gov.example/crash", "https://gov.example/b"]
    live = SeleniumAudit(SeleniumSettings(), AxeInspector(script=find_axe_script()), ())
    with pytest.raises(SeleniumUnavailable, match="session not created"):
        asyncio.run(live.audit(FakeAssessment(urls), _snapshots(urls), None))  # type: ignore[arg-type]
    assert FakeAuditor.quits >= 1
