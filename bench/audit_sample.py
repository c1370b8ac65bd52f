"""`govaudit audit --sample` vs the exhaustive audit on one generated templated site. A benchmark, not a test.

    .venv/bin/python bench/audit_sample.py [--pages 2000] [--seed 1] [--site-seed 1] [--sample-ratio R] [--work DIR]

Generates an N-page government site (bench/govsite.py: several templates, each with its own accessibility
problems, plus per-page and one-off content problems), serves it on 127.0.0.1, and runs, one after the other, as
subprocesses, each with its own database file (so the second run carries nothing over from the first):

1. `govaudit audit URL --max-pages N --format json`: every page crawled, rendered and audited;
2. `govaudit audit URL --max-pages N --format json --sample --seed S`: every page crawled, only the WCAG-EM
   sample (structured pages, one page per template cluster, a seeded 10 % — `--sample-ratio R` passes another
   random share — and the pages that cover the static pre-scan candidates, audits/prescan.py) rendered and audited.

It prints, from the two report.json files: pages audited and wall time of each, the time ratio sample/exhaustive
(target ≤ 0.2), distinct failed-issue fingerprints (`accessibility.issues`) of each and the share of the
exhaustive run's that the sample found (target ≥ 95 %), the share of fingerprints on only 1–3 pages, the
missed fingerprints with their page counts and templates, and which templates the sample has no page of.
`--work DIR` keeps the site and both reports there (default: a temporary folder, deleted);
`--compare-only --work DIR` runs nothing and compares the runs kept there;
`--reuse-exhaustive DIR` takes the exhaustive report and its wall time from an earlier `--work` folder's
`exhaustive/` instead of running it again (the site must be the same: same --pages and --site-seed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from govsite import generate  # bench/ is a folder of scripts, not a package
from sites import serve

REPO = Path(__file__).resolve().parents[1]
GOVAUDIT = REPO / ".venv" / "bin" / "govaudit"
TIME_TARGET = 0.2
SHARE_TARGET = 0.95
MARKUP_RULES = frozenset({"html-validity", "html-parsing"})  # audits/validity.py


def machine() -> dict[str, str]:
    def run(*cmd: str) -> str:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        "?",
    )  # fmt: skip
    return {"date": run("date", "-u"), "nproc": str(os.cpu_count()), "cpu": cpu, "uptime": run("uptime")}


def run_audit(
    url: str, pages: int, out: Path, sample_seed: int | None, sample_ratio: float | None = None
) -> dict[str, Any]:
    """One `govaudit audit` subprocess with its own database file; wall time and its report."""
    out.mkdir(parents=True, exist_ok=True)
    command = [str(GOVAUDIT), "audit", url, "--max-pages", str(pages), "--out", str(out), "--format", "json", "--quiet"]
    if sample_seed is not None:
        command += ["--sample", "--seed", str(sample_seed)]
        if sample_ratio is not None:
            command += ["--sample-ratio", str(sample_ratio)]
    env = {**os.environ, "GOVAUDIT_DATABASE_URL": f"sqlite:///{out / 'govaudit.db'}"}
    load_before = os.getloadavg()
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=out, env=env)
    wall = time.perf_counter() - started
    report_path = out / "report.json"
    if not report_path.is_file():
        raise SystemExit(
            f"govaudit wrote no report (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    info = {
        "command": " ".join(command[1:]),
        "wall_s": wall,
        "exit": proc.returncode,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "stderr_tail": proc.stderr[-1000:],
    }
    (out / "wall.json").write_text(json.dumps(info, indent=1))
    return info


def sample_stats(report: dict[str, Any]) -> dict[str, Any]:
    """The sample's stats in report.json, or {} for an exhaustive run."""
    return report.get("sample") or {}


