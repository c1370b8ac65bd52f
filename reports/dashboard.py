"""Country dashboard: the latest completed run of every registered site of a country, with its
suggested answers and their evidence, its accessibility summary, and what changed since that site's
previous run. Read from the store only: `govaudit report --country ISO3` crawls nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reports.history import changes, earlier_run_ids, earlier_runs
from reports.model import build_report
from storage import Store

TREND_RUNS = 5  # per site: every earlier run is loaded whole, and a country has several sites
TOP_ISSUES = 5


def site_entry(store: Store, site_id: int, name: str, kind: str, start_urls: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"site_id": site_id, "name": name, "kind": kind, "start_urls": start_urls}
    run_id = store.runs.latest_id(name, status="completed")
    if run_id is None:
        return {**entry, "run_id": None, "summary": None, "answers": [], "changes": None, "top_issues": []}
    run = store.runs.load(run_id)
    report = build_report(run, earlier_runs(store, run, TREND_RUNS))
    previous_ids = earlier_run_ids(store, site_id, run_id, limit=1)
    previous = build_report(store.runs.load(previous_ids[-1])) if previous_ids else None
    return {
        **entry,
        "run_id": run_id,
        "finished_at": report["run"]["finished_at"],
        "summary": report["summary"],
        "history": report["history"],
        "top_issues": [
            {k: i[k] for k in ("rule_id", "impact", "wcag", "pages", "occurrences", "help_url")}
            | {"title": i["help"]["title"]}
            for i in report["accessibility"]["issues"][:TOP_ISSUES]
        ],
        "answers": report["answers"],
        "changes": changes(report, previous),
    }


def build_dashboard(store: Store, country: str) -> dict[str, Any]:
    country = country.upper()
    return {
        "country": country,
        "generated_at": datetime.now(UTC).isoformat(),
        "sites": [
            site_entry(store, s.id, s.name, str(s.config.kind), list(s.config.start_urls))
            for s in store.registry.find(country=country)
        ],
    }


def write_dashboard(dashboard: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    from reports.render import render_dashboard

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"html": out_dir / "dashboard.html", "json": out_dir / "dashboard.json"}
    paths["html"].write_text(render_dashboard(dashboard), encoding="utf-8")
    paths["json"].write_text(json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths
