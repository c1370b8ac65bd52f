"""Real government sites for measuring the survey detectors: rebuild, serve and assess them.

    .venv/bin/python bench/govsites.py build [NAME...]        # rebuild copies into bench/out/govsites/<name>/
    .venv/bin/python bench/govsites.py build --publish DIR   # and copy them there
    .venv/bin/python bench/govsites.py serve NAME              # serve one copy on 127.0.0.1 until Ctrl-C
    .venv/bin/python bench/govsites.py measure [NAME...]       # govaudit assess + eval, both instruments
    .venv/bin/python bench/govsites.py measure --no-browser    # crawl + rules only (fast); --reuse rescoring
    .venv/bin/python bench/govsites.py list                    # the sites, their page counts and labels
    .venv/bin/python bench/govsites.py calibrate               # fit bench/calibration-devset.yaml (--out FILE)
    .venv/bin/python bench/govsites.py measure --no-browser --reuse --loso   # scored under rules/calibration.yaml,
                                                               # and each site calibrated on the other sites only

The sites are listed in tests/eval/govsites.yaml (repository, commit, folder, licence, language, kind,
entry page, build step); their labels are tests/eval/labels/<name>.yaml. A copy is rebuilt from a
snapshot of its repository at the recorded commit: the snapshot the search tool's `fetch` leaves under
/work/.mirror/<owner>+<name>/ (or `--mirrors DIR`), else a `git clone` of the GitHub repository. Files
the snapshot lacks (its largest blobs, mostly images) are skipped and counted. Sites published as
sources are built with their generator (Jekyll from Debian's `jekyll` package).

Each copy is assessed as of the day it was made (the labels' `as_of`, given as `--as-of`).
`measure` serves each copy, runs `govaudit assess URL --kind national_portal` (OSI 2024) and
`--kind city_portal` (LOSI 2024) into bench/out/govsites-runs/<name>/<kind>/, then scores each
report.json against the labels and prints precision and recall per site, per instrument and language,
and per code with the sites each wrong answer came from (govaudit/evaluation.py). `--reuse` scores the
reports of the last run again (labels changed, detectors not). Results go to bench/RESULTS.md by hand,
with the date and `uptime`.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # bench/ is a folder of scripts: reach the project's packages and tests/
sys.path.insert(0, str(ROOT / "bench"))
from govsites_search import html_pages  # noqa: E402

MANIFEST = ROOT / "tests" / "eval" / "govsites.yaml"
LABELS = ROOT / "tests" / "eval" / "labels"
OUT = ROOT / "bench" / "out" / "govsites"
RUNS = ROOT / "bench" / "out" / "govsites-runs"
MIRRORS = Path(os.environ.get("GOVAUDIT_MIRRORS", "/work/.mirror"))  # where `fetch` puts snapshots
KINDS = {"national_portal": "OSI-2024", "city_portal": "LOSI-2024"}


@dataclass(frozen=True, slots=True)
class GovSite:
    name: str
    repo: str
    commit: str
    folder: str  # the folder of the repository (at that commit) that holds the site, "" = root
    licence: str
    language: str
    kind: str
    entry: str
    build: str = "none"  # none | jekyll
    mount: str = ""  # where the folder is served (a site built for a sub-path keeps its absolute links)
    fold_case: str = ""  # "yes": the copy was made on a case-insensitive disk, its links differ in case

    @classmethod
    def from_dict(cls, item: dict[str, Any]) -> GovSite:
        fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
        return cls(**{k: str(v) for k, v in item.items() if k in fields})


def load_sites(names: list[str] | None = None) -> list[GovSite]:
    sites = [GovSite.from_dict(s) for s in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["sites"]]
    if names:
        unknown = set(names) - {s.name for s in sites}
        if unknown:
            sys.exit(f"unknown site(s): {', '.join(sorted(unknown))}; see {MANIFEST}")
        sites = [s for s in sites if s.name in names]
    return sites


# --- rebuild ---------------------------------------------------------------------------------------


def git_dir(site: GovSite, mirrors: Path) -> Path:
    """The snapshot's git directory, cloning the repository when no snapshot is at hand."""
    base = mirrors / site.repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    target = OUT.parent / "govsites-git" / site.repo.replace("/", "+")
    if not (target / "HEAD").is_file():
        subprocess.run(["git", "clone", "--bare", f"https://github.com/{site.repo}", str(target)], check=True)
    return target


