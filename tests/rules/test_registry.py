"""The Member-State registry (rules/registry/member_states.yaml) and `govaudit sites import|list`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govaudit.cli import app
from rules.registry import PORTAL_FIELDS, load_member_states

REGISTRY = Path(__file__).resolve().parents[2] / "rules" / "registry" / "member_states.yaml"


def test_193_member_states_with_m49_regions_and_languages() -> None:
    states = load_member_states()
    assert len(states) == 193
    assert len({s.iso3 for s in states}) == 193
    assert all(len(s.iso3) == 3 and s.iso3.isalpha() and s.iso3.isupper() for s in states)
    assert Counter(s.region for s in states) == {"Africa": 54, "Asia": 47, "Europe": 43, "Americas": 35, "Oceania": 14}
    assert all(s.languages and s.subregion for s in states)


def test_no_portal_url_without_a_source() -> None:
    """URLs could not be verified offline: none is set, and every entry says so."""
    for state in load_member_states():
        assert state.urls == "unverified"
        assert all(state.portals[f] == "" for f in PORTAL_FIELDS), state.iso3


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GOVAUDIT_DATABASE_URL", f"sqlite:///{tmp_path / 'sites.db'}")
    return CliRunner()


def test_sites_import_yaml_and_csv_then_list_by_country(runner: CliRunner, tmp_path: Path) -> None:
    yaml_file = tmp_path / "sites.yaml"
    yaml_file.write_text(
        "sites:\n"
        "  - {name: Norland portal, country: nor, kind: national_portal, start_url: 'https://www.example.no/',"
        " languages: [no]}\n"
        "  - {name: Norland open data, country: NOR, kind: open_data_portal, start_url: 'https://data.example.no/'}\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "sites.csv"
    csv_file.write_text(
        "name,country,kind,start_url,languages\nCity of Example,FRA,city_portal,https://ville.example.fr/,fr\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["sites", "import", str(yaml_file)]).exit_code == 0
    result = runner.invoke(app, ["sites", "import", str(csv_file)])
    assert result.exit_code == 0 and "1 site(s) imported" in result.output
    listed = runner.invoke(app, ["sites", "list", "--country", "NOR"])
    assert listed.exit_code == 0
    assert "Norland portal" in listed.output and "Norland open data" in listed.output
    assert "City of Example" not in listed.output
    everything = runner.invoke(app, ["sites", "list"]).output
    assert "City of Example" in everything and "open_data_portal" in everything


def test_sites_import_refuses_a_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country,kind,start_url\nX,FR,national_portal,https://x.example/\n", encoding="utf-8")
    result = runner.invoke(app, ["sites", "import", str(bad)])
    assert result.exit_code == 2 and "alpha-3" in result.output


def test_registry_file_imports_no_site_until_urls_are_filled(runner: CliRunner) -> None:
    result = runner.invoke(app, ["sites", "import", str(REGISTRY)])
    assert result.exit_code == 0 and "0 site(s) imported" in result.output
