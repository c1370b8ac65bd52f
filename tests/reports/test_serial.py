"""report.json is written from the typed report and read back as the same report; a file that is not
a report of this schema is refused with the key that is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports import build_report
from reports.serial import MalformedReport, from_plain, read_report, to_json, to_plain
from reports.types import Report
from tests.reports import fixtures


@pytest.mark.parametrize("sample", [False, True])
def test_report_json_round_trip(sample: bool, tmp_path: Path) -> None:
    report = build_report(fixtures.run(sample=sample))
    text = to_json(report)
    path = tmp_path / "report.json"
    path.write_text(text, encoding="utf-8")
    again = read_report(path)
    assert again == report and to_json(again) == text
    data = json.loads(text)
    # The shapes docs/report-schema.md gives for the optional parts.
    issues = data["accessibility"]["issues"]
    assert all(i["page_view"] == {} or set(i["page_view"]) == {"page", "screenshot"} for i in issues)
    assert all("images" not in n for i in issues for n in i["nodes"])  # only when a node has images
    assert (data["sample"] is None) is not sample


def _broken(path: Path, change: str) -> Path:
    data = to_plain(build_report(fixtures.run()))
    assert isinstance(data, dict)
    if change == "missing":
        del data["summary"]["score"]
    elif change == "type":
        data["accessibility"]["issues"][1]["pages"] = "https://www.gov.example/"
    elif change == "bool":
        data["pages"][0]["depth"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("missing", "$.summary.score is missing"),
        ("type", "$.accessibility.issues[1].pages: expected list, found str"),
        ("bool", "$.pages[0].depth: expected int, found bool"),
    ],
)
def test_a_malformed_report_says_where(change: str, says: str, tmp_path: Path) -> None:
    path = _broken(tmp_path / "report.json", change)
    with pytest.raises(MalformedReport, match=r"is not a govaudit report\.json") as caught:
        read_report(path)
    assert says in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("content", ["{not json", "[]", '{"schema_version": "3"}', "[" * 100_000 + "]" * 100_000])
def test_what_is_not_a_report_is_refused(content: str, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MalformedReport):
        read_report(path)
    with pytest.raises(MalformedReport):
        read_report(tmp_path / "missing.json")


def test_a_number_written_without_a_fraction_reads_as_a_float() -> None:
    data = to_plain(build_report(fixtures.run()))
    assert isinstance(data, dict)
    data["summary"]["score"] = 66
    assert from_plain(Report, data).summary.score == 66.0