def extract(gitdir: Path, commit: str, folder: str, dest: Path) -> tuple[int, int]:
    """Write the files under `folder` at `commit` into `dest`; returns (written, missing blobs)."""
    prefix = folder.strip("/") + "/" if folder.strip("/") else ""
    listing = subprocess.run(
        ["git", "--git-dir", str(gitdir), "ls-tree", "-r", "-z", commit, "--", prefix or "."],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", "surrogateescape")
    entries = []
    for line in filter(None, listing.split("\0")):
        meta, path = line.split("\t", 1)
        _mode, kind, sha = meta.split()
        if kind == "blob":
            entries.append((sha, path[len(prefix) :]))
    batch = subprocess.Popen(
        ["git", "--git-dir", str(gitdir), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert batch.stdin and batch.stdout
    written = missing = 0
    for sha, rel in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if header[-1] == b"missing":
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    batch.stdin.close()
    batch.wait()
    return written, missing


def build_site(site: GovSite, mirrors: Path) -> Path:
    dest = OUT / site.name
    if dest.exists():
        shutil.rmtree(dest)
    gitdir = git_dir(site, mirrors)
    if site.build == "none":
        written, missing = extract(gitdir, site.commit, site.folder, dest / site.mount.strip("/"))
    elif site.build == "jekyll":
        with tempfile.TemporaryDirectory() as tmp:
            written, missing = extract(gitdir, site.commit, site.folder, Path(tmp))
            for name in ("Gemfile", "Gemfile.lock"):  # Debian's jekyll, not the gems they pin
                (Path(tmp) / name).unlink(missing_ok=True)
            subprocess.run(["jekyll", "build", "--safe", "-s", tmp, "-d", str(dest)], check=True)
    else:
        raise SystemExit(f"{site.name}: unknown build step {site.build!r}")
    if site.fold_case == "yes":
        print(f"{site.name}: {fold_case(dest)} links whose case differs from the file's, linked")
    pages = len(html_pages(dest))
    print(f"{site.name}: {written} files from {site.repo}@{site.commit[:10]} ({missing} missing blobs), {pages} pages")
    return dest


HREF = re.compile(r'href="([^"#?]+)', re.IGNORECASE)


def fold_case(dest: Path) -> int:
    """Make every relative link that misses only by case reach its file (a relative symlink), the way
    the site's own case-insensitive server answered it. Returns the number of links made."""
    files = {f.relative_to(dest).as_posix().lower(): f for f in dest.rglob("*") if f.is_file()}
    made = 0
    for page in html_pages(dest):
        for href in HREF.findall(page.read_text(encoding="utf-8", errors="replace")):
            href = unquote(html.unescape(href))
            if "://" in href or href.startswith(("mailto:", "javascript:", "/")):
                continue
            target = Path(os.path.normpath(page.parent / href))
            if not target.is_relative_to(dest) or target.exists():
                continue
            existing = files.get(target.relative_to(dest).as_posix().lower())
            if existing:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(os.path.relpath(existing, target.parent))
                made += 1
    return made


# --- serve and measure ------------------------------------------------------------------------------


def serve(folder: Path) -> AbstractContextManager[str]:
    """Serve a copy on 127.0.0.1 (tests/eval/harness.py's server: no Last-Modified); yields the base URL."""
    from tests.eval.harness import serve_folder

    return serve_folder(folder)


def assess(site: GovSite, base: str, kind: str, as_of: str) -> Path:
    out = RUNS / site.name / kind
    out.mkdir(parents=True, exist_ok=True)
    env_db = f"sqlite:///{out / 'govaudit.db'}"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "govaudit"), "assess", base + site.entry, "--kind", kind,
         "--max-pages", "200", "--out", str(out), "--quiet", "--as-of", as_of],
        check=True, env={**os.environ, "GOVAUDIT_DATABASE_URL": env_db}, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return out / "report.json"


def assess_without_browser(site: GovSite, base: str, kind: str, as_of: str) -> dict[str, Any]:
    """The crawl and the rules without Chromium (tests/eval/harness.py): fast, but what needs a
    browser (reflow at 375 px, axe) stays not_tested."""
    from crawler.site import SiteConfig, SiteKind
    from tests.eval.harness import assess as harness_assess

    config = SiteConfig(
        name=site.name, start_urls=(base + site.entry,), kind=SiteKind(kind), languages=(site.language,),
        max_pages=200, allow_private=True,
    )  # fmt: skip
    return harness_assess(config, date.fromisoformat(as_of))


@dataclass(frozen=True, slots=True)
class SiteResult:
    site: GovSite
    instrument: str
    evaluation: Any  # govaudit.evaluation.Evaluation
    pages: int


def measure(sites: list[GovSite], *, reuse: bool, browser: bool = True, loso: bool = False) -> None:
    from rich.console import Console

    console = Console(width=160)
    reports: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    results = [
        r for site in sites for r in _measure_site(site, reuse=reuse, browser=browser, console=console, keep=reports)
    ]
    console.print("[bold]As calibrated by rules/calibration.yaml[/]")
    _print_results(results, console)
    if loso:
        console.print("\n[bold]Leave one site out: each site's answers calibrated on the other sites only[/]")
        _print_results(_leave_one_site_out(sites, reports), console)


def _samples(
    report: dict[str, Any], truth: dict[str, Any], instrument: str
) -> list[tuple[str | None, float, bool, str]]:
    """(value, detector confidence, right?, cue) of every scored answer of one report."""
    from govaudit.evaluation import evaluate

    cues = {a["question"]: a.get("cue", "") for a in report.get("answers", []) if a.get("instrument") == instrument}
    return [
        (q.suggested, q.raw_confidence if q.raw_confidence is not None else q.confidence, q.right, cues[q.question])
        for q in evaluate(report, truth, instrument=instrument).scored
    ]


def recalibrated(report: dict[str, Any], calibration: Any) -> dict[str, Any]:
    """The report's answers with confidence and outcome derived again from the detectors' own
    confidence under another calibration (as rules/decide.py does)."""
    from rules.decide import DECIDED_AT

    answers = []
    for answer in report.get("answers", []):
        raw = answer.get("raw_confidence")
        if answer.get("outcome") == "not_tested" or raw is None:
            answers.append(answer)
            continue
        confidence = calibration(answer.get("value"), float(raw), answer.get("cue", ""))
        outcome = "failed" if answer.get("value") == "absent" else "passed"
        answers.append(
            {**answer, "confidence": confidence, "outcome": outcome if confidence >= DECIDED_AT else "needs_review"}
        )
    return {**report, "answers": answers}


def _leave_one_site_out(
    sites: list[GovSite], reports: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]
) -> list[SiteResult]:
    from govaudit.evaluation import evaluate
    from rules.calibration import fit

    results = []
    for site in sites:
        others = [
            sample
            for (name, instrument), (report, truth) in reports.items()
            if name != site.name
            for sample in _samples(report, truth, instrument)
        ]
        calibration = fit(others)
        for (name, instrument), (report, truth) in reports.items():
            if name == site.name:
                evaluation = evaluate(recalibrated(report, calibration), truth, instrument=instrument)
                results.append(SiteResult(site, instrument, evaluation, len(report.get("pages", []))))
    return results


