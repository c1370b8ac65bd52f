"""The fixture catalogues (tests/fixtures/catalogues/): a CKAN action API and a DCAT JSON-LD catalogue,
served on 127.0.0.1, found from the link on their home page, queried, and their counts per sector
quoted in the evidence."""

from __future__ import annotations

from typing import Any

from tests.eval.fixture_portals import ROOT, assess_portal

CATALOGUES = ROOT / "catalogues"


def answers(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["question"]: a for a in report["answers"] if a["instrument"] == "OSI-2024"}


def test_ckan_catalogue_sector_counts_in_the_evidence() -> None:
    found = answers(assess_portal("en", CATALOGUES / "ckan"))
    quote = found["099"]["evidence"][0]["quote"]
    assert "CKAN" in quote and "9 datasets" in quote
    assert "health 3; education 1; employment 1; social_protection 1; environment 1; justice 1" in quote
    for code in ("037", "099", "112", "128", "141", "170", "181", "078", "304", "310", "303", "038"):
        assert found[code]["value"] == "present", (code, found[code]["rationale"])
    for code in ("305", "306", "307", "308", "309"):  # only health has a sector budget dataset
        assert found[code]["value"] == "absent", code
    assert "budget/expenditure: 2" in found["078"]["evidence"][0]["quote"]
    assert found["078"]["evidence"][1]["url"].endswith("/files/health-budget-2026.csv")  # the file itself
    assert "real-time: 1 (Air quality: real-time measurements)" in found["310"]["evidence"][0]["quote"]


def test_dcat_jsonld_catalogue_sector_counts_in_the_evidence() -> None:
    found = answers(assess_portal("fr", CATALOGUES / "dcat"))
    quote = found["099"]["evidence"][0]["quote"]
    assert "DCAT" in quote and "4 datasets" in quote
    assert "health 1; education 1; employment 0; social_protection 0; environment 1; justice 0" in quote
    assert found["078"]["value"] == "present" and found["310"]["value"] == "present"
    assert found["303"]["value"] == "present" and found["038"]["value"] == "present"
    assert found["128"]["value"] == "absent"