def page_key(url: str) -> str:
    """The site-relative path (with query) of a report URL, as the generator's manifest names pages."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def issues(report: dict[str, Any], section: str = "issues") -> dict[str, dict[str, Any]]:
    return {i["fingerprint"]: i for i in report["accessibility"][section]}


def share(found: int, total: int) -> float:
    return found / total if total else 1.0


def compare(exhaustive: dict[str, Any], sample: dict[str, Any], templates: dict[str, str]) -> dict[str, Any]:
    full, part = issues(exhaustive), issues(sample)
    missed = [full[f] for f in full if f not in part]
    buckets: dict[str, dict[str, list[int]]] = {}  # subset → bucket → [total, found]
    for fingerprint, issue in full.items():
        n = len(issue["pages"])
        bucket = "1-3 pages" if n <= 3 else "4-20 pages" if n <= 20 else ">20 pages"
        for subset in ("all", "without markup validator") if issue["rule_id"] not in MARKUP_RULES else ("all",):
            counts = buckets.setdefault(subset, {b: [0, 0] for b in ("1-3 pages", "4-20 pages", ">20 pages")})
            counts[bucket][0] += 1
            counts[bucket][1] += fingerprint in part
    subsets = {
        "all failed issues": lambda i: True,
        "WCAG issues only": lambda i: bool(i["is_wcag"]),
        # The markup validator's issues carry their line and column as selector: one fingerprint per position.
        "without markup validator": lambda i: i["rule_id"] not in MARKUP_RULES,
        "WCAG, without validator": lambda i: bool(i["is_wcag"]) and i["rule_id"] not in MARKUP_RULES,
    }
    by_subset = {}
    for name, keep in subsets.items():
        wanted = [f for f, i in full.items() if keep(i)]
        by_subset[name] = (sum(f in part for f in wanted), len(wanted))
    reasons: dict[str, str] = (sample.get("sample") or {}).get("reasons", {})
    sampled_templates = Counter(templates.get(page_key(u), "?") for u in reasons)
    audited = {page_key(p["url"]) for p in exhaustive["pages"]}
    site_templates = Counter(t for path, t in templates.items() if path in audited)
    review_full, review_part = issues(exhaustive, "needs_review"), issues(sample, "needs_review")
    return {
        "fingerprints": (len(full), len(part)),
        "found": sum(f in part for f in full),
        "sample_only": [part[f] for f in part if f not in full],
        "missed": sorted(missed, key=lambda i: -len(i["pages"])),
        "buckets": buckets,
        "by_subset": by_subset,
        "needs_review": (sum(f in review_part for f in review_full), len(review_full)),
        "sampled_templates": sampled_templates,
        "site_templates": site_templates,
        "reasons": Counter(r.split(" (")[0].split(":")[0] for r in reasons.values()),
    }


def describe(issue: dict[str, Any], templates: dict[str, str]) -> str:
    where = Counter(templates.get(page_key(u), "?") for u in issue["pages"])
    return (
        f"{len(issue['pages']):5d} page(s)  {issue['engine']}/{issue['rule_id']}  {issue['selector'][:60]!r}  "
        f"templates {dict(where)}  e.g. {page_key(issue['pages'][0])}"
    )


def run_both(args: argparse.Namespace, work: Path, site_dir: Path) -> tuple[Path, dict[str, Any], Path, dict[str, Any]]:
    with serve(site_dir) as base:
        url = base + "/"
        if args.reuse_exhaustive:
            full_dir = args.reuse_exhaustive / "exhaustive"
            full_run = json.loads((full_dir / "wall.json").read_text())
            print(f"exhaustive: reused {full_dir}", flush=True)
        else:
            full_dir = work / "exhaustive"
            full_run = run_audit(url, args.pages, full_dir, None)
            print(f"exhaustive: {full_run['wall_s']:.1f} s (exit {full_run['exit']})", flush=True)
        part_dir = work / "sample"
        part_run = run_audit(url, args.pages, part_dir, args.seed, args.sample_ratio)
        print(f"sample: {part_run['wall_s']:.1f} s (exit {part_run['exit']})", flush=True)
    return full_dir, full_run, part_dir, part_run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample's random part")
    parser.add_argument("--site-seed", type=int, default=1, help="seed of the generated site")
    parser.add_argument("--sample-ratio", type=float, help="the sample's random share (default: govaudit's)")
    parser.add_argument("--work", type=Path, help="keep the site and reports here")
    parser.add_argument("--reuse-exhaustive", type=Path, help="a --work folder whose exhaustive/ run to reuse")
    parser.add_argument("--compare-only", action="store_true", help="run nothing: compare the runs in --work")
    args = parser.parse_args()
    if not GOVAUDIT.exists():
        print("govaudit missing: make setup", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="govaudit-sample-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        site_dir = work / "site"
        specs = generate(site_dir, args.pages, args.site_seed)
        templates = {s.path: s.template for s in specs}
        info = machine()
        print(f"{len(specs)} generated pages ({dict(Counter(templates.values()))}); {info['nproc']} cores, "
              f"{info['cpu']}; {info['date']}; {info['uptime']}", flush=True)  # fmt: skip
        if args.compare_only:
            if args.work is None:
                parser.error("--compare-only needs --work")
            full_dir, part_dir = (args.reuse_exhaustive or work) / "exhaustive", work / "sample"
            full_run = json.loads((full_dir / "wall.json").read_text())
            part_run = json.loads((part_dir / "wall.json").read_text())
        else:
            full_dir, full_run, part_dir, part_run = run_both(args, work, site_dir)
        info_after = machine()
        exhaustive = json.loads((full_dir / "report.json").read_text())
        sample = json.loads((part_dir / "report.json").read_text())
        result = compare(exhaustive, sample, templates)
        ratio = part_run["wall_s"] / full_run["wall_s"]
        (total, sampled), found = result["fingerprints"], result["found"]
        print()
        print(f"site: {args.pages} pages (site seed {args.site_seed}), sample seed {args.seed}")
        for name, run, report in (("exhaustive", full_run, exhaustive), ("sample", part_run, sample)):
            summary = report["summary"]
            load = f"load avg {run['load_before'][0]:.2f} → {run['load_after'][0]:.2f}"
            print(f"{name:10s}: {summary['pages_audited']} pages audited of {summary['pages_crawled']} crawled, "
                  f"{run['wall_s']:.1f} s wall, {load}")  # fmt: skip
        print(f"time ratio sample / exhaustive: {ratio:.3f}  (target ≤ {TIME_TARGET})")
        print(f"distinct failed-issue fingerprints: exhaustive {total}, sample {sampled}; found by the sample "
              f"{found}/{total} = {share(found, total):.1%}  (target ≥ {SHARE_TARGET:.0%})")  # fmt: skip
        for name, (hit, of) in result["by_subset"].items():
            print(f"  {name:22s}: {hit}/{of} = {share(hit, of):.1%}")
        hit, of = result["needs_review"]
        print(f"  needs-review fingerprints: {hit}/{of} = {share(hit, of):.1%}")
        print("fingerprints by pages affected in the exhaustive run: found by the sample / total")
        for subset, counts in result["buckets"].items():
            of_subset = sum(of for of, _ in counts.values())
            print(f"  {subset}: " + ", ".join(
                f"{bucket} {hit}/{of} ({share(of, of_subset):.0%} of the {of_subset})"
                for bucket, (of, hit) in counts.items()
            ))  # fmt: skip
        print(f"sample: {sum(result['reasons'].values())} pages; why: {dict(result['reasons'])}")
        stats = sample_stats(sample)
        if stats:
            print(f"pre-scan cover: {stats.get('coverage_pages')} pages added for {stats.get('candidate_keys')} "
                  f"candidate keys, {stats.get('uncovered_count', 0)} left uncovered")  # fmt: skip
        print(f"sample pages per template: {dict(result['sampled_templates'])}")
        absent = sorted(t for t in result["site_templates"] if t not in result["sampled_templates"])
        print(f"templates with no page in the sample: {absent or 'none'}")
        print(f"missed fingerprints ({len(result['missed'])}):")
        for issue in result["missed"]:
            print("  " + describe(issue, templates))
        if result["sample_only"]:
            print(f"fingerprints only the sample found ({len(result['sample_only'])}):")
            for issue in result["sample_only"]:
                print("  " + describe(issue, templates))
        summary_json = {
            "machine_before": info,
            "machine_after": info_after,
            "pages": args.pages,
            "seed": args.seed,
            "site_seed": args.site_seed,
            "exhaustive": {**full_run, "pages_audited": exhaustive["summary"]["pages_audited"]},
            "sample": {**part_run, "pages_audited": sample["summary"]["pages_audited"]},
            "sample_ratio": args.sample_ratio,
            "sample_stats": {k: v for k, v in sample_stats(sample).items() if k != "reasons"},
            "time_ratio": ratio,
            "fingerprints_exhaustive": total,
            "fingerprints_sample": sampled,
            "found": found,
            "share": share(found, total),
            "by_subset": result["by_subset"],
            "buckets": result["buckets"],
            "missed": [
                {
                    "fingerprint": i["fingerprint"],
                    "rule": i["rule_id"],
                    "selector": i["selector"],
                    "pages": len(i["pages"]),
                }
                for i in result["missed"]
            ],
        }
        (work / "result.json").write_text(json.dumps(summary_json, indent=1, default=str))
        print(json.dumps({k: summary_json[k] for k in ("time_ratio", "share", "fingerprints_exhaustive", "found")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