def calibrate(sites: list[GovSite], target: Path) -> None:
    """Fit a calibration file (rules/calibration.py) on the last no-browser run of every labelled site."""
    from rules.calibration import fit

    samples = []
    for site in sites:
        label_file = LABELS / f"{site.name}.yaml"
        if not label_file.is_file():
            continue
        labels = yaml.safe_load(label_file.read_text(encoding="utf-8"))
        for kind, instrument in KINDS.items():
            path = RUNS / site.name / kind / "report-nobrowser.json"
            if not path.is_file():
                sys.exit(f"{site.name}: no {path}; run `measure --no-browser` first")
            report = json.loads(path.read_text(encoding="utf-8"))
            samples += _samples(report, labels["instruments"].get(instrument, {}), instrument)
    calibration = fit(samples)
    header = (
        "# Calibration of the survey detectors' confidence (rules/calibration.py): per side (present or absent)\n"
        "# and band of the detectors' own confidence, how many labelled answers of the development set\n"
        "# (tests/eval/govsites.yaml, no browser) fell in it and the share that was right. Written by\n"
        f"# `bench/govsites.py calibrate` from {len(samples)} answers on {len(sites)} sites; do not edit by hand.\n"
    )
    target.write_text(header + yaml.safe_dump(calibration.to_dict(), sort_keys=False), encoding="utf-8")
    print(f"{target}: {len(calibration.bands)} bands from {len(samples)} answers")


