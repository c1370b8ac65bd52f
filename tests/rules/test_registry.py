"""The Member-State registry (rules/registry/member_states.yaml) and `govaudit sites import|list`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from govaudit.cli import app
from rules.registry import PORTAL_FIELDS, load_member_states, registry_sources

REGISTRY = Path(__file__).resolve().parents[2] / "rules" / "registry" / "member_states.yaml"


def test_193_member_states_with_m49_regions_and_languages() -> None:
    states = load_member_states()
    assert len(states) == 193
    assert len({s.iso3 for s in states}) == 193
    assert all(len(s.iso3) == 3 and s.iso3.isalpha() and s.iso3.isupper() for s in states)
    assert Counter(s.region for s in states) == {"Africa": 54, "Asia": 47, "Europe": 43, "Americas": 35, "Oceania": 14}
    assert all(s.languages and s.subregion for s in states)


def test_every_portal_url_names_the_public_list_it_was_read_in() -> None:
    sources = registry_sources()
    assert all(
        meta.get("title") and urlsplit(meta.get("url", "")).scheme in ("http", "https") for meta in sources.values()
    )
    for state in load_member_states():
        assert state.urls == "unverified"
        for field in PORTAL_FIELDS:
            url = state.portals[field]
            if url:
                assert urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname, (state.iso3, url)
                assert state.sources.get(field) in sources, (state.iso3, field)
            else:
                assert field not in state.sources, (state.iso3, field)


def test_at_least_150_national_portals_and_no_url_twice() -> None:
    states = load_member_states()
    national = [s.portals["national_portal"] for s in states if s.portals["national_portal"]]
    assert len(national) >= 150
    every_url = [s.portals[f] for s in states for f in PORTAL_FIELDS if s.portals[f]]
    assert len(every_url) == len(set(every_url))


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


def test_registry_file_imports_every_portal_url_tagged_with_its_list(runner: CliRunner, tmp_path: Path) -> None:
    expected = sum(1 for s in load_member_states() for f in PORTAL_FIELDS if s.portals[f])
    result = runner.invoke(app, ["sites", "import", str(REGISTRY)])
    assert result.exit_code == 0 and f"{expected} site(s) imported" in result.output
    from storage.store import Store

    with Store(f"sqlite:///{tmp_path / 'sites.db'}") as store:
        botswana = store.registry.find(country="BWA")
    assert [s.config.home_url for s in botswana] == ["https://www.gov.bw"]
    assert all(s.config.extra == {"source": "registry", "list": "worldlaws"} for s in botswana)
