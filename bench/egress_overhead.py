"""`govaudit audit` throughput of two checkouts on the same generated site, interleaved (A B B A …).
A benchmark, not a test: it measured what the browser's egress proxy (crawler/egress.py) costs.

    git archive BASE | tar -x -C BASE_DIR && ln -s $PWD/node_modules BASE_DIR/node_modules
    nice .venv/bin/python bench/egress_overhead.py --baseline BASE_DIR [--this DIR] [--pages 200] [--rounds 2]

Each checkout runs as `python -m govaudit audit` with this interpreter and PYTHONPATH=CHECKOUT (its code wins
over the editable install), the same Chromium, the same `--concurrency` (GOVAUDIT_RENDER_CONCURRENCY) and page
budget, as in bench/audit_vs_pa11y.py's first run. A checkout needs node_modules (axe-core) beside its code.
Interleaving spreads a shared machine's changing load over both sides; the ratio is of summed pages/summed wall.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_vs_pa11y import count_pages, machine  # bench/ is a folder of scripts, not a package
from sites import generate, serve

REPO = Path(__file__).resolve().parents[1]


def run(checkout: Path, url: str, pages: int, out: Path, concurrency: int) -> tuple[int, float]:
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "govaudit", "audit", url, "--max-pages", str(pages), "--out", str(out), "--quiet"],
        capture_output=True, text=True, cwd=out.parent,
        env={**os.environ, "GOVAUDIT_RENDER_CONCURRENCY": str(concurrency), "PYTHONDONTWRITEBYTECODE": "1",
             "PYTHONPATH": str(checkout)},
    )  # fmt: skip
    wall = time.perf_counter() - started
    report = out / "report.json"
    if not report.is_file():
        raise SystemExit(f"{checkout}: no report (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return count_pages(json.loads(report.read_text())), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout's code")
    parser.add_argument("--this", type=Path, default=REPO, help="this checkout's code (default: this one)")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="A B B A per round pair")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    sides = {"baseline": args.baseline.resolve(), "this": args.this.resolve()}
    totals = {name: [0, 0.0] for name in sides}
    with tempfile.TemporaryDirectory(prefix="govaudit-egress-") as tmp:
        work = Path(tmp)
        paths = generate(work / "site", args.pages)
        with serve(work / "site") as base:
            start = base + paths[0]
            print(f"{len(paths)} pages at {base}; {machine()['chromium']}; load {os.getloadavg()}")
            for i in range(args.rounds):
                order = ["baseline", "this"] if i % 2 == 0 else ["this", "baseline"]
                for name in order:
                    pages, wall = run(sides[name], start, args.pages, work / f"{name}{i}" / "out", args.concurrency)
                    totals[name][0] += pages
                    totals[name][1] += wall
                    print(f"round {i} {name:8}: {pages} pages in {wall:.1f} s = {pages / wall:.2f} pages/s "
                          f"(load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    rate = {name: pages / wall for name, (pages, wall) in totals.items()}
    print(f"baseline {rate['baseline']:.2f} pages/s, this {rate['this']:.2f} pages/s, "
          f"ratio this/baseline {rate['this'] / rate['baseline']:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