def _measure_site(
    site: GovSite,
    *,
    reuse: bool,
    browser: bool,
    console: Any,
    keep: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] | None = None,
) -> list[SiteResult]:
    """Assess one copy as both kinds and score each report; a run's report.json is kept under RUNS
    (report-nobrowser.json without the browser) so that --reuse can score it again."""
    from govaudit.evaluation import evaluate

    folder = OUT / site.name
    if not (LABELS / f"{site.name}.yaml").is_file():
        console.print(f"{site.name}: not labelled yet, skipped")
        return []
    if not folder.is_dir():
        sys.exit(f"{site.name}: no copy in {folder}; run `build` first")
    labels = yaml.safe_load((LABELS / f"{site.name}.yaml").read_text(encoding="utf-8"))
    results = []
    with serve(folder) as base:
        for kind, instrument in KINDS.items():
            report_path = RUNS / site.name / kind / ("report.json" if browser else "report-nobrowser.json")
            if not (reuse and report_path.is_file()):
                as_of = str(labels["as_of"])
                if browser:
                    report_path = assess(site, base, kind, as_of)
                else:
                    report_path.parent.mkdir(parents=True, exist_ok=True)
                    report = assess_without_browser(site, base, kind, as_of)
                    report_path.write_text(json.dumps(report), encoding="utf-8")
            report = json.loads(report_path.read_text(encoding="utf-8"))
            if reuse:  # the detectors' own confidences under today's calibration
                from rules.calibration import load_calibration

                report = recalibrated(report, load_calibration())
            truth = labels["instruments"].get(instrument, {})
            if keep is not None:
                keep[(site.name, instrument)] = (report, truth)
            evaluation = evaluate(report, truth, instrument=instrument)
            results.append(SiteResult(site, instrument, evaluation, len(report.get("pages", []))))
    return results


def _print_results(results: list[SiteResult], console: Any) -> None:
    from govaudit.evaluation import combine

    console.print(
        "site · language · instrument · pages · answered precision · present recall · review · "
        "precision · recall · TP FP FN TN · not covered"
    )
    for r in results:
        ev = r.evaluation
        console.print(
            f"{r.site.name} · {r.site.language} · {r.instrument} · {r.pages} · {_fmt(ev.answered_precision)} · "
            f"{_fmt(ev.present_recall)} · {len(ev.needs_review)} · {_fmt(ev.precision)} · "
            f"{_fmt(ev.recall)} · {ev.tp} {ev.fp} {ev.fn} {ev.tn} · {len(ev.not_covered)}"
        )
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in results:
        groups[(r.instrument, r.site.language)].append(r.evaluation)
        groups[(r.instrument, "all")].append(r.evaluation)
    console.print(
        "\nper instrument and language: answered precision (decided TP/FP) · present recall (TP/labelled "
        "present) · review · precision · recall · TP FP FN TN · not covered"
    )
    for (instrument, language), evs in sorted(groups.items()):
        m = combine(evs)
        console.print(
            f"{instrument} {language}: {_fmt(m.answered_precision)} ({m.answered_tp}/{m.answered_fp}) · "
            f"{_fmt(m.present_recall)} ({m.answered_tp}/{m.labelled_present}) · {len(m.needs_review)} · "
            f"{_fmt(m.precision)} · {_fmt(m.recall)} · {m.tp} {m.fp} {m.fn} {m.tn} · {len(m.not_covered)}"
        )
    for instrument in sorted({r.instrument for r in results}):
        _print_per_code(instrument, [r for r in results if r.instrument == instrument], console)


def _print_per_code(instrument: str, results: list[SiteResult], console: Any) -> None:
    """Per code, summed over the sites (codes with a positive label or suggestion), then which site
    each wrong answer came from."""
    from govaudit.evaluation import combine

    console.print(f"\n{instrument} per code (codes with TP, FP or FN): code TP FP FN TN · wrong on")
    wrong: dict[str, list[str]] = defaultdict(list)
    for r in results:
        for q in r.evaluation.errors:
            wrong[q.question].append(f"{r.site.name} {q.verdict}")
    for q in combine(r.evaluation for r in results).scored:
        if q.tp or q.fp or q.fn:
            console.print(f"#{q.question} {q.tp} {q.fp} {q.fn} {q.tn} · {', '.join(wrong.get(q.question, []))}")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def list_sites(sites: list[GovSite]) -> None:
    for site in sites:
        folder = OUT / site.name
        pages = len(html_pages(folder)) if folder.is_dir() else 0
        counts: dict[str, int] = defaultdict(int)
        label_file = LABELS / f"{site.name}.yaml"
        if label_file.is_file():
            data = yaml.safe_load(label_file.read_text(encoding="utf-8"))
            for codes in data["instruments"].values():
                for item in codes.values():
                    counts[item["value"] if isinstance(item, dict) else str(item)] += 1
            counts["unknown"] = sum(len(c) for c in (data.get("unknown") or {}).values())
        print(f"{site.name:32} {site.language:3} {site.kind:16} {pages:4} pages  {dict(counts)}")


