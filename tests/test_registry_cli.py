"""`audit` puts a site in the registry only with --register, one entry per start URL whatever the
number of runs; `sites remove` takes it out (runs kept) or deletes a site that never ran."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from storage import Store, models
from tests.localserver import LocalServer, page
from tests.test_cli import govaudit


def _site_rows(tmp_path: Path) -> list[tuple[int, str, bool, int]]:
    with Store(f"sqlite:///{tmp_path}/cli.db") as store, store.transaction(readonly=True) as session:
        runs = (
            select(func.count())
            .where(models.CrawlRunRow.site_id == models.SiteRow.id)
            .correlate(models.SiteRow)
            .scalar_subquery()
        )
        rows = session.execute(select(models.SiteRow.id, models.SiteRow.name, models.SiteRow.registered, runs))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_audit_registers_only_when_asked_one_entry_per_url(tmp_path: Path, chromium: str) -> None:
    with LocalServer({"/": page("Home", "<p>Hello</p>")}) as server:
        url = server.url("/")
        common = ("--max-pages", "1", "--format", "json", "--quiet", "--out", str(tmp_path / "out"))
        for _ in range(2):
            assert govaudit("audit", url, *common, tmp_path=tmp_path).returncode == 0
        listed = govaudit("sites", "list", tmp_path=tmp_path, env={"COLUMNS": "200"})
        assert url not in listed.stdout and "No site registered" in listed.stdout
        assert [(name, registered, runs) for _, name, registered, runs in _site_rows(tmp_path)] == [(url, False, 2)]

        assert govaudit("audit", url, *common, "--register", tmp_path=tmp_path).returncode == 0
    rows = _site_rows(tmp_path)
    assert [(name, registered, runs) for _, name, registered, runs in rows] == [(url, True, 3)]
    assert url in govaudit("sites", "list", tmp_path=tmp_path, env={"COLUMNS": "200"}).stdout

    removed = govaudit("sites", "remove", url, tmp_path=tmp_path)
    assert removed.returncode == 0 and "unregistered" in removed.stdout, removed.stderr
    assert [(registered, runs) for _, _, registered, runs in _site_rows(tmp_path)] == [(False, 3)]
    assert "No site registered" in govaudit("sites", "list", tmp_path=tmp_path).stdout


def test_sites_remove_deletes_a_site_that_never_ran_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    (tmp_path / "sites.yaml").write_text(
        "- name: Ministry\n  country: FRA\n  kind: ministry\n  start_url: https://ministry.gouv.example/\n"
    )
    assert govaudit("sites", "import", str(tmp_path / "sites.yaml"), tmp_path=tmp_path).returncode == 0
    (site_id, _, _, _) = _site_rows(tmp_path)[0]
    removed = govaudit("sites", "remove", str(site_id), tmp_path=tmp_path)
    assert removed.returncode == 0 and "deleted" in removed.stdout
    assert _site_rows(tmp_path) == []
    unknown = govaudit("sites", "remove", "999", tmp_path=tmp_path)
    assert unknown.returncode == 2 and "no site 999" in unknown.stderr and "Traceback" not in unknown.stderr
