"""Review states over runs, scores and exports, and the CLI commands (no browser)."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from audits.outcome import Outcome
from audits.result import PAGE_VIEW, ElementShot
from crawler.snapshot import PageSnapshot, ScanStatus
from govaudit import scores
from govaudit.cli_web import register
from govaudit.exports import export
from govaudit.review import AGREED, DISCREPANCY, ONE_ASSESSOR, RESOLVED, country_states, discrepancy_rate
from rules.findings import Evidence
from rules.instruments import load_instrument
from storage import Store
from tests.web.conftest import add_run, suggestion


def _ids(store: Store) -> dict[str, int]:
    return {u.name: u.id for u in store.users.all()}


def _state(store: Store, code: str, country: str = "VLD"):
    return next(s for s in country_states(store, country, "OSI-2024") if s.question.code == code)


def test_blind_pair_then_reviewer(store: Store) -> None:
    users = _ids(store)
    first = _state(store, "010").current.record.id
    store.reviews.add(first, users["ana"], "assessor", "accept", "present")
    assert _state(store, "010").status == ONE_ASSESSOR and _state(store, "010").final_value is None
    store.reviews.add(first, users["bob"], "assessor", "accept", "present")
    assert _state(store, "010").status == AGREED and _state(store, "010").final_value == "present"
    assert _state(store, "010").decided_by == "ana & bob"

    other = _state(store, "011").current.record.id
    store.reviews.add(other, users["ana"], "assessor", "override", "present")
    store.reviews.add(other, users["bob"], "assessor", "accept", "absent")
    assert _state(store, "011").status == DISCREPANCY
    assert discrepancy_rate(country_states(store, "VLD", "OSI-2024")) == (1, 2)
    store.reviews.add(other, users["rita"], "reviewer", "override", "present", "checked the page")
    state = _state(store, "011")
    assert state.status == RESOLVED and state.final_value == "present" and state.decided_by == "rita"
    assert [r.user_name for r in state.trail] == ["ana", "bob", "rita"]  # nothing lost, who and when


def test_new_run_flags_evidence_changed_and_keeps_the_decision(store: Store) -> None:
    users = _ids(store)
    first = _state(store, "010").current.record.id
    store.reviews.add(first, users["ana"], "assessor", "accept", "present")
    store.reviews.add(first, users["bob"], "assessor", "accept", "present")
    # A later crawl no longer finds the feature, on other evidence.
    new_ids = add_run(store, "portal.vld", "VLD", [
        suggestion("010", "absent", Outcome.FAILED, evidence=(Evidence(url="https://gov.example/new"),)),
        suggestion("011", "absent", Outcome.FAILED),  # same as before: nothing to flag
    ])
    state = _state(store, "010")
    assert state.current.record.id == new_ids[0] and state.current.record.id != first
    assert state.final_value == "present" and state.status == AGREED  # the humans' decision stays
    assert state.evidence_changed
    change = state.assessors[0].changed
    assert change is not None and (change.old_value, change.new_value, change.human_value) == (
        "present", "absent", "present",
    )
    assert change.added_urls == ("https://gov.example/new",) and change.removed_urls == ("https://gov.example/010",)
    assert not _state(store, "011").evidence_changed
    # A human acting on the new suggestion clears the flag for that person.
    store.reviews.add(new_ids[0], users["ana"], "assessor", "accept", "absent")
    state = _state(store, "010")
    assert state.decision_of(users["ana"]).changed is None
    assert state.status == DISCREPANCY  # ana now says absent, bob still present


def test_scores_from_approved_answers() -> None:
    osi = load_instrument("OSI-2024")
    graded = osi.question("049")
    assert scores.question_score(graded, "information") == 0.5 and scores.question_score(graded, "online") == 1.0
    assert scores.question_score(osi.question("010"), None) == 0.0
    weights = scores.effective_weights(osi)
    assert set(weights) == {"IF", "CP", "SP", "TEC", "EP"} and all(w == pytest.approx(0.2) for w in weights.values())
    full = scores.index_score(osi, dict.fromkeys(osi.codes, "present") | {q.code: q.levels[-1] for q in osi.questions
                                                                          if q.graded})
    assert full.raw == pytest.approx(1.0)
    only_if = scores.index_score(osi, {q.code: "present" for q in osi.questions_in("IF")})
    assert only_if.subindices["IF"] == 1.0 and only_if.raw == pytest.approx(0.2)
    weighted = scores.index_score(osi, {q.code: "present" for q in osi.questions_in("IF")},
                                  {"IF": 1, "CP": 0, "SP": 0, "TEC": 0, "EP": 0})
    assert weighted.raw == pytest.approx(1.0)
    assert scores.normalise({"A": 0.2, "B": 0.6, "C": 0.4}) == pytest.approx({"A": 0.0, "B": 1.0, "C": 0.5})
    assert scores.normalise({"A": 0.3}) == {"A": None}
    assert [scores.egdi_group(v) for v in (0.9, 0.75, 0.5, 0.3, 0.1)] == ["Very High", "High", "High", "Middle", "Low"]
    classes = scores.rating_classes({"A": 0.76, "B": 0.80, "C": 0.85, "D": 0.95, "E": 0.3})
    assert classes == {"A": "V1", "B": "V2", "C": "V3", "D": "VH", "E": "MH"}


def test_compute_with_indicators(store: Store) -> None:
    users = _ids(store)
    for code in ("010", "049"):
        answer = _state(store, code).current.record.id
        store.reviews.add(answer, users["rita"], "reviewer", "accept")
    store.indicators.save("VLD", "2024", 0.6, 0.8, "test.csv")
    store.indicators.save("ZZZ", "2024", 0.2, 0.3, "test.csv")
    result = {s.country: s for s in scores.compute(store)}
    vld, zzz = result["VLD"], result["ZZZ"]
    assert vld.osi.decided == 2 and vld.osi.subindices["IF"] > 0
    assert vld.osi_normalised == 1.0 and zzz.osi_normalised == 0.0  # relative to the assessed set
    assert vld.egdi == pytest.approx((1.0 + 0.6 + 0.8) / 3) and vld.group == "Very High" and vld.rating_class == "VH"
    assert zzz.egdi == pytest.approx((0.0 + 0.2 + 0.3) / 3) and zzz.group == "Low" and zzz.rating_class == "LM"
    assert result["XSS"].egdi is None  # no TII/HCI imported


def test_exports(store: Store) -> None:
    users = _ids(store)
    answer = _state(store, "010").current.record.id
    store.reviews.add(answer, users["rita"], "reviewer", "override", "absent", "=HYPERLINK(\"x\")")
    rows = list(csv.DictReader(io.StringIO(export(store, "VLD", ["OSI-2024"], "csv").decode())))
    osi = load_instrument("OSI-2024")
    assert len(rows) == len(osi.questions)  # one row per question
    row = next(r for r in rows if r["question"] == "010")
    assert (row["final_value"], row["decided_by"], row["evidence_url"]) == ("absent", "rita", "https://gov.example/010")
    assert row["comment"].startswith("'=")  # no formula injection into a spreadsheet
    data = json.loads(export(store, "VLD", ["OSI-2024"], "json"))
    assert data["answers"][0]["question"] == osi.questions[0].code
    sheet = load_workbook(io.BytesIO(export(store, "VLD", ["OSI-2024"], "xlsx"))).active
    header = [c.value for c in sheet[1]]
    assert sheet.max_row == len(osi.questions) + 1
    assert {"final_value", "decided_by", "evidence_url"} <= set(header)


def test_cli_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("GOVAUDIT_DATABASE_URL", url)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["users", "add", "ana", "--role", "assessor", "--country", "vld", "--password-stdin"],
                           input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["users", "add", "ana", "--password-stdin"], input="a-long-password\n").exit_code == 2
    assert runner.invoke(app, ["users", "add", "x", "--role", "king", "--password-stdin"], input="pw\n").exit_code == 2
    with Store(url) as store:
        user = store.users.named("ana")
        assert user is not None and user.countries == ("VLD",) and user.password_hash.startswith("$argon2")
        add_run(store, "portal.vld", "VLD", [suggestion("010", "present")])
    indicators = tmp_path / "ind.csv"
    indicators.write_text("country,tii,hci\nVLD,0.5,0.7\n")
    assert runner.invoke(app, ["import-indicators", str(indicators)]).exit_code == 0
    indicators.write_text("country,tii,hci\nVLD,5,0.7\n")
    assert runner.invoke(app, ["import-indicators", str(indicators)]).exit_code == 2
    out = tmp_path / "vld.xlsx"
    result = runner.invoke(app, ["answers", "--country", "VLD", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert load_workbook(out).active.max_row > 1
    result = runner.invoke(app, ["answers", "--country", "VLD", "--format", "json"])
    assert json.loads(result.stdout)["country"] == "VLD"
    with Store(url) as store:
        assert [(i.country, i.tii, i.hci) for i in store.indicators.find()] == [("VLD", 0.5, 0.7)]


def test_question_page_shows_the_evidence_page_as_the_audit_saw_it(
    store: Store, app_for: Callable[..., TestClient]
) -> None:
    url = "https://gov.example/010"
    run_id = store.runs.latest_id("portal.vld")
    assert run_id is not None
    site_id = store.runs.site_of(run_id).site_id
    visit_id = store.visits.record(run_id, site_id, PageSnapshot(url, url, 0, ScanStatus.OK))
    jpeg = b"\xff\xd8\xff\xe0 a first screen"
    crop = ElementShot(url, "#x", b"crop", 9, 9)
    store.audits.record_screenshots(visit_id, [ElementShot(url, PAGE_VIEW, jpeg, 320, 200), crop])
    page = app_for("ana").get("/c/VLD/OSI-2024/q/010").text
    evidence = page[page.index('id="evidence"') :]
    assert f'src="data:image/jpeg;base64,{base64.b64encode(jpeg).decode()}"' in evidence
    assert base64.b64encode(b"crop").decode() not in page  # element crops are the accessibility report's
    # A question whose evidence page has no screenshot shows none.
    assert 'class="shot"' not in app_for("ana").get("/c/VLD/OSI-2024/q/011").text
