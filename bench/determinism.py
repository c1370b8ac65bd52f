"""Run-to-run differences of `govaudit audit` on one unchanged site. A benchmark, not a test.

    .venv/bin/python bench/determinism.py SITE_FOLDER [--entry /index.html] [--pages 14] [--runs 3]
        [--env NAME=VALUE ...] [--work DIR]

Serves SITE_FOLDER on 127.0.0.1 and runs `govaudit audit URL --max-pages N --format json --quiet` K times,
one after the other, each with a database file of its own (nothing carries over). It prints, per run, the
counts of issues and needs_review, then each run's differences from the first: the findings (section, rule,
selector, page) that only one of the two has; the rules whose outcome on a page changed ("page": a page's
audit changed, not only which element an issue shows); and the paths where the two reports differ once
times, ids, ports, list order and screenshots are set aside (bench/compare_reports.py). Exit 0 when every
run equals the first, 1 when not. `--env` passes extra environment to every run
(GOVAUDIT_RENDER_CONCURRENCY=1, say); `--work DIR` keeps the reports there (default: a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
from compare_reports import differences, normalised  # noqa: E402  (bench/ is a folder of scripts, not a package)

from tests.eval.harness import serve_folder  # noqa: E402

GOVAUDIT = REPO / ".venv" / "bin" / "govaudit"
SECTIONS = ("issues", "needs_review", "errors")
SHOWN = 25

Finding = tuple[str, str, str, str]


def run_once(base: str, entry: str, pages: int, out: Path, env: dict[str, str]) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    run_env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{out / 'govaudit.db'}", **env}
    cmd = [str(GOVAUDIT), "audit", base + entry, "--max-pages", str(pages), "--out", str(out),
           "--format", "json", "--quiet"]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(cmd, env=run_env, capture_output=True, text=True)
    print(f"  exit {done.returncode} in {time.monotonic() - started:.0f} s", flush=True)
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    if not (out / "report.json").is_file():
        raise SystemExit(f"govaudit audit wrote no report (exit {done.returncode}): see above")
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def without_screenshots(value: Any) -> Any:
    """The report without screenshot images: their pixels are not audit results."""
    if isinstance(value, dict):
        return {k: without_screenshots(v) for k, v in value.items() if k != "screenshot"}
    if isinstance(value, list):
        return [without_screenshots(v) for v in value]
    return value


def findings(report: dict[str, Any]) -> set[Finding]:
    """(section, engine/rule, selector, page) of every node of every accessibility finding."""
    found: set[Finding] = set()
    for section in SECTIONS:
        for item in report["accessibility"].get(section, []):
            rule = f"{item.get('engine', '?')}/{item.get('rule_id', '?')}"
            for node in item.get("nodes") or [{}]:
                found.add((section, rule, str(node.get("selector", "")), normalised(str(node.get("page", "")))))
    return found


def page_outcomes(report: dict[str, Any]) -> set[Finding]:
    """(outcome, engine/rule, "", page) of every rule on every page: what changes when a page's audit does,
    whichever element an issue shows as its sample."""
    return {
        (outcome, rule, "", normalised(page["url"]))
        for page in report["pages"]
        for outcome, rules in (page.get("outcomes") or {}).items()
        for rule in rules
    }


def counts(report: dict[str, Any]) -> str:
    summary = report["summary"]
    acc = report["accessibility"]
    return (f"pages {summary['pages_audited']}, issues {summary['issues']}, needs_review {summary['needs_review']}"
            f" (nodes: {len(findings(report))}, errors {len(acc.get('errors', []))})")  # fmt: skip


def compare(first: dict[str, Any], other: dict[str, Any]) -> int:
    """Print how `other` differs from `first`; the number of differing report paths."""
    a, b = findings(first), findings(other)
    before, after = page_outcomes(first), page_outcomes(other)
    for sign, side in (("-", a - b), ("+", b - a), ("- page", before - after), ("+ page", after - before)):
        for section, rule, selector, page in sorted(side)[:SHOWN]:
            print(f"    {sign} {section:12} {rule:40} {selector[:60]:60} {page}")
    paths = sorted(differences(normalised(without_screenshots(first)), normalised(without_screenshots(other))))
    for line in paths[:SHOWN]:
        print(f"    path {line}")
    print(
        f"    {len(a - b)} findings only in run 1, {len(b - a)} only in this run;"
        f" {len(before ^ after)} page outcomes differ; {len(paths)} report paths differ"
    )
    return len(paths) + len(a ^ b) + len(before ^ after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("site", type=Path, help="folder of the site to serve")
    parser.add_argument("--entry", default="/index.html")
    parser.add_argument("--pages", type=int, default=14)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="determinism-") as tmp, serve_folder(args.site) as base:
        work = args.work or Path(tmp)
        print(f"{args.site.name}{args.entry}: {args.runs} runs of {args.pages} pages, env {env or 'default'}")
        reports = []
        for n in range(1, args.runs + 1):
            print(f"run {n}", flush=True)
            reports.append(run_once(base, args.entry, args.pages, work / f"run{n}", env))
            print(f"  {counts(reports[-1])}", flush=True)
        differing = 0
        for n, report in enumerate(reports[1:], start=2):
            print(f"run {n} vs run 1")
            differing += compare(reports[0], report)
    print("every run equals the first" if not differing else "runs differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