FIXTURES = ROOT / "tests" / "fixtures" / "govsites"
COMMITTABLE = ("MIT", "CC-BY-4.0")  # licences that let a few pages be committed with attribution


def label_pages(labels: dict[str, Any]) -> set[str]:
    """The entry page and every page a "present" label cites."""
    found = {labels["entry"]}
    for codes in labels["instruments"].values():
        for item in codes.values():
            if isinstance(item, dict) and item.get("value") != "absent":
                found.update(str(e) for e in item.get("evidence") or ())
    return found


def write_subset(site: GovSite) -> None:
    """Copy the pages the labels cite into tests/fixtures/govsites/<name>/, with their source."""
    if not site.licence.startswith(COMMITTABLE):
        print(f"{site.name}: licence {site.licence!r}, not committed")
        return
    labels = yaml.safe_load((LABELS / f"{site.name}.yaml").read_text(encoding="utf-8"))
    dest = FIXTURES / site.name
    if dest.exists():
        shutil.rmtree(dest)
    for path in sorted(label_pages(labels)):
        source = OUT / site.name / path.lstrip("/")
        if source.is_dir():
            source, path = source / "index.html", path.rstrip("/") + "/index.html"
        target = dest / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (dest / "SOURCE.md").write_text(
        f"# {site.name}\n\nPages of https://github.com/{site.repo} at commit {site.commit}"
        f" (folder `{site.folder or '/'}`), licence {site.licence}, copied unchanged by"
        f" `bench/govsites.py subset`: the entry page and the pages that tests/eval/labels/{site.name}.yaml"
        f" cites as evidence. Served under `{site.mount or '/'}`.\n",
        encoding="utf-8",
    )
    print(f"{site.name}: {sum(1 for _ in dest.rglob('*.html'))} pages in {dest.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="rebuild copies from their repositories")
    b.add_argument("names", nargs="*")
    b.add_argument("--mirrors", type=Path, default=MIRRORS)
    b.add_argument("--publish", type=Path, help="also copy every rebuilt site into this folder")
    s = sub.add_parser("serve", help="serve one copy on 127.0.0.1")
    s.add_argument("name")
    m = sub.add_parser("measure", help="assess every copy as national and city portal, score against labels")
    m.add_argument("names", nargs="*")
    m.add_argument("--reuse", action="store_true", help="score the reports of an earlier run again")
    m.add_argument("--no-browser", action="store_true", help="crawl and rules only (tests/eval/harness.py)")
    m.add_argument("--loso", action="store_true", help="also score each site calibrated on the other sites only")
    k = sub.add_parser("calibrate", help="fit a calibration file on the last no-browser run")
    k.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "calibration-devset.yaml",
        help="where to write it (rules/calibration.yaml makes it the one govaudit applies)",
    )
    sub.add_parser("list", help="sites, page counts, label counts")
    c = sub.add_parser("subset", help="commit the labelled pages of permissively licensed sites for CI")
    c.add_argument("names", nargs="*")
    args = parser.parse_args()
    if args.command == "build":
        for site in load_sites(args.names):
            dest = build_site(site, args.mirrors)
            if args.publish:
                shutil.copytree(dest, args.publish / site.name, dirs_exist_ok=True)
    elif args.command == "serve":
        site = load_sites([args.name])[0]
        with serve(OUT / site.name) as base:
            print(f"{site.name}: {base}{site.entry}  (Ctrl-C to stop)", flush=True)
            try:
                import threading

                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    elif args.command == "subset":
        for site in load_sites(args.names):
            if (LABELS / f"{site.name}.yaml").is_file():
                write_subset(site)
    elif args.command == "measure":
        measure(load_sites(args.names), reuse=args.reuse, browser=not args.no_browser, loso=args.loso)
    elif args.command == "calibrate":
        calibrate(load_sites(), args.out)
    else:
        list_sites(load_sites())


if __name__ == "__main__":
    main()
