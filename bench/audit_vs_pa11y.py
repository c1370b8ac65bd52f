"""govaudit audit vs pa11y-ci 4 on the same generated pages and the same Chromium. A benchmark, not a test.

    cd bench && PUPPETEER_SKIP_DOWNLOAD=true npm ci && cd ..
    .venv/bin/python bench/audit_vs_pa11y.py [--pages 200] [--concurrency 4] [--against OTHER-CHECKOUT]

Three runs, one after the other, against one local site (bench/sites.py) served on 127.0.0.1:
1. `govaudit audit URL --max-pages N` as a subprocess: the command a user runs (crawl from the home page,
   render, axe + own checks, rules, report). Its wall time gives govaudit's pages/s.
   Pages in the browser at once: `--concurrency` (GOVAUDIT_RENDER_CONCURRENCY), the same number as pa11y-ci's.
2. pa11y-ci with its axe runner on the same N URLs (it does not crawl: it gets the list), `concurrency` pages
   at a time, the same Chromium binary. Its wall time gives pa11y-ci's pages/s.
3. govaudit again in-process, with `AxeInspector.inspect` wrapped by a timer (here, not in production code),
   for Σ axe.run time / (wall × cores): how much of the machine axe itself gets.
4. govaudit in-process with axe as its only inspector (`--only axe-only`, not in the default set): what the
   crawl, the render and axe cost without our own checks, as a reference for the ratio's ceiling.

Same WCAG rule set on both sides: pa11y's axe runner runs tags wcag2a/21a/2aa/21aa + best-practice for
WCAG2AA; the config disables the best-practice-only rules (`ignore`) and enables target-size (our wcag22aa
tag), so both run the same rules, in different axe versions (pa11y ships its own axe-core).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sites import generate, serve  # bench/ is a folder of scripts, not a package

from govaudit.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CHROMIUM = Settings.from_env().chromium
PA11Y_CI = BENCH / "node_modules" / ".bin" / "pa11y-ci"
GOVAUDIT = REPO / ".venv" / "bin" / "govaudit"
# axe rules pa11y's WCAG2AA standard adds to ours (best-practice only) and ours adds to it (wcag22aa).
# Computed from axe.getRules() of both axe versions; rules a version does not know are ignored by axe.
_PA11Y_ONLY_TEXT = (
    "accesskeys aria-allowed-role aria-dialog-name aria-text aria-treeitem-name empty-heading empty-table-header "
    "frame-tested heading-order image-redundant-alt label-title-only landmark-banner-is-top-level "
    "landmark-complementary-is-top-level landmark-contentinfo-is-top-level landmark-main-is-top-level "
    "landmark-no-duplicate-banner landmark-no-duplicate-contentinfo landmark-no-duplicate-main landmark-one-main "
    "landmark-unique meta-viewport-large page-has-heading-one presentation-role-conflict region scope-attr-valid "
    "skip-link tabindex table-duplicate-name"
)
PA11Y_ONLY = tuple(_PA11Y_ONLY_TEXT.split())
OURS_ONLY = ["target-size"]


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    return {
        "date": subprocess.run(["date"], capture_output=True, text=True).stdout.strip(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": free[1].split()[1] if len(free) > 1 else "?",
        "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
    }


def package_version(folder: Path) -> str:
    return str(json.loads((folder / "package.json").read_text())["version"])


def run_govaudit_cli(url: str, pages: int, out: Path, concurrency: int, checkout: Path | None = None) -> dict[str, Any]:
    """`govaudit audit`; with `checkout`, that checkout's code and this checkout's axe-core. The code runs
    in the checkout's own virtualenv when it has one (`.venv`: its rule modules' entry points name its own
    classes, which an older checkout's may not share with ours), else in this one with its folder first
    on the path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOVAUDIT_RENDER_CONCURRENCY": str(concurrency)}
    command = [str(GOVAUDIT)]
    if checkout is not None:
        own = checkout / ".venv" / "bin" / "python"
        command = [str(own) if own.is_file() else sys.executable, "-m", "govaudit"]
        env |= {"PYTHONPATH": str(checkout), "GOVAUDIT_AXE": str(REPO / "node_modules" / "axe-core" / "axe.min.js")}
    started = time.perf_counter()
    proc = subprocess.run(
        [*command, "audit", url, "--max-pages", str(pages), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        cwd=out.parent,  # its default database file lands in the temp dir, not in the checkout
        env=env,
    )
    wall = time.perf_counter() - started
    report = out / "report.json"
    if not report.is_file():
        raise SystemExit(f"govaudit wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return {"wall_s": wall, "exit": proc.returncode, "pages": count_pages(json.loads(report.read_text()))}


def count_pages(report: dict[str, Any]) -> int:
    """Pages audited, from report.json (its layout belongs to reports/; read defensively)."""
    for key in ("pages", "audited_pages", "page_results"):
        value = report.get(key)
        if isinstance(value, list):
            return len(value)
        if isinstance(value, int):
            return value
    summary = report.get("summary", {})
    for key in ("pages", "pages_audited", "pages_crawled"):
        if isinstance(summary.get(key), int):
            return int(summary[key])
    return -1


def run_govaudit_timed(url: str, pages: int, out: Path, *, axe_only: bool = False) -> dict[str, Any]:
    """In-process, with every inspector timed (axe and each own check): the wrappers replace the classes'
    `inspect` for this process only. axe's time is its `page.evaluate(axe.run)` plus the JSON conversion.
    `axe_only` leaves axe the only inspector of the suite the pipeline builds."""
    import dataclasses

    import govaudit.pipeline
    from audits.axe import AxeInspector
    from audits.inspectors import build_suite
    from govaudit.cli import app

    if axe_only:
        full = build_suite()
        govaudit.pipeline.build_suite = lambda settings=None: dataclasses.replace(
            build_suite(settings), inspectors=full.inspectors[:1]
        )

    samples: dict[str, list[float]] = {}
    classes = {type(i) for i in build_suite().inspectors} | {AxeInspector}
    originals = {cls: cls.inspect for cls in classes}

    def timer(cls: type, original: Any) -> Any:
        async def timed(self: Any, page: Any, page_url: str) -> Any:
            started = time.perf_counter()
            try:
                return await original(self, page, page_url)
            finally:
                samples.setdefault(cls.__name__, []).append(time.perf_counter() - started)

        return timed

    for cls, original in originals.items():
        cls.inspect = timer(cls, original)
    cwd = os.getcwd()
    out.parent.mkdir(parents=True, exist_ok=True)
    os.chdir(out.parent)
    started = time.perf_counter()
    error = ""
    try:
        app(["audit", url, "--max-pages", str(pages), "--out", str(out), "--quiet"], standalone_mode=False)
    except Exception as exc:  # e.g. the report step failing after the audit: the timings still stand
        error = f"{type(exc).__name__}: {exc}"
    finally:
        wall = time.perf_counter() - started
        os.chdir(cwd)
        for cls, original in originals.items():
            cls.inspect = original
        govaudit.pipeline.build_suite = build_suite
    axe = sorted(samples.get("AxeInspector", []))
    return {
        "wall_s": wall,
        "axe_runs": len(axe),
        "axe_sum_s": sum(axe),
        "axe_median_ms": axe[len(axe) // 2] * 1000 if axe else 0.0,
        "axe_p95_ms": axe[int(len(axe) * 0.95)] * 1000 if axe else 0.0,
        "inspectors_sum_s": {name: round(sum(v), 1) for name, v in sorted(samples.items())},
        "error": error,
    }


def run_pa11y(urls: list[str], concurrency: int, work: Path) -> dict[str, Any]:
    config = {
        "defaults": {
            "runners": ["axe"],
            "standard": "WCAG2AA",
            "concurrency": concurrency,
            "timeout": 60000,
            # pa11y-ci's default, a new incognito context per URL, fails on this Chromium (156; Puppeteer 24
            # targets 148): most pages end in "Protocol error (Target.closeTarget): No target with given id
            # found". Pages in the one default context: all tested, and the faster way to run it.
            "useIncognitoBrowserContext": False,
            "chromeLaunchConfig": {
                "executablePath": CHROMIUM,
                "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
            },
            "ignore": list(PA11Y_ONLY),
            "rules": OURS_ONLY,
        },
        "urls": urls,
    }
    path = work / "pa11y-ci.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "true"}
    output = work / "pa11y-ci.out"
    started = time.perf_counter()
    # stdout to a file, not a pipe: node exits before a large piped write is flushed (the JSON gets cut).
    with output.open("w") as stdout:
        proc = subprocess.run(
            [str(PA11Y_CI), "--config", str(path), "--json"], stdout=stdout, stderr=subprocess.PIPE, text=True,
            cwd=BENCH, env=env,
        )  # fmt: skip
    wall = time.perf_counter() - started
    text = output.read_text()
    try:
        # pa11y-ci may print other lines around the JSON document: decode just the document.
        result, _ = json.JSONDecoder().raw_decode(text, max(0, text.find('{"total"')))
    except json.JSONDecodeError as exc:
        raise SystemExit(f"pa11y-ci ran {wall:.1f} s but its output is not JSON (exit {proc.returncode}):\n"
                         f"{text[-1000:]}\n{proc.stderr[-2000:]}") from exc  # fmt: skip
    pages_ok = sum(1 for issues in result.get("results", {}).values() if not _pa11y_failed(issues))
    failures: dict[str, int] = {}  # why pa11y-ci could not test a page, first line of its message
    for issues in result.get("results", {}).values():
        for issue in issues:
            if isinstance(issue, dict) and "code" not in issue:
                why = str(issue.get("message", "")).splitlines()[0][:160] if issue.get("message") else "?"
                failures[why] = failures.get(why, 0) + 1
    codes: dict[str, int] = {}
    for issues in result.get("results", {}).values():
        for issue in issues:
            if isinstance(issue, dict) and "code" in issue:
                codes[issue["code"]] = codes.get(issue["code"], 0) + 1
    return {
        "wall_s": wall,
        "exit": proc.returncode,
        "pages": result.get("total", len(urls)),
        "pages_ok": pages_ok,
        "errors": result.get("errors"),
        "failures": failures,
        "issue_codes": dict(sorted(codes.items())),
    }


def _pa11y_failed(issues: list[Any]) -> bool:
    """pa11y-ci records a page it could not test as one issue with a `message` and no `code`."""
    return any(isinstance(i, dict) and "code" not in i for i in issues)


def compare(other: Path, pages: int, concurrency: int, rounds: int) -> int:
    """`govaudit audit` of `other` and of this checkout (in turn, the first one alternating), and pa11y-ci (when
    installed), on one generated site, `rounds` times: the ratios of the medians of their pages/s (screenshots
    on, the default), all from this one run. The load average is printed before and after each run: other
    sessions share the machine."""
    rates: dict[str, list[float]] = {"this": [], "other": [], "pa11y-ci": []}
    with tempfile.TemporaryDirectory(prefix="govaudit-bench-") as tmp:
        work = Path(tmp)
        paths = generate(work / "site", pages)
        with serve(work / "site") as base:
            start = base + paths[0]
            urls = [base + p for p in paths]
            for n in range(rounds):
                # A B, then B A: under a load that rises or falls, each side runs first as often.
                pair = (("other", other), ("this", REPO))
                for name, checkout in pair if n % 2 == 0 else pair[::-1]:
                    load = os.getloadavg()[0]
                    run = run_govaudit_cli(start, pages, work / f"{name}-{n}" / "out", concurrency, checkout)
                    rates[name].append(run["pages"] / run["wall_s"])
                    print(f"round {n + 1} {name:8} ({checkout}): {run['pages']} pages in {run['wall_s']:.1f} s, "
                          f"{rates[name][-1]:.2f} pages/s (exit {run['exit']}, load {load:.1f} → "
                          f"{os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
                if PA11Y_CI.exists():
                    load = os.getloadavg()[0]
                    theirs = run_pa11y(urls, concurrency, work)
                    rates["pa11y-ci"].append(theirs["pages_ok"] / theirs["wall_s"])
                    print(f"round {n + 1} pa11y-ci: {theirs['pages_ok']} of {theirs['pages']} pages tested in "
                          f"{theirs['wall_s']:.1f} s, {rates['pa11y-ci'][-1]:.2f} pages/s (load {load:.1f} → "
                          f"{os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    this, that = statistics.median(rates["this"]), statistics.median(rates["other"])
    print(f"median pages/s: this {this:.2f}, other {that:.2f}; ratio this/other {this / that:.3f}")
    if rates["pa11y-ci"]:
        peer = statistics.median(rates["pa11y-ci"])
        print(f"median pages/s: pa11y-ci {peer:.2f}; ratio this/pa11y-ci {this / peer:.3f}, "
              f"other/pa11y-ci {that / peer:.3f}")  # fmt: skip
    else:
        print("pa11y-ci not installed (cd bench && PUPPETEER_SKIP_DOWNLOAD=true npm ci): no peer ratio")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4, help="pages in the browser at once, on both sides")
    parser.add_argument(
        "--only",
        action="append",
        choices=("cli", "pa11y", "timed", "axe-only"),
        help="run only these (default: cli, pa11y, timed)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="another checkout of govaudit (e.g. `git worktree add --detach BASE_DIR main`): `govaudit audit` "
        "of both and pa11y-ci, in turn, --rounds times each, in this one run; prints this checkout's pages/s over "
        "the other's and over pa11y-ci's",
    )
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.against:
        return compare(args.against, args.pages, args.concurrency, args.rounds)
    if not PA11Y_CI.exists():
        print("pa11y-ci missing: cd bench && PUPPETEER_SKIP_DOWNLOAD=true npm ci", file=sys.stderr)
        return 2
    info = machine()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="govaudit-bench-") as tmp:
        work = Path(tmp)
        paths = generate(work / "site", args.pages)
        with serve(work / "site") as base:
            urls = [base + p for p in paths]
            start = urls[0]
            print(f"{len(urls)} generated pages at {base}; {info['chromium']}; {cores} cores, {info['cpu']}")
            runs = set(args.only or ("cli", "pa11y", "timed"))
            ours = theirs = timed = axe_only = None
            if "cli" in runs:
                ours = run_govaudit_cli(start, args.pages, work / "govaudit" / "out", args.concurrency)
                print(f"govaudit audit: {ours['pages']} pages in {ours['wall_s']:.1f} s (exit {ours['exit']})")
            if "pa11y" in runs:
                theirs = run_pa11y(urls, args.concurrency, work)
                print(f"pa11y-ci: {theirs['pages']} pages ({theirs['pages_ok']} tested) in {theirs['wall_s']:.1f} s "
                      f"(exit {theirs['exit']})")  # fmt: skip
            if "timed" in runs:
                os.environ["GOVAUDIT_RENDER_CONCURRENCY"] = str(args.concurrency)  # read by Settings.from_env
                timed = run_govaudit_timed(start, args.pages, work / "timed" / "out")
            if "axe-only" in runs:
                os.environ["GOVAUDIT_RENDER_CONCURRENCY"] = str(args.concurrency)
                axe_only = run_govaudit_timed(start, args.pages, work / "axe-only" / "out", axe_only=True)
    print()
    print(f"axe-core: govaudit {package_version(REPO / 'node_modules' / 'axe-core')}, "
          f"pa11y-ci {package_version(BENCH / 'node_modules' / 'axe-core')} "
          f"(pa11y-ci {package_version(BENCH / 'node_modules' / 'pa11y-ci')}, "
          f"pa11y {package_version(BENCH / 'node_modules' / 'pa11y')})")  # fmt: skip
    if ours:
        print(f"govaudit audit : {ours['pages'] / ours['wall_s']:6.2f} pages/s  ({ours['pages']} pages, "
              f"{ours['wall_s']:.1f} s wall)")  # fmt: skip
    if theirs:
        print(f"pa11y-ci       : {theirs['pages_ok'] / theirs['wall_s']:6.2f} pages/s  ({theirs['pages_ok']} pages "
              f"tested, {theirs['wall_s']:.1f} s wall)")  # fmt: skip
        print(f"pa11y-ci issue codes: {theirs['issue_codes']}")
        if theirs["failures"]:
            print(f"pa11y-ci pages not tested, why: {theirs['failures']}")
            if ours:
                attempted = (ours["pages"] / ours["wall_s"]) / (theirs["pages"] / theirs["wall_s"])
                print(f"ratio to the pages pa11y-ci attempted: {attempted:.2f}×")
    if ours and theirs:
        ratio = (ours["pages"] / ours["wall_s"]) / (theirs["pages_ok"] / theirs["wall_s"])
        print(f"ratio          : {ratio:6.2f}×  (target ≥ 3×)")
    if timed:
        share = timed["axe_sum_s"] / (timed["wall_s"] * cores)
        print(f"Σ axe.run / (wall × cores): {share:.2f}  (target ≥ 0.8) — {timed['axe_runs']} axe runs, "
              f"Σ {timed['axe_sum_s']:.1f} s, median {timed['axe_median_ms']:.0f} ms, "
              f"p95 {timed['axe_p95_ms']:.0f} ms, "
              f"in-process wall {timed['wall_s']:.1f} s × {cores} cores")  # fmt: skip
        print(f"Σ time per inspector (s): {timed['inspectors_sum_s']}")
        if timed["error"]:
            print(f"(the in-process run ended with {timed['error'][:200]})")
    if axe_only:
        rate = args.pages / axe_only["wall_s"]
        print(f"govaudit, axe as the only inspector (in-process): {rate:.2f} pages/s ({axe_only['wall_s']:.1f} s wall)"
              + (f", {rate / (theirs['pages_ok'] / theirs['wall_s']):.2f}× pa11y-ci" if theirs else ""))  # fmt: skip
    print(json.dumps({"machine": info, "govaudit": ours, "pa11y_ci": theirs, "timed": timed, "axe_only": axe_only},
                     indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
